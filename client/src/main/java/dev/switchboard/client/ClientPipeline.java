package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.codec.MqttDecoder;
import dev.switchboard.mqtt.codec.MqttEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.List;

/**
 * The handlers of one connection, by transport: TLS for mqtts and wss; the HTTP upgrade and binary
 * frames for ws and wss (subprotocol {@code mqtt}); then our MQTT codec and the client's handler.
 */
final class ClientPipeline {
  private ClientPipeline() {}

  static void build(
      ChannelPipeline p,
      BrokerEndpoint endpoint,
      ClientTls tls,
      MqttVersion version,
      long handshakeTimeoutMillis,
      ChannelHandler client) {
    if (endpoint.transport().isTls()) {
      p.addLast("tls", tls.newHandler(p.channel().alloc(), endpoint.host(), endpoint.port()));
    }
    if (endpoint.transport().isWebSocket()) {
      String host =
          endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host();
      URI uri =
          URI.create(
              endpoint.transport().scheme()
                  + "://"
                  + host
                  + ":"
                  + endpoint.port()
                  + endpoint.path());
      WebSocketClientProtocolConfig ws =
          WebSocketClientProtocolConfig.newBuilder()
              .webSocketUri(uri)
              .subprotocol("mqtt")
              .version(WebSocketVersion.V13)
              .customHeaders(new DefaultHttpHeaders())
              .maxFramePayloadLength(MqttCodec.MAX_PACKET_SIZE)
              .handshakeTimeoutMillis(handshakeTimeoutMillis)
              .dropPongFrames(true)
              .build();
      p.addLast("http", new HttpClientCodec());
      p.addLast("http-aggregator", new HttpObjectAggregator(1 << 16));
      p.addLast("ws", new WebSocketClientProtocolHandler(ws));
      p.addLast("ws-frames", new BinaryFrames());
    }
    MqttDecoder decoder = new MqttDecoder(false, MqttCodec.MAX_PACKET_SIZE);
    decoder.setVersion(version);
    p.addLast("mqtt-decoder", decoder);
    p.addLast("mqtt-encoder", new MqttEncoder(version));
    p.addLast("client", client);
  }

  /** MQTT bytes in and out of WebSocket binary frames; a packet may span frames. */
  private static final class BinaryFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
      out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
      if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
        out.add(frame.content().retain());
      } else {
        // MQTT over WebSocket is binary only [MQTT-6.0.0-1]
        ctx.close();
      }
    }
  }
}
