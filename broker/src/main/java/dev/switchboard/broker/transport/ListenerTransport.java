package dev.switchboard.broker.transport;

import dev.switchboard.broker.metrics.BrokerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Duration;

/**
 * The handlers a listener's connections need in front of the MQTT decoder: PROXY header, TLS,
 * WebSocket, each where the listener asks for it. Plain TCP without PROXY needs none, and gets
 * none: {@link #of} returns null for it.
 *
 * <p>The order, for the most a listener can have (WSS behind a proxy): PROXY header (it comes
 * before the TLS bytes), TLS, HTTP upgrade, WebSocket frames, then the MQTT decoder and connection
 * the broker adds.
 */
public final class ListenerTransport {
  /** Largest HTTP upgrade request: a GET has no body, its headers have their own limit. */
  private static final int MAX_UPGRADE_REQUEST = 8 * 1024;

  private final ListenerConfig listener;
  private final ServerTls tls;
  private final BrokerMetrics metrics;
  private final WebSocketServerProtocolConfig webSocket;

  private ListenerTransport(
      ListenerConfig listener,
      ServerTls tls,
      BrokerMetrics metrics,
      int maxPacketSize,
      Duration connectTimeout) {
    this.listener = listener;
    this.tls = tls;
    this.metrics = metrics;
    this.webSocket =
        listener.kind().webSocket()
            ? WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(listener.wsPath())
                // the gate in front has checked the path (query strings are fine)
                .checkStartsWith(true)
                .subprotocols(String.join(",", WebSocketUpgradeGate.SUBPROTOCOLS))
                .handshakeTimeoutMillis(connectTimeout.toMillis())
                .decoderConfig(
                    WebSocketDecoderConfig.newBuilder()
                        // one frame may hold one whole packet of the largest size, no more
                        .maxFramePayloadLength(maxPacketSize)
                        .allowExtensions(false)
                        // text frames close the connection anyway: no need to check their UTF-8
                        .withUTF8Validator(false)
                        .build())
                .build()
            : null;
  }

  /**
   * The transport of {@code listener}; null when it is plain TCP without PROXY protocol.
   *
   * @param tls the TLS contexts; needed by TLS and WSS listeners only
   * @param maxPacketSize the broker's largest packet, which bounds a WebSocket frame
   * @param connectTimeout bounds the WebSocket upgrade (TLS has its own handshake timeout)
   */
  public static ListenerTransport of(
      ListenerConfig listener,
      ServerTls tls,
      BrokerMetrics metrics,
      int maxPacketSize,
      Duration connectTimeout) {
    if (listener.kind() == ListenerConfig.Kind.TCP && !listener.proxyProtocol()) {
      return null;
    }
    if (listener.kind().tls() && tls == null) {
      throw new IllegalArgumentException("listener " + listener.name() + " needs TLS settings");
    }
    return new ListenerTransport(listener, tls, metrics, maxPacketSize, connectTimeout);
  }

  /** Adds this transport's handlers to a new connection's (empty) pipeline. */
  public void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (listener.proxyProtocol()) {
      ProxyHeaderHandler header = new ProxyHeaderHandler(metrics);
      p.addLast("proxy-gate", new ProxyHeaderGate(header));
      p.addLast("proxy-decoder", new HAProxyMessageDecoder());
      p.addLast("proxy-header", header);
    }
    if (listener.kind().tls()) {
      p.addLast("tls", tls.newHandler(ch.alloc(), listener.clientAuth()));
      p.addLast("tls-events", new TlsHandshakeEvents(metrics));
    }
    if (listener.kind().webSocket()) {
      p.addLast("http", new HttpServerCodec());
      p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST));
      p.addLast("ws-gate", new WebSocketUpgradeGate(listener.wsPath(), metrics));
      p.addLast("ws", new WebSocketServerProtocolHandler(webSocket));
      p.addLast("ws-reader", new WebSocketFrameReader(metrics));
      p.addLast("ws-writer", new WebSocketFrameWriter());
    }
  }
}
