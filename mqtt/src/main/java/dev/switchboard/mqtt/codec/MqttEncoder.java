package dev.switchboard.mqtt.codec;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.MqttPacket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link MqttPacket}s in the connection's protocol version (see {@link MqttCodec} for the
 * wire forms). Not sharable: each connection has its own version. A PUBLISH with a large payload
 * leaves as two buffers, the header and the wrapped payload, so the payload is never copied per
 * subscriber.
 */
public final class MqttEncoder extends MessageToMessageEncoder<MqttPacket> {
  private volatile MqttVersion version;

  /**
   * @param initial the version to write in; null on a server until the CONNECT has been read, which
   *     writes the 3.1.1 form (what a client with an unsupported level understands)
   */
  public MqttEncoder(MqttVersion initial) {
    super(MqttPacket.class);
    this.version = initial;
  }

  public void setVersion(MqttVersion version) {
    this.version = version;
  }

  public MqttVersion version() {
    return version;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
    MqttCodec.encode(ctx.alloc(), packet, version, out);
  }
}
