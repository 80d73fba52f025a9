package dev.switchboard.microbench;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.retained.RetainedStore;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.BrokerServices;
import dev.switchboard.broker.session.Outbound;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.mqtt.packet.MqttProperties;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A session's outbound path in {@link Session}, through its public API only: {@code deliver}, the
 * bounded queue, the in-flight window, packet ids and acknowledgements, with a fake {@link
 * SessionConnection} that accepts every write (and encodes nothing: that is {@link
 * PublishEncodeBench}).
 *
 * <ul>
 *   <li>{@code offlineQueueThenDrain}: the connection is lost, {@code batch} QoS 1 messages are
 *       delivered and queue up, the client reconnects (through {@link SessionRegistry#connect},
 *       which resumes the session and drains the queue into the in-flight window) and acknowledges
 *       every message, each PUBACK letting the next one out. Reported per message; {@code window}
 *       is the in-flight window (the connection's send quota).
 *   <li>{@code onlineDeliver}: one message delivered to an attached, writable session: sent at
 *       once; at QoS 1 it is also acknowledged, so the operation is the whole QoS 1 lifecycle on
 *       the session side (packet id, in-flight map, PUBACK).
 * </ul>
 *
 * <p>Why it matters: this runs once per subscriber per message on the subscriber's event loop; a
 * fleet of devices that reconnect after a network cut drains thousands of queued messages each at
 * once.
 *
 * <p>Threading: the session's loop is an {@link EmbeddedChannel}'s, which always says "in the event
 * loop", so {@link Session#execute} runs everything inline on the benchmark thread, as it runs on
 * the owning loop in the broker. The session never expires ({@link Session#NEVER_EXPIRES}) so no
 * timer is ever scheduled.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionQueueBench {
  static final String FILTER = "site/42/device/+/temp";

  /** Messages per offline/reconnect cycle; the default queue bound is 1,000. */
  static final int BATCH = 1000;

  /** A session with one subscription, attached to a fake connection. */
  public static class SessionState {
    final EmbeddedChannel loop = new EmbeddedChannel();
    final FakeServices services = new FakeServices(BrokerConfig.defaults());
    final FakeConnection connection = new FakeConnection(loop.eventLoop(), services.config());
    final List<String> filterKeys = List.of(FILTER);
    Session session;
    Message message;

    void open(int qos) {
      services.sessions.connect(connection, Hubs.DEFAULT, "subscriber-1", false);
      session = services.sessions.get("subscriber-1");
      if (session == null || !session.isOnline()) {
        throw new IllegalStateException("session not attached");
      }
      session.subscribe(new SubscriptionEntry(FILTER, FILTER, null, 2, false, false, 0, 0));
      message =
          new Message(
              Fixtures.TOPIC,
              new byte[64],
              qos,
              false,
              MqttProperties.EMPTY,
              "sensor-42-17",
              Message.NEVER);
    }

    void checkEmpty() {
      if (session.queuedCount() != 0 || session.inflightCount() != 0 || !session.isOnline()) {
        throw new IllegalStateException(
            "left queued "
                + session.queuedCount()
                + ", in flight "
                + session.inflightCount()
                + ", online "
                + session.isOnline());
      }
      long dropped = services.metrics.publishDropped();
      if (dropped != 0) {
        throw new IllegalStateException(dropped + " messages dropped");
      }
    }

    void close() {
      session.end();
      loop.finishAndReleaseAll();
    }
  }

  @State(Scope.Thread)
  public static class Offline extends SessionState {
    /**
     * QoS 1/2 messages in flight at once: the broker's default {@code max-inflight} (128) or what a
     * 5.0 client with a small Receive Maximum allows.
     */
    @Param({"16", "128"})
    public int window;

    @Setup(Level.Trial)
    public void setUp() {
      connection.sendQuota = window;
      open(1);
    }

    @TearDown(Level.Iteration)
    public void check() {
      checkEmpty();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  @State(Scope.Thread)
  public static class Online extends SessionState {
    @Param({"0", "1"})
    public int qos;

    @Setup(Level.Trial)
    public void setUp() {
      open(qos);
    }

    @TearDown(Level.Iteration)
    public void check() {
      checkEmpty();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long offlineQueueThenDrain(Offline s) {
    Session session = s.session;
    FakeConnection conn = s.connection;
    session.connectionLost(conn, false);
    for (int i = 0; i < BATCH; i++) {
      session.deliver(s.message, s.filterKeys, 0);
    }
    // Resumes the session on the same (fake) connection: CONNACK, then the queue drains into
    // the in-flight window.
    s.services.sessions.connect(conn, session.hub(), session.clientId(), false);
    while (conn.unacked() > 0) {
      session.inflight().onPubAck(conn.oldestUnacked());
    }
    return conn.sent;
  }

  @Benchmark
  public long onlineDeliver(Online s) {
    Session session = s.session;
    FakeConnection conn = s.connection;
    session.deliver(s.message, s.filterKeys, 0);
    if (conn.unacked() > 0) {
      session.inflight().onPubAck(conn.oldestUnacked());
    }
    return conn.sent;
  }

  // ------------------------------------------------------------------------------------------

  /** What a session needs of the broker: a registry, an index, metrics; publishing goes nowhere. */
  static final class FakeServices implements BrokerServices {
    @Override
    public dev.switchboard.broker.session.WillKeeper wills() {
      return dev.switchboard.broker.session.WillKeeper.NONE;
    }

    final BrokerConfig config;
    final BrokerMetrics metrics = new BrokerMetrics();
    final SubscriptionIndex<Subscriber> subscriptions = new SubscriptionIndex<>();
    final RetainedStore retained = new InMemoryRetainedStore();
    final SessionRegistry sessions = new SessionRegistry();
    final TopicSpaces spaces = new TopicSpaces(subscriptions, retained, InMemoryRetainedStore::new);

    FakeServices(BrokerConfig config) {
      this.config = config;
      sessions.bind(this);
    }

    @Override
    public BrokerConfig config() {
      return config;
    }

    @Override
    public BrokerMetrics metrics() {
      return metrics;
    }

    SubscriptionIndex<Subscriber> subscriptions() {
      return subscriptions;
    }

    RetainedStore retained() {
      return retained;
    }

    @Override
    public TopicSpaces spaces() {
      return spaces;
    }

    @Override
    public SessionRegistry sessions() {
      return sessions;
    }

    @Override
    public dev.switchboard.broker.persist.Journal journal() {
      return null;
    }

    @Override
    public int publish(Message message) {
      return 0;
    }

    @Override
    public boolean redispatchShared(Message message, String sharedFilterKey, Session leaving) {
      return false;
    }
  }

  /**
   * A connection that is always active and writable and takes every PUBLISH; it remembers the
   * packet ids it was given, oldest first, so the benchmark can acknowledge them in order.
   */
  static final class FakeConnection implements SessionConnection {
    private final EventLoop eventLoop;
    int sendQuota;
    private int[] unacked = new int[256];
    private int head;
    private int tail;
    long sent;
    Outbound last;

    FakeConnection(EventLoop eventLoop, BrokerConfig config) {
      this.eventLoop = eventLoop;
      this.sendQuota = config.maxInflight();
    }

    int unacked() {
      return tail - head;
    }

    int oldestUnacked() {
      return unacked[head++ & (unacked.length - 1)];
    }

    @Override
    public EventLoop eventLoop() {
      return eventLoop;
    }

    @Override
    public boolean isActive() {
      return true;
    }

    @Override
    public boolean isWritable() {
      return true;
    }

    @Override
    public int sendQuota() {
      return sendQuota;
    }

    @Override
    public boolean sendPublish(Outbound outbound, boolean dup) {
      sent++;
      last = outbound;
      if (outbound.qos() > 0 && !dup) {
        if (tail - head == unacked.length) {
          throw new IllegalStateException("more in flight than the fake connection holds");
        }
        unacked[tail++ & (unacked.length - 1)] = outbound.packetId();
      }
      return true;
    }

    @Override
    public void sendPubRel(int packetId) {}

    @Override
    public void attached(Session session, boolean sessionPresent) {}

    @Override
    public void ready() {}

    @Override
    public void takenOver() {}

    @Override
    public boolean rejectsTakeover() {
      return false;
    }

    @Override
    public void identifierRejected() {}

    @Override
    public dev.switchboard.broker.auth.ClientIdentity identity() {
      return null;
    }

    @Override
    public void disconnect(int reasonCode, String why) {}

    @Override
    public long sessionExpiry() {
      return Session.NEVER_EXPIRES;
    }

    @Override
    public PendingWill will() {
      return null;
    }
  }
}
