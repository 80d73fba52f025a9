package dev.switchboard.bench;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;

/**
 * One publisher's PUBLISH, encoded once by the {@code mqtt} codec. Each message is that image
 * copied into an outgoing buffer with two fields patched in place: the packet identifier (QoS 1 and
 * 2) and the first eight payload bytes, the sender's {@link System#nanoTime()}, from which the
 * subscriber reads the latency. Nothing is allocated per message.
 */
public final class PublishTemplate {
  /** The payload starts with an 8-byte send time; smaller payloads could not carry it. */
  public static final int MIN_SIZE = 8;

  private final byte[] header;
  private final byte[] filler;
  private final int packetIdOffset;
  private final int qos;

  public PublishTemplate(String topic, int qos, int size, MqttVersion version) {
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException(
          "payload size " + size + " is below " + MIN_SIZE + ": the payload carries the send time");
    }
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("QoS " + qos + " is not 0, 1 or 2");
    }
    this.qos = qos;
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
    Publish p =
        new Publish(topic, payload, qos, false, false, qos > 0 ? 1 : 0, MqttProperties.EMPTY);
    ByteBuf image = MqttCodec.encode(UnpooledByteBufAllocator.DEFAULT, p, version);
    byte[] all;
    try {
      all = ByteBufUtil.getBytes(image);
    } finally {
      image.release();
    }
    int headerLength = all.length - size;
    this.header = Arrays.copyOf(all, headerLength);
    this.filler = Arrays.copyOfRange(all, headerLength + MIN_SIZE, all.length);
    // Topic, packet identifier, then (5.0) a one-byte empty property length.
    this.packetIdOffset = qos == 0 ? -1 : headerLength - 2 - (version == MqttVersion.V5 ? 1 : 0);
  }

  public int qos() {
    return qos;
  }

  /** Bytes one message takes on the wire. */
  public int encodedSize() {
    return header.length + MIN_SIZE + filler.length;
  }

  /** Appends one message to {@code buf}. */
  public void writeTo(ByteBuf buf, int packetId, long sendNanos) {
    int start = buf.writerIndex();
    buf.writeBytes(header);
    if (packetIdOffset >= 0) {
      buf.setShort(start + packetIdOffset, packetId);
    }
    buf.writeLong(sendNanos);
    buf.writeBytes(filler);
  }
}
