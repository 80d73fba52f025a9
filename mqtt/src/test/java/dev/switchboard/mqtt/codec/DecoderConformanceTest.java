package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.ReasonCode.MALFORMED_PACKET;
import static dev.switchboard.mqtt.ReasonCode.PACKET_TOO_LARGE;
import static dev.switchboard.mqtt.ReasonCode.PROTOCOL_ERROR;
import static dev.switchboard.mqtt.ReasonCode.TOPIC_NAME_INVALID;
import static dev.switchboard.mqtt.ReasonCode.UNSUPPORTED_PROTOCOL_VERSION;
import static dev.switchboard.mqtt.codec.CodecTestSupport.MAX;
import static dev.switchboard.mqtt.codec.CodecTestSupport.buffer;
import static dev.switchboard.mqtt.codec.CodecTestSupport.bytes;
import static dev.switchboard.mqtt.codec.CodecTestSupport.client;
import static dev.switchboard.mqtt.codec.CodecTestSupport.concat;
import static dev.switchboard.mqtt.codec.CodecTestSupport.connectHeader;
import static dev.switchboard.mqtt.codec.CodecTestSupport.decode;
import static dev.switchboard.mqtt.codec.CodecTestSupport.decodeError;
import static dev.switchboard.mqtt.codec.CodecTestSupport.drain;
import static dev.switchboard.mqtt.codec.CodecTestSupport.encode;
import static dev.switchboard.mqtt.codec.CodecTestSupport.noProperties;
import static dev.switchboard.mqtt.codec.CodecTestSupport.packet;
import static dev.switchboard.mqtt.codec.CodecTestSupport.properties;
import static dev.switchboard.mqtt.codec.CodecTestSupport.rawString;
import static dev.switchboard.mqtt.codec.CodecTestSupport.server;
import static dev.switchboard.mqtt.codec.CodecTestSupport.string;
import static dev.switchboard.mqtt.codec.CodecTestSupport.u16;
import static dev.switchboard.mqtt.codec.CodecTestSupport.u32;
import static dev.switchboard.mqtt.codec.CodecTestSupport.variableByteInteger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.Subscribe;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per normative statement the decoder enforces, organised by specification section. Each
 * display name names the statement ([MQTT-x.y.z-n]) or, where the specification states a rule
 * without a number, the section.
 */
class DecoderConformanceTest {
  private static final MqttVersion V5 = MqttVersion.V5;
  private static final MqttVersion V311 = MqttVersion.V3_1_1;
  private static final MqttVersion V31 = MqttVersion.V3_1;
  private static final Pattern STATEMENT = Pattern.compile("\\[MQTT-[0-9.-]+]");

  private EmbeddedChannel channel;
  private List<String> statements = List.of();

  /** The statement ids the test's display name cites; the error message must cite one of them. */
  @BeforeEach
  void captureStatements(TestInfo info) {
    String name =
        info.getTestMethod()
            .map(m -> m.getAnnotation(DisplayName.class))
            .map(DisplayName::value)
            .orElse("");
    statements = STATEMENT.matcher(name).results().map(MatchResult::group).toList();
  }

  @AfterEach
  void closeChannel() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel serverAfterConnect(MqttVersion version) {
    channel = server(version);
    return channel;
  }

  private EmbeddedChannel fresh() {
    channel = server();
    return channel;
  }

  private EmbeddedChannel clientOf(MqttVersion version) {
    channel = client(version);
    return channel;
  }

  private void assertError(
      DecodeError error, int reasonCode, MqttVersion version, boolean inConnect) {
    assertThat(error.reasonCode()).as("reason code of %s", error).isEqualTo(reasonCode);
    assertThat(error.version()).as("version of %s", error).isEqualTo(version);
    assertThat(error.inConnect()).as("inConnect of %s", error).isEqualTo(inConnect);
    assertThat(error.message()).isNotBlank();
    if (!statements.isEmpty()) {
      assertThat(statements)
          .as("the message of %s names the statement under test", error)
          .anyMatch(error.message()::contains);
    }
  }

  /** A 5.0 or 3.1.1 CONNECT with client id "c" and the given flags, properties and payload tail. */
  private static byte[] connect(MqttVersion v, int flags, byte[] properties, byte[]... tail) {
    byte[] props = v == V5 ? properties : new byte[0];
    return packet(0x10, connectHeader(v, flags), props, string("c"), concat(tail));
  }

  // =============================================================================================
  @Nested
  @DisplayName("2 Control packet format")
  class FixedHeader {

    @Test
    @DisplayName("[MQTT-3.1.0-1] a first packet other than CONNECT is a protocol error")
    void firstPacketMustBeConnect() {
      assertError(decodeError(fresh(), bytes(0xC0, 0x00)), PROTOCOL_ERROR, null, false);
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] a first packet of reserved type 0 is a protocol error")
    void firstPacketOfTypeZero() {
      assertError(decodeError(fresh(), bytes(0x00, 0x00)), PROTOCOL_ERROR, null, false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-3.1.0-2] a second CONNECT is a protocol error")
    void secondConnect(MqttVersion v) {
      byte[] again = encode(CodecTestSupport.minimalConnect(v), v);
      assertError(decodeError(serverAfterConnect(v), again), PROTOCOL_ERROR, v, false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("2.2.1 / 5.0 2.1.2 reserved packet type 0 is malformed")
    void reservedType(MqttVersion v) {
      assertError(
          decodeError(serverAfterConnect(v), bytes(0x00, 0x00)), MALFORMED_PACKET, v, false);
    }

    @ParameterizedTest(name = "{0} first byte {1}")
    @CsvSource({
      "V3_1_1, 0x60",
      "V3_1_1, 0x6A",
      "V3_1_1, 0x80",
      "V3_1_1, 0x83",
      "V3_1_1, 0xA0",
      "V3_1_1, 0xA6",
      "V3_1_1, 0x41",
      "V3_1_1, 0x52",
      "V3_1_1, 0x74",
      "V3_1_1, 0xC8",
      "V3_1_1, 0xE1",
      "V5, 0x60",
      "V5, 0x8A",
      "V5, 0xA3",
      "V5, 0x48",
      "V5, 0xC1",
      "V5, 0xE2",
      "V5, 0xF1"
    })
    @DisplayName(
        "[MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-2.1.3-1] reserved flag bits other than listed are malformed")
    void reservedFlags(MqttVersion v, String firstByte) {
      int b = Integer.decode(firstByte);
      byte[] body =
          (b >>> 4) == 8 || (b >>> 4) == 10
              ? concat(u16(1), v == V5 ? noProperties() : new byte[0], string("a"), bytes(0))
              : u16(1);
      assertError(decodeError(serverAfterConnect(v), packet(b, body)), MALFORMED_PACKET, v, false);
    }

    @Test
    @DisplayName("MQTT 3.1 allows DUP on SUBSCRIBE, a 3.1 client's retransmission")
    void v31SubscribeWithDup() {
      Object m = decode(serverAfterConnect(V31), packet(0x8A, u16(1), string("a"), bytes(1)));
      assertThat(m).isInstanceOf(Subscribe.class);
    }

    @Test
    @DisplayName("2.2.3 a Remaining Length of 5 bytes is malformed, known after the 4th byte")
    void remainingLengthOfFiveBytes() {
      EmbeddedChannel ch = serverAfterConnect(V311);
      ch.writeInbound(buffer(bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF)));
      List<Object> out = drain(ch);
      assertThat(out).hasSize(1);
      assertError((DecodeError) out.get(0), MALFORMED_PACKET, V311, false);
    }

    @Test
    @DisplayName("[MQTT-1.5.5-1] a Remaining Length not in its shortest form is malformed in 5.0")
    void nonMinimalRemainingLength() {
      byte[] p = concat(bytes(0xC0, 0x80, 0x00));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {0x20, 0x90, 0xB0, 0xD0})
    @DisplayName(
        "3.1.1 / 5.0 2.1.2 a server receiving CONNACK, SUBACK, UNSUBACK or PINGRESP: protocol error")
    void serverOnlyPacketsAtTheServer(int firstByte) {
      assertError(
          decodeError(serverAfterConnect(V5), packet(firstByte, u16(1), bytes(0, 0))),
          PROTOCOL_ERROR,
          V5,
          false);
    }

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {0x10, 0x82, 0xA2, 0xC0})
    @DisplayName(
        "5.0 2.1.2 a client receiving CONNECT, SUBSCRIBE, UNSUBSCRIBE or PINGREQ: protocol error")
    void clientOnlyPacketsAtTheClient(int firstByte) {
      assertError(decodeError(clientOf(V5), packet(firstByte, u16(1))), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("2.2.1 AUTH (type 15) is reserved in MQTT 3.1.1: malformed")
    void authIn311() {
      assertError(
          decodeError(serverAfterConnect(V311), bytes(0xF0, 0x00)), MALFORMED_PACKET, V311, false);
    }

    @Test
    @DisplayName("after an error all further input is discarded and nothing else comes out")
    void discardsAfterError() {
      EmbeddedChannel ch = serverAfterConnect(V311);
      ByteBuf first = buffer(concat(bytes(0xC0, 0x00), bytes(0x00, 0x00), bytes(0xC0, 0x00)));
      ch.writeInbound(first);
      List<Object> out = drain(ch);
      assertThat(out).hasSize(2);
      assertThat(out.get(0)).isInstanceOf(dev.switchboard.mqtt.packet.PingReq.class);
      assertError((DecodeError) out.get(1), MALFORMED_PACKET, V311, false);
      ByteBuf more = buffer(bytes(0xC0, 0x00));
      ch.writeInbound(more);
      assertThat(drain(ch)).isEmpty();
      assertThat(first.refCnt()).as("input released").isZero();
      assertThat(more.refCnt()).as("input released").isZero();
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("Maximum packet size")
  class MaximumPacketSize {

    @Test
    @DisplayName(
        "a packet over the maximum is rejected from its fixed header, before the body arrives")
    void rejectedBeforeTheBody() {
      EmbeddedChannel ch = serverAfterConnect(V5);
      int tenMegabytes = 10 * 1024 * 1024;
      ByteBuf header = buffer(concat(bytes(0x30), variableByteInteger(tenMegabytes)));
      ch.writeInbound(header);
      List<Object> out = drain(ch);
      assertThat(out).hasSize(1);
      assertError((DecodeError) out.get(0), PACKET_TOO_LARGE, V5, false);
      assertThat(header.refCnt()).as("nothing held for the body").isZero();
      ByteBuf body = buffer(new byte[64 * 1024]);
      ch.writeInbound(body);
      assertThat(drain(ch)).isEmpty();
      assertThat(body.refCnt()).isZero();
    }

    @Test
    @DisplayName(
        "the limit counts the whole packet: exactly the maximum passes, one byte more does not")
    void limitIsTheWholePacket() {
      byte[] p =
          encode(new Publish("t", new byte[100], 0, false, false, 0, MqttProperties.EMPTY), V311);
      channel = server(V311);
      MqttDecoder decoder = channel.pipeline().get(MqttDecoder.class);
      decoder.setMaxPacketSize(p.length);
      assertThat(decode(channel, p)).isInstanceOf(Publish.class);
      decoder.setMaxPacketSize(p.length - 1);
      assertError(decodeError(channel, p), PACKET_TOO_LARGE, V311, false);
    }

    @Test
    @DisplayName(
        "an oversized 5.0 CONNECT is rejected in the CONNECT, with the version it announced")
    void oversizedConnect() {
      channel = new EmbeddedChannel(new MqttDecoder(true, 1000));
      byte[] start = concat(bytes(0x10), variableByteInteger(5_000_000), string("MQTT"), bytes(5));
      // The fixed header alone is not enough to learn the version: nothing comes out yet.
      channel.writeInbound(buffer(java.util.Arrays.copyOf(start, 6)));
      assertThat(drain(channel)).isEmpty();
      channel.writeInbound(buffer(java.util.Arrays.copyOfRange(start, 6, start.length)));
      List<Object> out = drain(channel);
      assertThat(out).hasSize(1);
      assertError((DecodeError) out.get(0), PACKET_TOO_LARGE, V5, true);
    }

    @Test
    @DisplayName("an oversized CONNECT with an unknown protocol name has no version")
    void oversizedConnectUnknownName() {
      channel = new EmbeddedChannel(new MqttDecoder(true, 1000));
      byte[] start =
          concat(bytes(0x10), variableByteInteger(5_000_000), string("HTTP/1.1"), bytes(5));
      assertError(decodeError(channel, start), PACKET_TOO_LARGE, null, true);
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("Maximum CONNECT size (a limit of its own, before anyone is authenticated)")
  class MaximumConnectSize {
    private static final int CONNECT_LIMIT = 1024;

    private EmbeddedChannel serverWithConnectLimit(int maxPacketSize, int maxConnectSize) {
      channel = new EmbeddedChannel(new MqttDecoder(true, maxPacketSize, maxConnectSize, null));
      return channel;
    }

    /** A CONNECT of {@code version} whose whole size is exactly {@code size} bytes. */
    private static byte[] connectOfSize(MqttVersion version, int size) {
      int idLength = size;
      byte[] bytes = new byte[0];
      // The client id grows the packet byte for byte, except where the Remaining Length takes one
      // more byte: adjust twice.
      for (int i = 0; i < 3 && bytes.length != size; i++) {
        idLength -= bytes.length == 0 ? encodedConnect(version, 0).length : bytes.length - size;
        bytes = encodedConnect(version, Math.max(0, idLength));
      }
      assertThat(bytes).hasSize(size);
      return bytes;
    }

    private static byte[] encodedConnect(MqttVersion version, int clientIdLength) {
      String clientId = "c".repeat(clientIdLength);
      return encode(
          new Connect(version, clientId, true, 60, null, null, null, MqttProperties.EMPTY),
          version);
    }

    @Test
    @DisplayName(
        "a 5.0 CONNECT over the CONNECT limit is rejected from its first bytes, with its version,"
            + " and nothing is held for its body")
    void rejectedBeforeTheBodyV5() {
      EmbeddedChannel ch = serverWithConnectLimit(MAX, CONNECT_LIMIT);
      // Within the maximum packet size (1 MiB), over the CONNECT limit
      ByteBuf start =
          buffer(concat(bytes(0x10), variableByteInteger(100_000), string("MQTT"), bytes(5)));
      ch.writeInbound(start);
      List<Object> out = drain(ch);
      assertThat(out).hasSize(1);
      DecodeError error = (DecodeError) out.get(0);
      assertError(error, PACKET_TOO_LARGE, V5, true);
      assertThat(error.message()).contains("CONNECT size " + CONNECT_LIMIT);
      assertThat(start.refCnt()).as("nothing held for the body").isZero();
      ByteBuf body = buffer(new byte[64 * 1024]);
      ch.writeInbound(body);
      assertThat(drain(ch)).isEmpty();
      assertThat(body.refCnt()).isZero();
    }

    @Test
    @DisplayName("a 3.1.1 CONNECT over the CONNECT limit is rejected with its version")
    void rejectedV311() {
      EmbeddedChannel ch = serverWithConnectLimit(MAX, CONNECT_LIMIT);
      byte[] start = concat(bytes(0x10), variableByteInteger(100_000), string("MQTT"), bytes(4));
      assertError(decodeError(ch, start), PACKET_TOO_LARGE, V311, true);
    }

    @Test
    @DisplayName(
        "the CONNECT limit counts the whole packet: exactly the limit passes, one byte more does"
            + " not")
    void limitIsTheWholeConnect() {
      for (MqttVersion v : List.of(V311, V5)) {
        EmbeddedChannel atLimit =
            new EmbeddedChannel(new MqttDecoder(true, MAX, CONNECT_LIMIT, null));
        EmbeddedChannel overLimit =
            new EmbeddedChannel(new MqttDecoder(true, MAX, CONNECT_LIMIT, null));
        try {
          assertThat(decode(atLimit, connectOfSize(v, CONNECT_LIMIT)))
              .as("%s CONNECT of exactly the limit", v)
              .isInstanceOf(Connect.class);
          assertError(
              decodeError(overLimit, connectOfSize(v, CONNECT_LIMIT + 1)),
              PACKET_TOO_LARGE,
              v,
              true);
        } finally {
          atLimit.finishAndReleaseAll();
          overLimit.finishAndReleaseAll();
        }
      }
    }

    @Test
    @DisplayName(
        "the CONNECT limit is the CONNECT's only: later packets may be as large as the maximum"
            + " packet size")
    void laterPacketsHaveTheMaximumPacketSize() {
      EmbeddedChannel ch = serverWithConnectLimit(MAX, CONNECT_LIMIT);
      assertThat(decode(ch, encode(CodecTestSupport.minimalConnect(V5), V5)))
          .isInstanceOf(Connect.class);
      byte[] payload = new byte[CONNECT_LIMIT * 4];
      Object publish =
          decode(
              ch, encode(new Publish("t", payload, 0, false, false, 0, MqttProperties.EMPTY), V5));
      assertThat(publish).isInstanceOf(Publish.class);
      assertThat(((Publish) publish).payload()).hasSize(payload.length);
    }

    @Test
    @DisplayName("a maximum packet size below the CONNECT limit applies to the CONNECT too")
    void smallerMaximumPacketSizeWins() {
      EmbeddedChannel ch = serverWithConnectLimit(500, CONNECT_LIMIT);
      assertThat(channel.pipeline().get(MqttDecoder.class).maxConnectSize()).isEqualTo(500);
      DecodeError error = decodeError(ch, connectOfSize(V311, 501));
      assertError(error, PACKET_TOO_LARGE, V311, true);
      assertThat(error.message()).contains("maximum packet size 500");
    }

    @Test
    @DisplayName("a client-side decoder has no CONNECT limit to apply: a CONNACK is not a CONNECT")
    void clientSideUnaffected() {
      MqttDecoder decoder = new MqttDecoder(false, MAX, 16, null);
      decoder.setVersion(V5);
      channel = new EmbeddedChannel(decoder);
      Object ack = decode(channel, encode(new ConnAck(false, 0, MqttProperties.EMPTY), V5));
      assertThat(ack).isInstanceOf(ConnAck.class);
    }

    @Test
    @DisplayName("a CONNECT limit below 2 bytes is refused")
    void limitBelowTwoRefused() {
      assertThatThrownBy(() -> new MqttDecoder(true, MAX, 1, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxConnectSize");
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("1.5.3 / 1.5.4 UTF-8 encoded strings")
  class Utf8Strings {

    private DecodeError connectWithClientId(byte[] clientIdBytes) {
      return decodeError(
          fresh(), packet(0x10, connectHeader(V311, 0x02), rawString(clientIdBytes)));
    }

    @Test
    @DisplayName("[MQTT-1.5.3-1] an overlong encoding is malformed")
    void overlong() {
      assertError(connectWithClientId(bytes('a', 0xC0, 0xAF)), MALFORMED_PACKET, V311, true);
    }

    @Test
    @DisplayName("[MQTT-1.5.3-1] an encoded surrogate U+D800 is malformed")
    void surrogate() {
      assertError(connectWithClientId(bytes(0xED, 0xA0, 0x80)), MALFORMED_PACKET, V311, true);
    }

    @Test
    @DisplayName("[MQTT-1.5.3-2] U+0000 is malformed")
    void nullCharacter() {
      assertError(connectWithClientId(bytes('a', 0x00, 'b')), MALFORMED_PACKET, V311, true);
    }

    @Test
    @DisplayName("[MQTT-1.5.4-1] a truncated multi-byte sequence in a 5.0 topic is malformed")
    void truncatedInTopic() {
      byte[] p = packet(0x30, rawString(bytes('a', 0xE6, 0x97)), noProperties());
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("[MQTT-1.5.4-2] U+0000 in a 5.0 User Property is malformed")
    void nullInUserProperty() {
      byte[] p =
          packet(0x30, string("t"), properties(bytes(0x26), rawString(bytes('k', 0)), string("v")));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("a string length that runs past the end of the packet is malformed")
    void lengthOverrun() {
      byte[] p = packet(0x10, connectHeader(V311, 0x02), u16(100), bytes('a', 'b'));
      assertError(decodeError(fresh(), p), MALFORMED_PACKET, V311, true);
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("3.1 CONNECT")
  class ConnectPacket {

    @Test
    @DisplayName(
        "[MQTT-3.1.2-1] an unknown protocol name: unsupported protocol version, no version")
    void unknownProtocolName() {
      byte[] p = packet(0x10, string("MQTX"), bytes(4, 2), u16(60), string("c"));
      assertError(decodeError(fresh(), p), UNSUPPORTED_PROTOCOL_VERSION, null, true);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1] an unknown protocol name at level 5 is answered in 5.0 form")
    void unknownProtocolNameLevel5() {
      byte[] p = packet(0x10, string("mqtt"), bytes(5, 2), u16(60), bytes(0), string("c"));
      assertError(decodeError(fresh(), p), UNSUPPORTED_PROTOCOL_VERSION, V5, true);
    }

    @ParameterizedTest(name = "{0} level {1}")
    @CsvSource({"MQTT, 3", "MQTT, 6", "MQTT, 0", "MQIsdp, 4", "MQTT, 132"})
    @DisplayName(
        "[MQTT-3.1.2-2] an unsupported protocol level: 0x84 in the CONNECT, no version (3.1.1 CONNACK 0x01)")
    void unsupportedLevel(String name, int level) {
      byte[] p = packet(0x10, string(name), bytes(level, 2), u16(60), string("c"));
      assertError(decodeError(fresh(), p), UNSUPPORTED_PROTOCOL_VERSION, null, true);
    }

    @Test
    @DisplayName("3.1 a CONNECT with protocol name MQIsdp and level 3 is MQTT 3.1")
    void mqisdp() {
      byte[] p = packet(0x10, string("MQIsdp"), bytes(3, 2), u16(60), string("c"));
      channel = server();
      Object m = decode(channel, p);
      assertThat(m).isInstanceOf(Connect.class);
      assertThat(((Connect) m).version()).isEqualTo(V31);
      assertThat(channel.pipeline().get(MqttDecoder.class).version()).isEqualTo(V31);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-3.1.2-3] the reserved Connect Flag set is malformed")
    void reservedFlag(MqttVersion v) {
      assertError(
          decodeError(fresh(), connect(v, 0x03, noProperties())), MALFORMED_PACKET, v, true);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-3.1.2-14] (5.0 [MQTT-3.1.2-12]) Will QoS 3 is malformed")
    void willQos3(MqttVersion v) {
      byte[] will = concat(v == V5 ? noProperties() : new byte[0], string("w"), u16(0));
      assertError(
          decodeError(fresh(), connect(v, 0x04 | 0x18, noProperties(), will)),
          MALFORMED_PACKET,
          v,
          true);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName(
        "[MQTT-3.1.2-13] (5.0 [MQTT-3.1.2-11]) Will QoS without the Will Flag is malformed")
    void willQosWithoutWill(MqttVersion v) {
      assertError(
          decodeError(fresh(), connect(v, 0x08, noProperties())), MALFORMED_PACKET, v, true);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName(
        "[MQTT-3.1.2-15] (5.0 [MQTT-3.1.2-13]) Will Retain without the Will Flag is malformed")
    void willRetainWithoutWill(MqttVersion v) {
      assertError(
          decodeError(fresh(), connect(v, 0x20, noProperties())), MALFORMED_PACKET, v, true);
    }

    @Test
    @DisplayName(
        "[MQTT-3.1.2-22] in 3.1.1 the Password Flag without the User Name Flag is malformed")
    void passwordWithoutUserName() {
      assertError(
          decodeError(fresh(), connect(V311, 0x40, noProperties(), u16(1), bytes(7))),
          MALFORMED_PACKET,
          V311,
          true);
    }

    @Test
    @DisplayName("3.1.2.9 in 5.0 a password without a user name is allowed")
    void passwordWithoutUserNameIn5() {
      Object m = decode(fresh(), connect(V5, 0x40, noProperties(), u16(1), bytes(7)));
      assertThat(((Connect) m).password()).containsExactly(7);
      assertThat(((Connect) m).username()).isNull();
    }

    @Test
    @DisplayName("3.1.3 a User Name Flag without the User Name is malformed")
    void missingUserName() {
      assertError(
          decodeError(fresh(), connect(V311, 0x80, noProperties())), MALFORMED_PACKET, V311, true);
    }

    @Test
    @DisplayName("3.1 bytes after the last field of the CONNECT are malformed")
    void trailingBytes() {
      assertError(
          decodeError(fresh(), connect(V311, 0x02, noProperties(), bytes(1))),
          MALFORMED_PACKET,
          V311,
          true);
    }

    @Test
    @DisplayName(
        "3.1.2.11.10 Authentication Data without Authentication Method is a protocol error")
    void authDataWithoutMethod() {
      byte[] props = properties(bytes(0x16), u16(1), bytes(1));
      assertError(decodeError(fresh(), connect(V5, 0x02, props)), PROTOCOL_ERROR, V5, true);
    }

    @Test
    @DisplayName("2.2.2.2 a property not allowed in CONNECT (Topic Alias) is malformed")
    void propertyNotAllowed() {
      byte[] props = properties(bytes(0x23), u16(1));
      assertError(decodeError(fresh(), connect(V5, 0x02, props)), MALFORMED_PACKET, V5, true);
    }

    @Test
    @DisplayName(
        "2.2.2.2 a property not allowed in Will Properties (Session Expiry Interval) is malformed")
    void willPropertyNotAllowed() {
      byte[] will = concat(properties(bytes(0x11), u32(1)), string("w"), u16(0));
      assertError(
          decodeError(fresh(), connect(V5, 0x06, noProperties(), will)),
          MALFORMED_PACKET,
          V5,
          true);
    }

    @Test
    @DisplayName("2.2.2.2 an unassigned property identifier is malformed")
    void unknownProperty() {
      byte[] props = properties(bytes(0x30), bytes(1));
      assertError(decodeError(fresh(), connect(V5, 0x02, props)), MALFORMED_PACKET, V5, true);
    }

    @ParameterizedTest(name = "property {0}")
    @ValueSource(ints = {0x11, 0x21, 0x27, 0x22, 0x17, 0x19, 0x15})
    @DisplayName("3.1.2.11 a CONNECT property included twice is a protocol error")
    void duplicateProperty(int id) {
      byte[] one =
          switch (id) {
            case 0x11, 0x27 -> concat(bytes(id), u32(5));
            case 0x21, 0x22 -> concat(bytes(id), u16(5));
            case 0x15 -> concat(bytes(id), string("m"));
            default -> bytes(id, 1);
          };
      assertError(
          decodeError(fresh(), connect(V5, 0x02, properties(one, one))), PROTOCOL_ERROR, V5, true);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "Receive Maximum 0, 21, 0000",
      "Maximum Packet Size 0, 27, 00000000",
      "Request Problem Information 2, 17, 02",
      "Request Response Information 2, 19, 02"
    })
    @DisplayName("3.1.2.11 a CONNECT property value out of range is a protocol error")
    void propertyOutOfRange(String name, String id, String valueHex) {
      byte[] value = io.netty.buffer.ByteBufUtil.decodeHexDump(valueHex);
      byte[] props = properties(bytes(Integer.parseInt(id, 16)), value);
      assertError(decodeError(fresh(), connect(V5, 0x02, props)), PROTOCOL_ERROR, V5, true);
    }

    @Test
    @DisplayName("2.2.2.1 a Property Length beyond the packet is malformed")
    void propertyLengthOverrun() {
      assertError(decodeError(fresh(), connect(V5, 0x02, bytes(50))), MALFORMED_PACKET, V5, true);
    }

    @Test
    @DisplayName("2.2.2.1 a property value beyond the Property Length is malformed")
    void propertyValueOverrun() {
      // Property Length 3 but Session Expiry Interval needs 1 + 4 bytes.
      byte[] props = concat(bytes(3), bytes(0x11), u32(1));
      assertError(decodeError(fresh(), connect(V5, 0x02, props)), MALFORMED_PACKET, V5, true);
    }

    @Test
    @DisplayName("[MQTT-1.5.5-1] a Property Length not in its shortest form is malformed")
    void nonMinimalPropertyLength() {
      assertError(
          decodeError(fresh(), connect(V5, 0x02, bytes(0x80, 0x00))), MALFORMED_PACKET, V5, true);
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("3.3 PUBLISH")
  class PublishPacket {

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-3.3.1-4] a PUBLISH with both QoS bits set is malformed")
    void qos3(MqttVersion v) {
      assertError(
          decodeError(serverAfterConnect(v), packet(0x36, string("t"), u16(1))),
          MALFORMED_PACKET,
          v,
          false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-3.3.1-2] DUP set on a QoS 0 PUBLISH is malformed")
    void dupOnQos0(MqttVersion v) {
      assertError(
          decodeError(serverAfterConnect(v), packet(0x38, string("t"))),
          MALFORMED_PACKET,
          v,
          false);
    }

    @ParameterizedTest(name = "topic {0}")
    @ValueSource(strings = {"a/+/b", "a/#", "+", "#", "sport/tennis#"})
    @DisplayName("[MQTT-3.3.2-2] a wildcard in a PUBLISH Topic Name: Topic Name invalid")
    void wildcardInTopic(String topic) {
      byte[] p = packet(0x30, string(topic), noProperties());
      assertError(decodeError(serverAfterConnect(V5), p), TOPIC_NAME_INVALID, V5, false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-2.3.1-1] Packet Identifier 0 in a QoS 1 PUBLISH is malformed")
    void packetIdZero(MqttVersion v) {
      byte[] p = packet(0x32, string("t"), u16(0), v == V5 ? noProperties() : new byte[0]);
      assertError(decodeError(serverAfterConnect(v), p), MALFORMED_PACKET, v, false);
    }

    @Test
    @DisplayName("[MQTT-4.7.3-1] an empty Topic Name in 3.1.1 is an error")
    void emptyTopic311() {
      assertError(
          decodeError(serverAfterConnect(V311), packet(0x30, string(""))),
          PROTOCOL_ERROR,
          V311,
          false);
    }

    @Test
    @DisplayName("3.3.2.1 an empty Topic Name without a Topic Alias in 5.0 is a protocol error")
    void emptyTopicWithoutAlias() {
      assertError(
          decodeError(serverAfterConnect(V5), packet(0x30, string(""), noProperties())),
          PROTOCOL_ERROR,
          V5,
          false);
    }

    @Test
    @DisplayName("3.3.2.3.4 Topic Alias 0 is decoded as is (the session decides)")
    void topicAliasZero() {
      Object m =
          decode(
              serverAfterConnect(V5), packet(0x30, string("t"), properties(bytes(0x23), u16(0))));
      assertThat(((Publish) m).properties().topicAlias()).isZero();
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.4-6] a Subscription Identifier in a PUBLISH from a client is a protocol error")
    void subscriptionIdFromClient() {
      byte[] p = packet(0x30, string("t"), properties(bytes(0x0B, 1)));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("3.3.2.3.8 Subscription Identifier 0 is a protocol error")
    void subscriptionIdZero() {
      byte[] p = packet(0x30, string("t"), properties(bytes(0x0B, 0)));
      assertError(decodeError(clientOf(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("3.3.4 several Subscription Identifiers in a PUBLISH to a client are allowed")
    void severalSubscriptionIdsToClient() {
      byte[] p = packet(0x30, string("t"), properties(bytes(0x0B, 1), bytes(0x0B, 0x80, 0x01)));
      Object m = decode(clientOf(V5), p);
      assertThat(((Publish) m).properties().subscriptionIdentifiers()).containsExactly(1, 128);
    }

    @Test
    @DisplayName("3.3.2.3.2 Payload Format Indicator 2 is a protocol error")
    void payloadFormatIndicatorOutOfRange() {
      byte[] p = packet(0x30, string("t"), properties(bytes(0x01, 2)));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @ParameterizedTest(name = "property {0}")
    @ValueSource(ints = {0x01, 0x02, 0x03, 0x08, 0x09, 0x23})
    @DisplayName("3.3.2.3 a PUBLISH property included twice is a protocol error")
    void duplicatePublishProperty(int id) {
      byte[] one =
          switch (id) {
            case 0x01 -> bytes(id, 1);
            case 0x02 -> concat(bytes(id), u32(1));
            case 0x23 -> concat(bytes(id), u16(1));
            default -> concat(bytes(id), string("x"));
          };
      byte[] p = packet(0x30, string("t"), properties(one, one));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("2.2.2.2 a property not allowed in PUBLISH (Reason String) is malformed")
    void propertyNotAllowed() {
      byte[] p = packet(0x30, string("t"), properties(bytes(0x1F), string("r")));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("3.3.2 a topic length beyond the packet is malformed")
    void topicOverrun() {
      byte[] p = packet(0x30, u16(10), bytes('a'));
      assertError(decodeError(serverAfterConnect(V311), p), MALFORMED_PACKET, V311, false);
    }

    @Test
    @DisplayName("3.3.3 the payload is everything after the variable header, including nothing")
    void payloadIsTheRest() {
      Object m =
          decode(serverAfterConnect(V311), packet(0x33, string("t"), u16(9), bytes(1, 2, 3)));
      Publish p = (Publish) m;
      assertThat(p.payload()).containsExactly(1, 2, 3);
      assertThat(p.retain()).isTrue();
      assertThat(p.qos()).isEqualTo(1);
      assertThat(p.packetId()).isEqualTo(9);
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("3.4 - 3.7 PUBACK, PUBREC, PUBREL, PUBCOMP")
  class PublishAcks {

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {0x40, 0x50, 0x62, 0x70})
    @DisplayName("3.4.1 in 3.1.1 a Remaining Length other than 2 is malformed")
    void fixedLengthIn311(int firstByte) {
      assertError(
          decodeError(serverAfterConnect(V311), packet(firstByte, u16(1), bytes(0))),
          MALFORMED_PACKET,
          V311,
          false);
    }

    @Test
    @DisplayName("3.4.2.1 in 5.0 a Remaining Length of 2 means reason Success and no properties")
    void shortForm() {
      Object m = decode(serverAfterConnect(V5), packet(0x40, u16(7)));
      assertThat(m).usingRecursiveComparison().isEqualTo(new PubAck(7));
    }

    @Test
    @DisplayName("3.4.2.2.1 in 5.0 a Remaining Length of 3 means no properties")
    void reasonOnly() {
      Object m = decode(serverAfterConnect(V5), packet(0x40, u16(7), bytes(0x10)));
      assertThat(m).usingRecursiveComparison().isEqualTo(new PubAck(7, 0x10, MqttProperties.EMPTY));
    }

    @Test
    @DisplayName("3.4.2 in 5.0 a Remaining Length of 1 is malformed")
    void tooShort() {
      assertError(
          decodeError(serverAfterConnect(V5), packet(0x40, bytes(7))), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("2.2.2.2 a property not allowed in PUBACK (Topic Alias) is malformed")
    void propertyNotAllowed() {
      byte[] p = packet(0x40, u16(1), bytes(0), properties(bytes(0x23), u16(1)));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("3.4.2.2.2 a Reason String included twice is a protocol error")
    void duplicateReasonString() {
      byte[] rs = concat(bytes(0x1F), string("r"));
      byte[] p = packet(0x50, u16(1), bytes(0x80), properties(rs, rs));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("3.4.2.2.3 User Property may appear more than once")
    void repeatedUserProperty() {
      byte[] up = concat(bytes(0x26), string("k"), string("v"));
      Object m = decode(serverAfterConnect(V5), packet(0x70, u16(1), bytes(0), properties(up, up)));
      assertThat(((dev.switchboard.mqtt.packet.PubComp) m).properties().userProperties())
          .hasSize(2);
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("3.8 - 3.11 SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK")
  class Subscriptions {

    @Test
    @DisplayName("[MQTT-3.8.3-3] a 3.1.1 SUBSCRIBE without a Topic Filter is a protocol error")
    void subscribeWithoutFilter311() {
      assertError(
          decodeError(serverAfterConnect(V311), packet(0x82, u16(1))), PROTOCOL_ERROR, V311, false);
    }

    @Test
    @DisplayName("[MQTT-3.8.3-2] a 5.0 SUBSCRIBE without a Topic Filter is a protocol error")
    void subscribeWithoutFilter5() {
      assertError(
          decodeError(serverAfterConnect(V5), packet(0x82, u16(1), noProperties())),
          PROTOCOL_ERROR,
          V5,
          false);
    }

    @ParameterizedTest(name = "options {0}")
    @ValueSource(ints = {0x03, 0x04, 0x80, 0x21})
    @DisplayName(
        "[MQTT-3-8.3-4] in 3.1.1 reserved bits or QoS 3 in the requested QoS byte are malformed")
    void reservedOptionBits311(int options) {
      byte[] p = packet(0x82, u16(1), string("a"), bytes(options));
      assertError(decodeError(serverAfterConnect(V311), p), MALFORMED_PACKET, V311, false);
    }

    @ParameterizedTest(name = "options {0}")
    @ValueSource(ints = {0x40, 0x80, 0xC1})
    @DisplayName("[MQTT-3.8.3-5] in 5.0 reserved Subscription Options bits 7-6 are malformed")
    void reservedOptionBits5(int options) {
      byte[] p = packet(0x82, u16(1), noProperties(), string("a"), bytes(options));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("3.8.3.1 in 5.0 Subscription Options QoS 3 is malformed")
    void qos3In5() {
      byte[] p = packet(0x82, u16(1), noProperties(), string("a"), bytes(0x03));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("3.8.3.1 Retain Handling 3 is a protocol error")
    void retainHandling3() {
      byte[] p = packet(0x82, u16(1), noProperties(), string("a"), bytes(0x30));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-2.3.1-1] SUBSCRIBE with Packet Identifier 0 is malformed")
    void subscribePacketIdZero(MqttVersion v) {
      byte[] p =
          packet(0x82, u16(0), v == V5 ? noProperties() : new byte[0], string("a"), bytes(0));
      assertError(decodeError(serverAfterConnect(v), p), MALFORMED_PACKET, v, false);
    }

    @Test
    @DisplayName(
        "3.8.2.1.2 a Subscription Identifier included twice in SUBSCRIBE is a protocol error")
    void duplicateSubscriptionId() {
      byte[] p =
          packet(0x82, u16(1), properties(bytes(0x0B, 1), bytes(0x0B, 2)), string("a"), bytes(0));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("3.8.2.1.2 Subscription Identifier 0 in SUBSCRIBE is a protocol error")
    void subscriptionIdZero() {
      byte[] p = packet(0x82, u16(1), properties(bytes(0x0B, 0)), string("a"), bytes(0));
      assertError(decodeError(serverAfterConnect(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("3.8.3.1 a filter without its options byte is malformed")
    void missingOptions() {
      byte[] p = packet(0x82, u16(1), string("a"));
      assertError(decodeError(serverAfterConnect(V311), p), MALFORMED_PACKET, V311, false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("[MQTT-3.10.3-2] UNSUBSCRIBE without a Topic Filter is a protocol error")
    void unsubscribeWithoutFilter(MqttVersion v) {
      byte[] p = packet(0xA2, u16(1), v == V5 ? noProperties() : new byte[0]);
      assertError(decodeError(serverAfterConnect(v), p), PROTOCOL_ERROR, v, false);
    }

    @Test
    @DisplayName("[MQTT-2.3.1-1] UNSUBSCRIBE with Packet Identifier 0 is malformed")
    void unsubscribePacketIdZero() {
      assertError(
          decodeError(serverAfterConnect(V311), packet(0xA2, u16(0), string("a"))),
          MALFORMED_PACKET,
          V311,
          false);
    }

    @Test
    @DisplayName(
        "2.2.2.2 a property not allowed in UNSUBSCRIBE (Subscription Identifier) is malformed")
    void unsubscribePropertyNotAllowed() {
      byte[] p = packet(0xA2, u16(1), properties(bytes(0x0B, 1)), string("a"));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("3.11 a 3.1.1 UNSUBACK with a payload is malformed")
    void unsubAckWithPayload311() {
      assertError(
          decodeError(clientOf(V311), packet(0xB0, u16(1), bytes(0))),
          MALFORMED_PACKET,
          V311,
          false);
    }

    @Test
    @DisplayName("3.9.3 a SUBACK without a return code is an error")
    void subAckWithoutCodes() {
      assertError(decodeError(clientOf(V311), packet(0x90, u16(1))), PROTOCOL_ERROR, V311, false);
    }
  }

  // =============================================================================================
  @Nested
  @DisplayName("3.2 CONNACK, 3.12 - 3.15 PINGREQ, PINGRESP, DISCONNECT, AUTH")
  class OtherPackets {

    @Test
    @DisplayName("[MQTT-3.2.2-1] CONNACK Acknowledge Flags bits 7-1 set are malformed")
    void connAckReservedFlags() {
      assertError(
          decodeError(clientOf(V311), packet(0x20, bytes(0x02, 0))), MALFORMED_PACKET, V311, false);
    }

    @Test
    @DisplayName("3.2.2.2 a 5.0 client reads a 3.1.1-form refusal (Remaining Length 2)")
    void v5ClientReadsV311Refusal() {
      Object m = decode(clientOf(V5), packet(0x20, bytes(0, 0x01)));
      assertThat(m)
          .usingRecursiveComparison()
          .isEqualTo(new ConnAck(false, 1, MqttProperties.EMPTY));
    }

    @ParameterizedTest(name = "property {0}")
    @ValueSource(ints = {0x24, 0x25, 0x28, 0x29, 0x2A})
    @DisplayName("3.2.2.3 a CONNACK availability property other than 0 or 1 is a protocol error")
    void connAckZeroOrOne(int id) {
      byte[] p = packet(0x20, bytes(0, 0), properties(bytes(id, 2)));
      assertError(decodeError(clientOf(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @Test
    @DisplayName("3.2.2.3.3 CONNACK Receive Maximum 0 is a protocol error")
    void connAckReceiveMaximumZero() {
      byte[] p = packet(0x20, bytes(0, 0), properties(bytes(0x21), u16(0)));
      assertError(decodeError(clientOf(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"V3_1_1", "V5"})
    @DisplayName("3.12 a PINGREQ with a Remaining Length other than 0 is malformed")
    void pingReqWithBody(MqttVersion v) {
      assertError(
          decodeError(serverAfterConnect(v), bytes(0xC0, 0x01, 0x00)), MALFORMED_PACKET, v, false);
    }

    @Test
    @DisplayName("3.14 a 3.1.1 DISCONNECT with a Remaining Length other than 0 is malformed")
    void disconnectWithBody311() {
      assertError(
          decodeError(serverAfterConnect(V311), bytes(0xE0, 0x01, 0x00)),
          MALFORMED_PACKET,
          V311,
          false);
    }

    @Test
    @DisplayName("3.14.2.1 a 5.0 DISCONNECT with Remaining Length 0 is Normal disconnection")
    void disconnectShortForm() {
      assertThat(decode(serverAfterConnect(V5), bytes(0xE0, 0x00))).isEqualTo(Disconnect.NORMAL);
    }

    @Test
    @DisplayName("3.14.2.2.1 a 5.0 DISCONNECT with Remaining Length 1 has no properties")
    void disconnectReasonOnly() {
      Object m = decode(serverAfterConnect(V5), bytes(0xE0, 0x01, 0x04));
      assertThat(m).usingRecursiveComparison().isEqualTo(new Disconnect(4, MqttProperties.EMPTY));
    }

    @Test
    @DisplayName(
        "[MQTT-3.14.2-2] a Session Expiry Interval in a DISCONNECT from a server is a protocol error")
    void sessionExpiryFromServer() {
      byte[] p = packet(0xE0, bytes(0x8B), properties(bytes(0x11), u32(0)));
      assertError(decodeError(clientOf(V5), p), PROTOCOL_ERROR, V5, false);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "PUBREL, 0x60, MQTT-3.6.1-1",
      "SUBSCRIBE, 0x80, MQTT-3.8.1-1",
      "UNSUBSCRIBE, 0xA3, MQTT-3.10.1-1",
      "DISCONNECT, 0xE8, MQTT-3.14.1-1",
      "AUTH, 0xF4, MQTT-3.15.1-1"
    })
    @DisplayName(
        "[MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] [MQTT-3.14.1-1] [MQTT-3.15.1-1] each packet's own flag rule")
    void packetSpecificFlagRules(String type, String firstByte, String statement) {
      DecodeError e =
          decodeError(serverAfterConnect(V5), packet(Integer.decode(firstByte), bytes(0)));
      assertError(e, MALFORMED_PACKET, V5, false);
      assertThat(e.message()).contains("[" + statement + "]");
    }

    @Test
    @DisplayName("2.2.2.2 a property not allowed in DISCONNECT (Topic Alias) is malformed")
    void disconnectPropertyNotAllowed() {
      byte[] p = packet(0xE0, bytes(0), properties(bytes(0x23), u16(1)));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }

    @Test
    @DisplayName("3.15.2.1 an AUTH with Remaining Length 0 is Success without properties")
    void authShortForm() {
      Object m = decode(serverAfterConnect(V5), bytes(0xF0, 0x00));
      assertThat(m).usingRecursiveComparison().isEqualTo(new Auth(0, MqttProperties.EMPTY));
    }

    @Test
    @DisplayName("3.15.2 an AUTH with a reason code but no Property Length is malformed")
    void authWithoutPropertyLength() {
      assertError(
          decodeError(serverAfterConnect(V5), bytes(0xF0, 0x01, 0x18)),
          MALFORMED_PACKET,
          V5,
          false);
    }

    @Test
    @DisplayName("2.2.2.2 a property not allowed in AUTH (Session Expiry Interval) is malformed")
    void authPropertyNotAllowed() {
      byte[] p = packet(0xF0, bytes(0x18), properties(bytes(0x11), u32(1)));
      assertError(decodeError(serverAfterConnect(V5), p), MALFORMED_PACKET, V5, false);
    }
  }
}
