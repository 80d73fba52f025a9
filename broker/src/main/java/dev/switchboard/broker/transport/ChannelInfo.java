package dev.switchboard.broker.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
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

  private ChannelInfo() {}

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
