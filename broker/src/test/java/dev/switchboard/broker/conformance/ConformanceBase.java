package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
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
import dev.switchboard.mqtt.packet.Will;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every conformance test class shares: a broker started on first use (or with a config the
 * test chooses), raw clients closed after each test, and short forms of the packet exchanges the
 * tests repeat. Each test gets its own broker, so client ids, retained messages and sessions never
 * leak from one test into another, and tests can run in parallel (they spend most of their time
 * waiting for the network or for the broker's timers).
 */
@Execution(ExecutionMode.CONCURRENT)
abstract class ConformanceBase {

  /** Runs a test once for MQTT 3.1.1 and once for MQTT 5.0. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "MQTT {0}")
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @interface BothVersions {}

  static final MqttVersion V311 = MqttVersion.V3_1_1;
  static final MqttVersion V5 = MqttVersion.V5;

  /** How long "nothing arrives" is watched for. */
  static final Duration QUIET = Duration.ofMillis(200);

  /** A shorter quiet period, for checks repeated in a loop. */
  static final Duration SHORT_QUIET = Duration.ofMillis(100);

  /** How long a connection the broker must close is given to close. */
  static final Duration CLOSE = Duration.ofSeconds(3);

  static final MqttProperties NO_PROPS = MqttProperties.EMPTY;

  /** The payload of the message {@link #expectNothingBeforeMarker} publishes. */
  static final String MARKER = "marker";

  private TestBroker broker;
  private final List<RawClient> clients = new ArrayList<>();
  private final AtomicInteger packetIds = new AtomicInteger();
  private RawClient markerPublisher;

  @AfterEach
  void closeClientsAndBroker() {
    for (RawClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
    clients.clear();
    markerPublisher = null;
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  // ---------------------------------------------------------------- broker

  TestBroker broker() {
    if (broker == null) {
      broker = TestBroker.start();
    }
    return broker;
  }

  /** Starts this test's broker with a customized config; call before anything else uses it. */
  TestBroker startBroker(UnaryOperator<BrokerConfig> customize) {
    assertThat(broker).as("broker already started").isNull();
    broker = TestBroker.start(customize);
    return broker;
  }

  /** Starts this test's broker with a custom authenticator. */
  TestBroker startBroker(Authenticator authenticator) {
    return startBroker(c -> c, authenticator);
  }

  /** Starts this test's broker with a customized config and a custom authenticator. */
  TestBroker startBroker(UnaryOperator<BrokerConfig> customize, Authenticator authenticator) {
    assertThat(broker).as("broker already started").isNull();
    broker = TestBroker.start(customize, authenticator);
    return broker;
  }

  /** Starts this test's broker with a customized config, authenticator and authorizer. */
  TestBroker startBroker(
      UnaryOperator<BrokerConfig> customize, Authenticator authenticator, Authorizer authorizer) {
    assertThat(broker).as("broker already started").isNull();
    broker = TestBroker.start(customize, authenticator, authorizer);
    return broker;
  }

  int port() {
    return broker().port();
  }

  /** Runs {@code read} on the session's event loop, where its state may be read. */
  static <T> T onSessionLoop(Session session, Callable<T> read) {
    try {
      return session.executor().submit(read).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not read session state", e);
    }
  }

  // ---------------------------------------------------------------- clients

  RawClient open(MqttVersion version) {
    RawClient c = RawClient.open(port(), version);
    clients.add(c);
    return c;
  }

  /**
   * A client whose socket receive buffer is fixed at 256 KB instead of growing to megabytes, so
   * that when it stops reading the broker's writes back up soon. (Not below the loopback MSS of 64
   * KB: TCP then crawls on zero-window probes.)
   */
  RawClient openSlowReader(MqttVersion version) {
    RawClient c = RawClient.open(port(), version, 256 * 1024);
    clients.add(c);
    return c;
  }

  /** A clean session with keep alive 60 s. */
  RawClient connect(MqttVersion version, String clientId) {
    return connect(version, clientId, true, NO_PROPS, null);
  }

  /**
   * A session that outlives the connection: 3.1.1 CleanSession 0, 5.0 Clean Start 0 with a Session
   * Expiry Interval of 300 s.
   */
  RawClient connectPersistent(MqttVersion version, String clientId) {
    return connect(version, clientId, false, persistentProps(version), null);
  }

  static MqttProperties persistentProps(MqttVersion version) {
    return version == V5 ? MqttProperties.builder().sessionExpiryInterval(300L).build() : NO_PROPS;
  }

  RawClient connect(
      MqttVersion version, String clientId, boolean cleanStart, MqttProperties props, Will will) {
    RawClient c = open(version);
    ConnAck ack = c.connect(clientId, cleanStart, 60, props, will);
    assertThat(ack.reasonCode()).as("CONNACK reason code").isZero();
    return c;
  }

  /** Sends a CONNECT and returns the CONNACK, whatever its code. */
  static ConnAck connAck(
      RawClient c, String clientId, boolean cleanStart, MqttProperties props, Will will) {
    return c.connect(clientId, cleanStart, 60, props, will);
  }

  static Connect connectPacket(MqttVersion version, String clientId, boolean cleanStart) {
    return new Connect(version, clientId, cleanStart, 60, null, null, null, NO_PROPS);
  }

  int nextPacketId() {
    return packetIds.incrementAndGet() % 65535 + 1;
  }

  // ---------------------------------------------------------------- subscribing

  SubAck subscribe(RawClient c, String filter, int qos) {
    return subscribe(c, NO_PROPS, new Subscription(filter, qos));
  }

  SubAck subscribe(RawClient c, MqttProperties props, Subscription... subscriptions) {
    int id = nextPacketId();
    c.send(new Subscribe(id, List.of(subscriptions), props));
    return awaitPacket(c, SubAck.class, a -> a.packetId() == id);
  }

  /** Subscribes and checks every filter was granted {@code qos}. */
  void subscribeOk(RawClient c, String filter, int qos) {
    assertThat(subscribe(c, filter, qos).reasonCodes()).containsExactly(qos);
  }

  // ---------------------------------------------------------------- publishing

  static Publish publishPacket(String topic, String payload, int qos, boolean retain, int id) {
    return new Publish(topic, utf8(payload), qos, retain, false, qos == 0 ? 0 : id, NO_PROPS);
  }

  /**
   * Publishes and completes the publisher's side of the flow (PUBACK, or PUBREC-PUBREL-PUBCOMP).
   */
  void publish(RawClient c, String topic, String payload, int qos, boolean retain) {
    publish(c, new Publish(topic, utf8(payload), qos, retain, false, 0, NO_PROPS));
  }

  /** Publishes {@code p} (a packet id is assigned for QoS 1 and 2) and completes the flow. */
  void publish(RawClient c, Publish p) {
    int id = p.qos() == 0 ? 0 : nextPacketId();
    c.send(p.withPacketId(id, false));
    completePublisherFlow(c, p.qos(), id);
  }

  /**
   * Waits until the broker has handled the publication: the acknowledgements for QoS 1 and 2; for
   * QoS 0 a PINGREQ round trip, as the broker handles one connection's packets in order (so that
   * the retained store, say, has been updated when this returns).
   */
  static void completePublisherFlow(RawClient c, int qos, int id) {
    if (qos == 0) {
      c.send(PingReq.INSTANCE);
      awaitPacket(c, PingResp.class, r -> true);
    } else if (qos == 1) {
      PubAck ack = awaitPacket(c, PubAck.class, a -> a.packetId() == id);
      assertThat(ack.reasonCode()).as("PUBACK reason code").isLessThan(0x80);
    } else if (qos == 2) {
      PubRec rec = awaitPacket(c, PubRec.class, r -> r.packetId() == id);
      assertThat(rec.reasonCode()).as("PUBREC reason code").isLessThan(0x80);
      c.send(new PubRel(id));
      awaitPacket(c, PubComp.class, r -> r.packetId() == id);
    }
  }

  /**
   * The first packet of {@code type} that {@code which} accepts, within 5 seconds. Packets before
   * it (a client that subscribes to what it publishes gets its own PUBLISH before the PUBACK, a
   * subscriber gets the next PUBLISH before the PUBREL of the last) are put back, in order, for
   * later reads.
   */
  static <T> T awaitPacket(RawClient c, Class<T> type, Predicate<T> which) {
    List<Object> skipped = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        Object o = left > 0 ? c.poll(Duration.ofNanos(left)) : null;
        if (o == null) {
          throw new AssertionError(
              "no "
                  + type.getSimpleName()
                  + " within 5 s"
                  + (c.isOpen() ? "" : " (closed)")
                  + "; got "
                  + skipped);
        }
        if (type.isInstance(o) && which.test(type.cast(o))) {
          return type.cast(o);
        }
        skipped.add(o);
      }
    } finally {
      for (int i = skipped.size() - 1; i >= 0; i--) {
        c.unread(skipped.get(i));
      }
    }
  }

  static Publish expectPublish(RawClient c) {
    return c.expect(Publish.class);
  }

  /** Expects a PUBLISH and acknowledges it as a subscriber does. */
  static Publish receive(RawClient c) {
    Publish p = expectPublish(c);
    acknowledge(c, p);
    return p;
  }

  static void acknowledge(RawClient c, Publish p) {
    if (p.qos() == 1) {
      c.send(new PubAck(p.packetId()));
    } else if (p.qos() == 2) {
      c.send(new PubRec(p.packetId()));
      awaitPacket(c, PubRel.class, r -> r.packetId() == p.packetId());
      c.send(new PubComp(p.packetId()));
    }
  }

  /** Receives {@code n} messages, acknowledging each, and returns their payloads in order. */
  static List<String> receivePayloads(RawClient c, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(text(receive(c)));
    }
    return out;
  }

  /**
   * Asserts that {@code subscriber} gets nothing for {@link #QUIET}, and then that it does get what
   * it should: a {@link #MARKER} published on {@code markerTopic} (which the subscriber must be
   * subscribed to) after that window must be the next packet it receives. Silence alone would also
   * pass for a subscriber that receives nothing at all; the marker shows that this one does, and,
   * coming first, that nothing unwanted came before it.
   */
  void expectNothingBeforeMarker(RawClient subscriber, String markerTopic) {
    expectNothingBeforeMarker(subscriber, markerTopic, QUIET);
  }

  /** {@link #expectNothingBeforeMarker(RawClient, String)} with a quiet window of {@code quiet}. */
  void expectNothingBeforeMarker(RawClient subscriber, String markerTopic, Duration quiet) {
    subscriber.expectNothing(quiet);
    if (markerPublisher == null) {
      markerPublisher = connect(subscriber.version(), "marker-publisher");
    }
    publish(markerPublisher, markerTopic, MARKER, 0, false);
    Publish next = expectPublish(subscriber);
    assertThat(next.topic() + " " + text(next))
        .as("the first message after the quiet window")
        .isEqualTo(markerTopic + " " + MARKER);
  }

  static void disconnect(RawClient c) {
    c.send(Disconnect.NORMAL);
    c.awaitClose(CLOSE);
  }

  // ---------------------------------------------------------------- bytes

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  /** The wire form of a packet, for tests that then corrupt or concatenate it. */
  static byte[] encode(MqttPacket packet, MqttVersion version) {
    ByteBuf buf = MqttCodec.encode(UnpooledByteBufAllocator.DEFAULT, packet, version);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** Asserts the connection is closed, after a DISCONNECT with {@code reasonCode} in 5.0. */
  static void expectClosedWith(RawClient c, MqttVersion version, int reasonCode) {
    List<Object> before = c.awaitClose(CLOSE);
    if (version == V5) {
      assertThat(before).as("packets before the close").hasSize(1);
      assertThat(before.get(0)).isInstanceOf(Disconnect.class);
      assertThat(((Disconnect) before.get(0)).reasonCode())
          .as("DISCONNECT reason code")
          .isEqualTo(reasonCode);
    } else {
      assertThat(before)
          .as("packets before the close (3.1.1 has no DISCONNECT from a server)")
          .isEmpty();
    }
  }
}
