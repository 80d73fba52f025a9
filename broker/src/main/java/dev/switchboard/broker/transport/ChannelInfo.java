package dev.switchboard.broker.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What a client connection's transport knows about its peer, for the MQTT layer: the listener it
 * came in on, its real address (behind a proxy speaking the PROXY protocol) and the certificate
 * chain a TLS listener verified.
 */
public final class ChannelInfo {
  /**
   * The listener's name: an attribute of the listening channel, which its connections read through
   * {@link Channel#parent()} (an attribute of each connection would cost 48 bytes each), or of a
   * connection without a parent (tests).
   */
  public static final AttributeKey<String> LISTENER = AttributeKey.valueOf("sb.listener");

  /** The client's address as a PROXY protocol header gave it; absent without one. */
  public static final AttributeKey<SocketAddress> CLIENT_ADDRESS =
      AttributeKey.valueOf("sb.clientAddress");

  /** The host a WebSocket client's {@code Host} header named; absent on other transports. */
  public static final AttributeKey<String> HOST = AttributeKey.valueOf("sb.host");

  private ChannelInfo() {}

  /**
   * The host name the client asked for, lower case, without a port: a WebSocket client's {@code
   * Host} header, else the server name a TLS client sent (SNI); null when it named none.
   */
  public static String serverName(Channel channel) {
    String host = channel.attr(HOST).get();
    if (host == null) {
      SslHandler tls = channel.pipeline().get(SslHandler.class);
      if (tls != null && tls.engine().getSession() instanceof ExtendedSSLSession session) {
        for (SNIServerName name : session.getRequestedServerNames()) {
          if (name instanceof SNIHostName h) {
            host = h.getAsciiName();
            break;
          }
        }
      }
    }
    return host == null ? null : hostName(host);
  }

  /**
   * {@code Team3.Lab.Example:8083} as {@code team3.lab.example}; an IPv6 literal keeps its colons.
   */
  static String hostName(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
      h = h.substring(0, colon);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  public static String listener(Channel channel) {
    // hasAttr, not attr(...).get(): attr makes the attribute (and the channel's table of them)
    String name = channel.hasAttr(LISTENER) ? channel.attr(LISTENER).get() : null;
    Channel server = channel.parent();
    if (name == null && server != null && server.hasAttr(LISTENER)) {
      name = server.attr(LISTENER).get();
    }
    return name == null ? "mqtt" : name;
  }

  /** The client's address: the one a PROXY header named, or the peer's. */
  public static SocketAddress remoteAddress(Channel channel) {
    SocketAddress proxied =
        channel.hasAttr(CLIENT_ADDRESS) ? channel.attr(CLIENT_ADDRESS).get() : null;
    return proxied != null ? proxied : channel.remoteAddress();
  }

  /** The verified client certificate chain, leaf first; empty without TLS or a certificate. */
  public static List<X509Certificate> peerCertificates(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls == null) {
      return List.of();
    }
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      List<X509Certificate> out = new ArrayList<>(chain.length);
      for (Certificate c : chain) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
      return out;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }
}
