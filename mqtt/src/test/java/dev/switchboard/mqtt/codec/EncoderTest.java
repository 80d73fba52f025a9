package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.CodecTestSupport.ALLOC;
import static dev.switchboard.mqtt.codec.CodecTestSupport.bytes;
import static dev.switchboard.mqtt.codec.CodecTestSupport.concat;
import static dev.switchboard.mqtt.codec.CodecTestSupport.encode;
import static dev.switchboard.mqtt.codec.CodecTestSupport.string;
import static dev.switchboard.mqtt.codec.CodecTestSupport.u16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Will;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Exact bytes the encoder writes, its shortest forms, and how it hands out large payloads. */
class EncoderTest {
  private static final MqttVersion V5 = MqttVersion.V5;
  private static final MqttVersion V311 = MqttVersion.V3_1_1;
  private static final MqttProperties NONE = MqttProperties.EMPTY;

  @Nested
  @DisplayName("wire forms")
  class WireForms {

    @Test
    @DisplayName("3.1.2 a minimal 3.1.1 CONNECT is the specification's byte layout")
    void minimalConnect311() {
      byte[] expected =
          bytes(0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00);
      assertThat(encode(new Connect(V311, "", true, 60, null, null, null, NONE), V311))
          .isEqualTo(expected);
    }

    @Test
    @DisplayName("3.1 a 3.1 CONNECT names protocol MQIsdp at level 3, whatever version is passed")
    void connect31() {
      Connect c = new Connect(MqttVersion.V3_1, "id", true, 10, null, null, null, NONE);
      byte[] expected =
          concat(bytes(0x10, 16), string("MQIsdp"), bytes(3, 0x02), u16(10), string("id"));
      assertThat(encode(c, MqttVersion.V3_1)).isEqualTo(expected);
      assertThat(encode(c, null)).isEqualTo(expected);
    }

    @Test
    @DisplayName("3.1.2.3 CONNECT flags: user name, password, will retain, will QoS 2, will, clean")
    void connectFlags() {
      Connect c =
          new Connect(
              V311,
              "c",
              true,
              0,
              "u",
              new byte[] {1},
              new Will("w", new byte[0], 2, true, NONE),
              NONE);
      byte[] encoded = encode(c, V311);
      assertThat(encoded[9]).isEqualTo((byte) 0b1111_0110);
    }

    @Test
    @DisplayName("3.2.2.3 a 3.1.1 CONNACK carries the return code as given")
    void connAck311() {
      assertThat(encode(new ConnAck(false, ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD, NONE), V311))
          .containsExactly(0x20, 0x02, 0x00, 0x04);
      assertThat(encode(new ConnAck(true, 0, NONE), V311)).containsExactly(0x20, 0x02, 0x01, 0x00);
    }

    @Test
    @DisplayName(
        "an unknown version (null) writes the 3.1.1 CONNACK a client with a bad level understands")
    void connAckWithoutVersion() {
      assertThat(
              encode(new ConnAck(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, NONE), null))
          .containsExactly(0x20, 0x02, 0x00, 0x01);
    }

    @Test
    @DisplayName("3.2.2.3 a 5.0 CONNACK always has a Property Length")
    void connAck5() {
      assertThat(encode(new ConnAck(false, ReasonCode.BANNED, NONE), V5))
          .containsExactly(0x20, 0x03, 0x00, 0x8A, 0x00);
    }

    @Test
    @DisplayName("3.9.3 a 3.1.1 SUBACK carries the return codes as given")
    void subAck311() {
      assertThat(encode(new SubAck(5, List.of(0, 1, 2, 0x80), NONE), V311))
          .containsExactly(0x90, 0x06, 0x00, 0x05, 0x00, 0x01, 0x02, 0x80);
    }

    @Test
    @DisplayName("3.11 a 3.1.1 UNSUBACK has no payload, whatever reason codes the packet holds")
    void unsubAck311() {
      assertThat(encode(new UnsubAck(5, List.of(0, 0x11), NONE), V311))
          .containsExactly(0xB0, 0x02, 0x00, 0x05);
    }

    @Test
    @DisplayName("3.4.2.1 a 5.0 PUBACK with Success and no properties has Remaining Length 2")
    void pubAckShortest() {
      assertThat(encode(new PubAck(7), V5)).containsExactly(0x40, 0x02, 0x00, 0x07);
    }

    @Test
    @DisplayName(
        "3.4.2.2.1 a 5.0 PUBACK with a reason code and no properties has Remaining Length 3")
    void pubAckReasonOnly() {
      assertThat(encode(new PubAck(7, ReasonCode.NO_MATCHING_SUBSCRIBERS, NONE), V5))
          .containsExactly(0x40, 0x03, 0x00, 0x07, 0x10);
    }

    @Test
    @DisplayName(
        "3.4.2 a 5.0 PUBACK with properties carries reason, Property Length and properties")
    void pubAckWithProperties() {
      MqttProperties p = MqttProperties.builder().reasonString("r").build();
      assertThat(encode(new PubAck(7, 0, p), V5))
          .containsExactly(0x40, 0x08, 0x00, 0x07, 0x00, 0x04, 0x1F, 0x00, 0x01, 'r');
    }

    @Test
    @DisplayName("3.6.1 PUBREL has flags 0010; in 3.1.1 the reason code is not written")
    void pubRel311() {
      assertThat(encode(new PubRel(1, 0x92, NONE), V311)).containsExactly(0x62, 0x02, 0x00, 0x01);
    }

    @Test
    @DisplayName(
        "3.14.2.1 a 5.0 DISCONNECT: Remaining Length 0 for normal, 1 for a reason code alone")
    void disconnect5() {
      assertThat(encode(Disconnect.NORMAL, V5)).containsExactly(0xE0, 0x00);
      assertThat(encode(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, NONE), V5))
          .containsExactly(0xE0, 0x01, 0x8E);
      assertThat(encode(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, NONE), V311))
          .containsExactly(0xE0, 0x00);
    }

    @Test
    @DisplayName("3.15.2.1 a 5.0 AUTH with Success and no properties has Remaining Length 0")
    void authShortest() {
      assertThat(encode(new Auth(0, NONE), V5)).containsExactly(0xF0, 0x00);
      assertThat(encode(new Auth(0x18, NONE), V5)).containsExactly(0xF0, 0x02, 0x18, 0x00);
    }

    @Test
    @DisplayName("3.3.1 PUBLISH fixed header: DUP, QoS and RETAIN bits")
    void publishHeader() {
      Publish p = new Publish("t", new byte[] {9}, 2, true, true, 3, NONE);
      assertThat(encode(p, V311)).containsExactly(0x3D, 0x06, 0x00, 0x01, 't', 0x00, 0x03, 0x09);
    }

    @Test
    @DisplayName("2.2.3 Remaining Length uses 1 to 4 bytes at the boundaries 127/128, 16383/16384")
    void remainingLengthBoundaries() {
      for (int[] c : new int[][] {{127, 2}, {128, 3}, {16_383, 3}, {16_384, 4}, {2_097_152, 5}}) {
        int remaining = c[0];
        // topic "t" (3 bytes) + payload
        Publish p = new Publish("t", new byte[remaining - 3], 0, false, false, 0, NONE);
        assertThat(MqttCodec.encodedSize(p, V311)).isEqualTo(c[1] + remaining);
      }
    }

    @Test
    @DisplayName(
        "2.2.2.2 properties not allowed in a packet are not written (Will Delay Interval in PUBLISH)")
    void onlyAllowedPropertiesAreWritten() {
      MqttProperties willProps =
          MqttProperties.builder().willDelayInterval(10L).payloadFormatIndicator(1).build();
      Publish p = new Publish("t", new byte[0], 0, false, false, 0, willProps);
      assertThat(encode(p, V5)).containsExactly(0x30, 0x06, 0x00, 0x01, 't', 0x02, 0x01, 0x01);
    }

    @Test
    @DisplayName("properties are not written before 5.0")
    void noPropertiesBefore5() {
      MqttProperties props = MqttProperties.builder().messageExpiryInterval(5L).build();
      Publish p = new Publish("t", new byte[0], 0, false, false, 0, props);
      assertThat(encode(p, V311)).containsExactly(0x30, 0x03, 0x00, 0x01, 't');
    }
  }

  @Nested
  @DisplayName("large payloads are not copied")
  class LargePayloads {

    @Test
    @DisplayName("the encoder writes a large PUBLISH as the header and the wrapped payload array")
    void twoBuffersFromTheHandler() {
      byte[] payload = new byte[MqttCodec.WRAP_PAYLOAD_ABOVE + 1];
      payload[0] = 42;
      EmbeddedChannel channel = new EmbeddedChannel(new MqttEncoder(V5));
      try {
        channel.writeOutbound(new Publish("a/b", payload, 1, false, false, 1, NONE));
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        try {
          assertThat(header.readableBytes()).isEqualTo(1 + 2 + 5 + 2 + 1);
          assertThat(body.hasArray()).isTrue();
          assertThat(body.array()).isSameAs(payload);
          assertThat(header.readableBytes() + body.readableBytes())
              .isEqualTo(
                  MqttCodec.encodedSize(new Publish("a/b", payload, 1, false, false, 1, NONE), V5));
        } finally {
          header.release();
          body.release();
        }
        assertThat((Object) channel.readOutbound()).isNull();
      } finally {
        channel.finishAndReleaseAll();
      }
    }

    @Test
    @DisplayName("a small PUBLISH is one buffer")
    void oneBufferForSmall() {
      EmbeddedChannel channel = new EmbeddedChannel(new MqttEncoder(V311));
      try {
        channel.writeOutbound(
            new Publish("a/b", new byte[MqttCodec.WRAP_PAYLOAD_ABOVE], 0, false, false, 0, NONE));
        ByteBuf only = channel.readOutbound();
        only.release();
        assertThat((Object) channel.readOutbound()).isNull();
      } finally {
        channel.finishAndReleaseAll();
      }
    }

    @Test
    @DisplayName("MqttCodec.encode returns a large PUBLISH as a composite that shares the payload")
    void compositeFromStaticEncode() {
      byte[] payload = new byte[10_000];
      Publish p = new Publish("a/b", payload, 0, false, false, 0, NONE);
      ByteBuf buf = MqttCodec.encode(ALLOC, p, V311);
      try {
        assertThat(buf).isInstanceOf(CompositeByteBuf.class);
        CompositeByteBuf composite = (CompositeByteBuf) buf;
        assertThat(composite.numComponents()).isEqualTo(2);
        assertThat(composite.component(1).array()).isSameAs(payload);
        assertThat(buf.readableBytes()).isEqualTo(MqttCodec.encodedSize(p, V311));
      } finally {
        buf.release();
      }
    }

    @Test
    @DisplayName("the encoder follows setVersion")
    void versionChanges() {
      MqttEncoder encoder = new MqttEncoder(null);
      EmbeddedChannel channel = new EmbeddedChannel(encoder);
      try {
        channel.writeOutbound(new PubAck(1, 0x10, NONE));
        encoder.setVersion(V5);
        channel.writeOutbound(new PubAck(1, 0x10, NONE));
        ByteBuf first = channel.readOutbound();
        ByteBuf second = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(first)).containsExactly(0x40, 0x02, 0x00, 0x01);
        assertThat(ByteBufUtil.getBytes(second)).containsExactly(0x40, 0x03, 0x00, 0x01, 0x10);
        first.release();
        second.release();
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }

  @Nested
  @DisplayName("invalid packets are a caller's bug")
  class InvalidPackets {

    @Test
    @DisplayName("AUTH before 5.0 is refused")
    void authBefore5() {
      assertThatThrownBy(() -> MqttCodec.encodedSize(new Auth(0, NONE), V311))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a string over 65,535 UTF-8 bytes is refused, and the pipeline fails the write")
    void stringTooLong() {
      Publish p = new Publish("é".repeat(40_000), new byte[0], 0, false, false, 0, NONE);
      assertThatThrownBy(() -> MqttCodec.encode(ALLOC, p, V5))
          .isInstanceOf(IllegalArgumentException.class);
      EmbeddedChannel channel = new EmbeddedChannel(new MqttEncoder(V5));
      try {
        assertThatThrownBy(() -> channel.writeOutbound(p)).isInstanceOf(EncoderException.class);
      } finally {
        channel.finishAndReleaseAll();
      }
    }

    @Test
    @DisplayName("a packet over the largest Remaining Length is refused")
    void packetTooLarge() {
      Publish p = new Publish("t", new byte[268_435_455], 0, false, false, 0, NONE);
      assertThatThrownBy(() -> MqttCodec.encodedSize(p, V311))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
