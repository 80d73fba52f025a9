package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.codec.MqttDecoder;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bytes a {@link PublishTemplate} writes are PUBLISHes the project's own decoder (server side,
 * as a broker reads them) accepts, with the packet identifier and send time patched per message.
 */
class PublishTemplateTest {
  private static final int MAX_PACKET = 1 << 20;

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() {
    for (EmbeddedChannel c : channels) {
      c.finishAndReleaseAll();
    }
  }

  /** A broker-side decoder that has accepted a CONNECT of {@code version}. */
  private EmbeddedChannel broker(MqttVersion version) {
    EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(true, MAX_PACKET));
    channels.add(channel);
    Connect connect =
        new Connect(version, "bench-test", true, 60, null, null, null, MqttProperties.EMPTY);
    // Pooled direct buffers: those are the ones the leak detector tracks.
    ByteBuf bytes = MqttCodec.encode(PooledByteBufAllocator.DEFAULT, connect, version);
    channel.writeInbound(bytes);
    assertThat((Object) channel.readInbound()).isInstanceOf(Connect.class);
    return channel;
  }

  static Stream<Arguments> versionsQosAndSizes() {
    List<Arguments> all = new ArrayList<>();
    for (MqttVersion v : List.of(MqttVersion.V3_1_1, MqttVersion.V5)) {
      for (int qos = 0; qos <= 2; qos++) {
        // 8: the send time only; 100: a one-byte Remaining Length; 300: two; 20000: three.
        for (int size : List.of(8, 100, 300, 20_000)) {
          all.add(Arguments.of(v, qos, size));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} QoS {1} {2} B")
  @MethodSource("versionsQosAndSizes")
  void messagesDecodeWithTheirOwnPacketIdAndSendTime(MqttVersion version, int qos, int size) {
    String topic = "bench/fan-in/7";
    PublishTemplate template = new PublishTemplate(topic, qos, size, version);
    int[] packetIds = {1, 0x1234, 65535};
    long[] sendTimes = {0L, 0x0102030405060708L, -2L};

    ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
    for (int i = 0; i < packetIds.length; i++) {
      int before = out.writerIndex();
      template.writeTo(out, packetIds[i], sendTimes[i]);
      assertThat(out.writerIndex() - before)
          .as("bytes of message %d", i)
          .isEqualTo(template.encodedSize());
    }
    EmbeddedChannel channel = broker(version);
    channel.writeInbound(out);

    for (int i = 0; i < packetIds.length; i++) {
      Object decoded = channel.readInbound();
      assertThat(decoded).as("message %d", i).isInstanceOf(Publish.class);
      Publish p = (Publish) decoded;
      assertThat(p.topic()).isEqualTo(topic);
      assertThat(p.qos()).isEqualTo(qos);
      assertThat(p.retain()).isFalse();
      assertThat(p.dup()).isFalse();
      assertThat(p.packetId()).isEqualTo(qos == 0 ? 0 : packetIds[i]);
      assertThat(p.payload()).hasSize(size);
      assertThat(ByteBuffer.wrap(p.payload()).getLong())
          .as("big-endian send time in the first 8 bytes")
          .isEqualTo(sendTimes[i]);
      for (int k = 8; k < size; k++) {
        assertThat(p.payload()[k]).as("filler byte %d", k).isEqualTo((byte) 'x');
      }
    }
    assertThat((Object) channel.readInbound()).as("nothing more").isNull();
    assertThat(template.qos()).isEqualTo(qos);
  }

  @Test
  void encodedSizeIsTheWholePacketAsTheCodecEncodesIt() {
    for (MqttVersion v : List.of(MqttVersion.V3_1_1, MqttVersion.V5)) {
      byte[] payload = new byte[64];
      Publish p = new Publish("a/b", payload, 1, false, false, 1, MqttProperties.EMPTY);
      assertThat(new PublishTemplate("a/b", 1, 64, v).encodedSize())
          .as("%s", v)
          .isEqualTo(MqttCodec.encodedSize(p, v));
    }
  }

  @Test
  void aPayloadTooSmallForTheSendTimeIsRefused() {
    assertThatThrownBy(() -> new PublishTemplate("t", 0, 7, MqttVersion.V3_1_1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload size 7 is below 8");
    assertThat(PublishTemplate.MIN_SIZE).isEqualTo(8);
  }

  @Test
  void aQosOtherThanZeroOneOrTwoIsRefused() {
    assertThatThrownBy(() -> new PublishTemplate("t", 3, 64, MqttVersion.V5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("QoS 3 is not 0, 1 or 2");
  }
}
