package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.CodecTestSupport.client;
import static dev.switchboard.mqtt.codec.CodecTestSupport.decode;
import static dev.switchboard.mqtt.codec.CodecTestSupport.decodeByteAtATime;
import static dev.switchboard.mqtt.codec.CodecTestSupport.drain;
import static dev.switchboard.mqtt.codec.CodecTestSupport.encode;
import static dev.switchboard.mqtt.codec.CodecTestSupport.server;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.packet.Will;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every packet type, in every version it exists in, encodes and decodes back to an equal packet;
 * {@link MqttCodec#encodedSize} is the encoded length; input split into single bytes decodes the
 * same; several packets in one buffer come out in order.
 */
class RoundTripTest {

  /** Who receives the packet, which decides the decoder side. */
  enum To {
    SERVER,
    CLIENT
  }

  // Non-ASCII text in every string field exercises the UTF-8 paths (2, 3 and 4 byte sequences).
  private static final String TEXT = "température/°C/日本/\uD83D\uDE00";

  static MqttProperties connectProperties() {
    return MqttProperties.builder()
        .sessionExpiryInterval(0xFFFF_FFFFL)
        .receiveMaximum(20)
        .maximumPacketSize(1_048_576L)
        .topicAliasMaximum(10)
        .requestResponseInformation(1)
        .requestProblemInformation(0)
        .addUserProperty("k", "v1")
        .addUserProperty("k", "v2")
        .addUserProperty(TEXT, "")
        .authenticationMethod("SCRAM-SHA-256")
        .authenticationData(new byte[] {1, 2, 3, 0, (byte) 0xFF})
        .build();
  }

  static MqttProperties willProperties() {
    return MqttProperties.builder()
        .willDelayInterval(30L)
        .payloadFormatIndicator(1)
        .messageExpiryInterval(3600L)
        .contentType("application/json")
        .responseTopic("reply/" + TEXT)
        .correlationData(new byte[] {9, 8, 7})
        .addUserProperty("origin", "will")
        .build();
  }

  static MqttProperties connAckProperties() {
    return MqttProperties.builder()
        .sessionExpiryInterval(120L)
        .receiveMaximum(65_535)
        .maximumQos(1)
        .retainAvailable(0)
        .maximumPacketSize(268_435_460L)
        .assignedClientIdentifier("auto-" + TEXT)
        .topicAliasMaximum(65_535)
        .reasonString("welcome")
        .addUserProperty("node", "a")
        .wildcardSubscriptionAvailable(1)
        .subscriptionIdentifierAvailable(0)
        .sharedSubscriptionAvailable(1)
        .serverKeepAlive(30)
        .responseInformation("resp/")
        .serverReference("other.example:1883")
        .authenticationMethod("SCRAM-SHA-256")
        .authenticationData(new byte[] {4, 5})
        .build();
  }

  static MqttProperties publishProperties(boolean withSubscriptionIds) {
    MqttProperties.Builder b =
        MqttProperties.builder()
            .payloadFormatIndicator(1)
            .messageExpiryInterval(0L)
            .topicAlias(3)
            .responseTopic("reply/here")
            .correlationData(new byte[0])
            .contentType("text/plain; charset=utf-8")
            .addUserProperty("a", "1")
            .addUserProperty("a", "2");
    if (withSubscriptionIds) {
      // Several identifiers, including the largest and ones needing 1 to 4 bytes (3.3.4).
      b.addSubscriptionIdentifier(1)
          .addSubscriptionIdentifier(128)
          .addSubscriptionIdentifier(16_384)
          .addSubscriptionIdentifier(268_435_455);
    }
    return b.build();
  }

  static MqttProperties reasonProperties() {
    return MqttProperties.builder()
        .reasonString("because " + TEXT)
        .addUserProperty("x", "y")
        .build();
  }

  static byte[] payload(int size) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) (i * 31 + 7);
    }
    return payload;
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    MqttVersion v5 = MqttVersion.V5;
    MqttVersion v311 = MqttVersion.V3_1_1;
    MqttVersion v31 = MqttVersion.V3_1;
    MqttProperties none = MqttProperties.EMPTY;

    // CONNECT
    add(
        cases,
        "5.0 CONNECT with will, user name, password and every CONNECT and Will property",
        v5,
        To.SERVER,
        new Connect(
            v5,
            "client-" + TEXT,
            false,
            65_535,
            "user",
            "pässword".getBytes(StandardCharsets.UTF_8),
            new Will("will/" + TEXT, payload(300), 2, true, willProperties()),
            connectProperties()));
    add(
        cases,
        "5.0 CONNECT with a password and no user name (allowed in 5.0, 3.1.2.9)",
        v5,
        To.SERVER,
        new Connect(v5, "", true, 0, null, new byte[] {1}, null, none));
    add(
        cases,
        "3.1.1 CONNECT with will, user name and password",
        v311,
        To.SERVER,
        new Connect(
            v311,
            "c",
            true,
            10,
            "u",
            new byte[] {0, 1, 2},
            new Will("w/t", payload(5), 1, false, none),
            none));
    add(
        cases,
        "3.1.1 CONNECT with an empty client identifier",
        v311,
        To.SERVER,
        new Connect(v311, "", true, 60, null, null, null, none));
    add(
        cases,
        "3.1 CONNECT (MQIsdp, level 3) with will and credentials",
        v31,
        To.SERVER,
        new Connect(
            v31,
            "legacy-client-id-23char",
            true,
            30,
            "u",
            new byte[] {7},
            new Will("w", new byte[0], 0, true, none),
            none));

    // CONNACK
    add(
        cases,
        "5.0 CONNACK with every CONNACK property",
        v5,
        To.CLIENT,
        new ConnAck(true, ReasonCode.SUCCESS, connAckProperties()));
    add(
        cases,
        "5.0 CONNACK refusal with a reason string",
        v5,
        To.CLIENT,
        new ConnAck(false, ReasonCode.NOT_AUTHORIZED, reasonProperties()));
    add(cases, "3.1.1 CONNACK with session present", v311, To.CLIENT, new ConnAck(true, 0, none));
    add(
        cases,
        "3.1.1 CONNACK with return code 0x05",
        v311,
        To.CLIENT,
        new ConnAck(false, ReasonCode.V3_NOT_AUTHORIZED, none));
    add(
        cases,
        "3.1 CONNACK",
        v31,
        To.CLIENT,
        new ConnAck(false, ReasonCode.V3_IDENTIFIER_REJECTED, none));

    // PUBLISH, both directions, small and large payloads, every QoS
    for (MqttVersion v : List.of(v5, v311, v31)) {
      boolean is5 = v == v5;
      add(
          cases,
          v + " PUBLISH QoS 0 to a server",
          v,
          To.SERVER,
          new Publish(
              "a/" + TEXT, payload(10), 0, false, false, 0, is5 ? publishProperties(false) : none));
      add(
          cases,
          v + " PUBLISH QoS 1 retained with an empty payload",
          v,
          To.SERVER,
          new Publish("a/b", new byte[0], 1, true, false, 1, none));
      add(
          cases,
          v + " PUBLISH QoS 2 DUP with a large payload to a client",
          v,
          To.CLIENT,
          new Publish(
              "big",
              payload(100_000),
              2,
              false,
              true,
              65_535,
              is5 ? publishProperties(true) : none));
    }
    add(
        cases,
        "5.0 PUBLISH with an empty topic and a Topic Alias",
        v5,
        To.SERVER,
        new Publish(
            "", payload(3), 1, false, false, 9, MqttProperties.builder().topicAlias(1).build()));

    // PUBACK, PUBREC, PUBREL, PUBCOMP: shortest forms and full forms
    for (To to : To.values()) {
      add(
          cases,
          "5.0 PUBACK success, no properties (Remaining Length 2) to " + to,
          v5,
          to,
          new PubAck(1));
      add(
          cases,
          "5.0 PUBACK with a reason code only (Remaining Length 3) to " + to,
          v5,
          to,
          new PubAck(2, ReasonCode.NO_MATCHING_SUBSCRIBERS, none));
      add(
          cases,
          "5.0 PUBACK with reason and properties to " + to,
          v5,
          to,
          new PubAck(3, ReasonCode.QUOTA_EXCEEDED, reasonProperties()));
      add(
          cases,
          "5.0 PUBACK success with properties to " + to,
          v5,
          to,
          new PubAck(4, 0, reasonProperties()));
      add(
          cases,
          "5.0 PUBREC with reason and properties to " + to,
          v5,
          to,
          new PubRec(5, ReasonCode.PACKET_IDENTIFIER_IN_USE, reasonProperties()));
      add(
          cases,
          "5.0 PUBREL with reason and properties to " + to,
          v5,
          to,
          new PubRel(6, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, reasonProperties()));
      add(
          cases,
          "5.0 PUBCOMP with reason and properties to " + to,
          v5,
          to,
          new PubComp(7, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, reasonProperties()));
      add(cases, "5.0 PUBREL success to " + to, v5, to, new PubRel(8));
      for (MqttVersion v : List.of(v311, v31)) {
        add(cases, v + " PUBACK to " + to, v, to, new PubAck(65_535));
        add(cases, v + " PUBREC to " + to, v, to, new PubRec(1));
        add(cases, v + " PUBREL to " + to, v, to, new PubRel(2));
        add(cases, v + " PUBCOMP to " + to, v, to, new PubComp(3));
      }
    }

    // SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK
    add(
        cases,
        "5.0 SUBSCRIBE with every option and a Subscription Identifier",
        v5,
        To.SERVER,
        new Subscribe(
            10,
            List.of(
                new Subscription("a/+/c", 2, true, true, 2),
                new Subscription("#", 0, false, false, 0),
                new Subscription("$share/g/" + TEXT, 1, false, true, 1)),
            MqttProperties.builder()
                .addSubscriptionIdentifier(268_435_455)
                .addUserProperty("u", "p")
                .build()));
    add(
        cases,
        "5.0 SUBACK with reason codes and properties",
        v5,
        To.CLIENT,
        new SubAck(10, List.of(0, 1, 2, 0x80, 0x87, 0xA2), reasonProperties()));
    add(
        cases,
        "5.0 UNSUBSCRIBE with a User Property",
        v5,
        To.SERVER,
        new Unsubscribe(
            11, List.of("a/b", TEXT), MqttProperties.builder().addUserProperty("u", "p").build()));
    add(
        cases,
        "5.0 UNSUBACK with reason codes and properties",
        v5,
        To.CLIENT,
        new UnsubAck(11, List.of(0, 0x11, 0x87), reasonProperties()));
    for (MqttVersion v : List.of(v311, v31)) {
      add(
          cases,
          v + " SUBSCRIBE",
          v,
          To.SERVER,
          new Subscribe(1, List.of(new Subscription("a/#", 2), new Subscription(TEXT, 0)), none));
      add(
          cases,
          v + " SUBACK with a failure return code",
          v,
          To.CLIENT,
          new SubAck(1, List.of(2, 0, ReasonCode.V3_SUBACK_FAILURE), none));
      add(cases, v + " UNSUBSCRIBE", v, To.SERVER, new Unsubscribe(2, List.of("a/#", "b"), none));
      add(cases, v + " UNSUBACK (no payload)", v, To.CLIENT, new UnsubAck(2, List.of(), none));
    }

    // PINGREQ, PINGRESP, DISCONNECT, AUTH
    for (MqttVersion v : List.of(v5, v311, v31)) {
      add(cases, v + " PINGREQ", v, To.SERVER, PingReq.INSTANCE);
      add(cases, v + " PINGRESP", v, To.CLIENT, PingResp.INSTANCE);
      add(cases, v + " DISCONNECT", v, To.SERVER, Disconnect.NORMAL);
    }
    add(
        cases,
        "5.0 DISCONNECT with a reason code only",
        v5,
        To.SERVER,
        new Disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE, none));
    add(
        cases,
        "5.0 DISCONNECT from a client with Session Expiry Interval and reason string",
        v5,
        To.SERVER,
        new Disconnect(
            0, MqttProperties.builder().sessionExpiryInterval(0L).reasonString("bye").build()));
    add(
        cases,
        "5.0 DISCONNECT from a server with Server Reference",
        v5,
        To.CLIENT,
        new Disconnect(
            ReasonCode.SERVER_MOVED,
            MqttProperties.builder()
                .serverReference("b:1883")
                .reasonString("moved")
                .addUserProperty("a", "b")
                .build()));
    add(
        cases,
        "5.0 AUTH success without anything (Remaining Length 0)",
        v5,
        To.SERVER,
        new Auth(ReasonCode.SUCCESS, none));
    add(
        cases,
        "5.0 AUTH continue with every AUTH property",
        v5,
        To.CLIENT,
        new Auth(
            ReasonCode.CONTINUE_AUTHENTICATION,
            MqttProperties.builder()
                .authenticationMethod("SCRAM-SHA-256")
                .authenticationData(payload(40))
                .reasonString("more")
                .addUserProperty("a", "b")
                .build()));
    add(
        cases,
        "5.0 AUTH re-authenticate without properties",
        v5,
        To.SERVER,
        new Auth(ReasonCode.RE_AUTHENTICATE, none));
    return cases.stream();
  }

  private static void add(List<Arguments> cases, String name, MqttVersion v, To to, MqttPacket p) {
    cases.add(Arguments.of(name, v, to, p));
  }

  private static EmbeddedChannel channelFor(MqttVersion version, To to, MqttPacket packet) {
    if (to == To.CLIENT) {
      return client(version);
    }
    return packet instanceof Connect ? server() : server(version);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void roundTrips(String name, MqttVersion version, To to, MqttPacket packet) {
    byte[] encoded = encode(packet, version);
    assertThat(MqttCodec.encodedSize(packet, version)).isEqualTo(encoded.length);
    assertAllocatedExactly(packet, version, encoded.length);

    EmbeddedChannel channel = channelFor(version, to, packet);
    try {
      Object decoded = decode(channel, encoded);
      assertThat(decoded).isNotInstanceOf(DecodeError.class);
      assertThat(decoded).usingRecursiveComparison().isEqualTo(packet);
      // And back to the very same bytes.
      assertThat(encode((MqttPacket) decoded, version)).isEqualTo(encoded);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * Every boundary inside the header and fields is crossed one byte at a time; only the bulk of a
   * large payload goes in bigger pieces (each piece is tracked by the PARANOID leak detector, which
   * makes 100,000 one-byte writes slow without testing anything more).
   */
  /** The encoder allocates the packet's size once and never grows the buffer while writing. */
  private static void assertAllocatedExactly(MqttPacket packet, MqttVersion version, int size) {
    ByteBuf buf = MqttCodec.encode(UnpooledByteBufAllocator.DEFAULT, packet, version);
    try {
      if (buf instanceof CompositeByteBuf composite) {
        assertThat(composite.component(0).capacity())
            .isEqualTo(size - ((Publish) packet).payload().length);
      } else {
        assertThat(buf.capacity()).isEqualTo(size);
      }
    } finally {
      buf.release();
    }
  }

  @ParameterizedTest(name = "{0}, one byte at a time")
  @MethodSource("cases")
  void decodesTheSameOneByteAtATime(String name, MqttVersion version, To to, MqttPacket packet) {
    byte[] encoded = encode(packet, version);
    EmbeddedChannel channel = channelFor(version, to, packet);
    try {
      List<Object> decoded = decodeByteAtATime(channel, encoded, 512);
      assertThat(decoded).hasSize(1);
      assertThat(decoded.get(0)).usingRecursiveComparison().isEqualTo(packet);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  @DisplayName("several packets in one buffer come out in order")
  void severalPacketsInOneBuffer(MqttVersion version) {
    List<MqttPacket> packets =
        List.of(
            new Publish("t", payload(1000), 1, false, false, 1, MqttProperties.EMPTY),
            PingReq.INSTANCE,
            new Subscribe(2, List.of(new Subscription("a", 1)), MqttProperties.EMPTY),
            new PubAck(1),
            Disconnect.NORMAL);
    byte[] all = new byte[0];
    for (MqttPacket p : packets) {
      all = CodecTestSupport.concat(all, encode(p, version));
    }
    EmbeddedChannel channel = server(version);
    try {
      channel.writeInbound(CodecTestSupport.buffer(all));
      List<Object> decoded = drain(channel);
      assertThat(decoded)
          .usingRecursiveFieldByFieldElementComparator()
          .containsExactlyElementsOf(packets);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  static Stream<MqttVersion> versions() {
    return Stream.of(MqttVersion.V3_1, MqttVersion.V3_1_1, MqttVersion.V5);
  }
}
