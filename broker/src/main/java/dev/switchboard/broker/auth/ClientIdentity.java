package dev.switchboard.broker.auth;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who is on the other end of a connection, as far as the broker knows.
 *
 * @param clientId the client identifier (assigned one where the client sent none)
 * @param username the CONNECT user name, or null; after authentication, the principal's
 * @param remoteAddress the client's address: the peer's, or the one a PROXY protocol header named
 * @param listener the name of the listener it came in on ({@code mqtt}, {@code mqtts}, {@code ws},
 *     {@code wss})
 * @param certificates the client certificate chain a TLS listener verified, leaf first; empty when
 *     there was none
 * @param serverName the host name the client asked for, in lower case without a port: the WebSocket
 *     {@code Host} header, else the TLS SNI name; null when it named none (what maps a client to
 *     its hub, {@code team3.lab.example})
 * @param principal what authentication made of it; null until then
 */
public record ClientIdentity(
    String clientId,
    String username,
    SocketAddress remoteAddress,
    String listener,
    List<X509Certificate> certificates,
    String serverName,
    Principal principal) {

  public ClientIdentity {
    certificates = List.copyOf(certificates);
  }

  /** An identity whose client named no host. */
  public ClientIdentity(
      String clientId,
      String username,
      SocketAddress remoteAddress,
      String listener,
      List<X509Certificate> certificates,
      Principal principal) {
    this(clientId, username, remoteAddress, listener, certificates, null, principal);
  }

  /** A client on a plain listener, before authentication (tests, tools). */
  public ClientIdentity(String clientId, String username, SocketAddress remoteAddress) {
    this(clientId, username, remoteAddress, "mqtt", List.of(), null);
  }

  /**
   * The hub (tenant) the client belongs to: its principal's, or {@link Principal#DEFAULT_HUB}
   * before authentication.
   */
  public String hub() {
    return principal == null ? Principal.DEFAULT_HUB : principal.hub();
  }

  /** This identity once authenticated: the principal's user name stands for the client's. */
  public ClientIdentity authenticated(Principal who) {
    return new ClientIdentity(
        clientId, who.username(), remoteAddress, listener, certificates, serverName, who);
  }
}
