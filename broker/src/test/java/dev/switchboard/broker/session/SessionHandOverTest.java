package dev.switchboard.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.testing.TestBroker;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How a session moves between event loops when connections take it over: the threading rules of
 * DESIGN.md ("a session's state is touched only on its connection's event loop") under races that
 * the network tests can only hit by chance.
 */
class SessionHandOverTest {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());
  private final EventLoop loopA = group.next();
  private final EventLoop loopB = group.next();
  private final EventLoop loopC = group.next();
  private final Broker broker = new Broker(TestBroker.config()); // never started: services only

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A connection that records what the session asks of it. */
  private static final class FakeConnection implements SessionConnection {
    final EventLoop loop;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    volatile boolean active = true;

    FakeConnection(EventLoop loop) {
      this.loop = loop;
    }

    @Override
    public EventLoop eventLoop() {
      return loop;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public boolean isWritable() {
      return true;
    }

    @Override
    public int sendQuota() {
      return 100;
    }

    @Override
    public boolean sendPublish(Outbound outbound, boolean dup) {
      events.add("publish");
      return true;
    }

    @Override
    public void sendPubRel(int packetId) {
      events.add("pubrel");
    }

    @Override
    public void attached(Session session, boolean sessionPresent) {
      assertThat(loop.inEventLoop()).as("attached on the connection's loop").isTrue();
      events.add("attached present=" + sessionPresent);
    }

    @Override
    public void ready() {
      events.add("ready");
    }

    @Override
    public void takenOver() {
      assertThat(loop.inEventLoop()).as("taken over on the connection's loop").isTrue();
      active = false;
      events.add("taken over");
    }

    @Override
    public boolean rejectsTakeover() {
      return false;
    }

    @Override
    public void identifierRejected() {
      events.add("identifier rejected");
    }

    @Override
    public ClientIdentity identity() {
      return null;
    }

    @Override
    public void disconnect(int reasonCode, String why) {
      active = false;
      events.add("disconnected");
    }

    @Override
    public long sessionExpiry() {
      return Session.NEVER_EXPIRES;
    }

    @Override
    public PendingWill will() {
      return null;
    }
  }

  @Test
  @DisplayName(
      "work handed to a session runs in the order it was handed over, on the session's loop, while"
          + " takeovers move the session from loop to loop")
  void orderKeptAcrossMoves() throws Exception {
    SessionRegistry registry = broker.sessions();
    FakeConnection first = new FakeConnection(loopA);
    registry.connect(first, Hubs.DEFAULT, "mover", false);
    await().until(() -> first.events.contains("ready"));
    Session s = registry.get("mover");

    int n = 50_000;
    List<Integer> seen = new ArrayList<>(n); // touched only on the session's loop
    AtomicInteger offLoop = new AtomicInteger();
    Thread producer =
        new Thread(
            () -> {
              for (int i = 0; i < n; i++) {
                int value = i;
                s.execute(
                    () -> {
                      if (!s.executor().inEventLoop()) {
                        offLoop.incrementAndGet();
                      }
                      seen.add(value);
                    });
              }
            });
    producer.start();
    FakeConnection second = new FakeConnection(loopB);
    FakeConnection third = new FakeConnection(loopC);
    Thread.sleep(2);
    registry.connect(second, Hubs.DEFAULT, "mover", false);
    Thread.sleep(2);
    registry.connect(third, Hubs.DEFAULT, "mover", false);
    producer.join();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              CompletableFuture<Integer> size = new CompletableFuture<>();
              s.execute(() -> size.complete(seen.size()));
              return size.get(5, TimeUnit.SECONDS) == n;
            });
    CompletableFuture<List<Integer>> snapshot = new CompletableFuture<>();
    s.execute(() -> snapshot.complete(new ArrayList<>(seen)));
    List<Integer> order = snapshot.get(5, TimeUnit.SECONDS);
    for (int i = 0; i < n; i++) {
      if (order.get(i) != i) {
        throw new AssertionError("task " + order.get(i) + " ran in place " + i);
      }
    }
    assertThat(offLoop).hasValue(0);
    assertThat(s.executor()).isSameAs(loopC);
    assertThat(first.events).containsExactly("attached present=false", "ready", "taken over");
    assertThat(second.events).containsExactly("attached present=true", "ready", "taken over");
    assertThat(third.events).containsExactly("attached present=true", "ready");
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.4-3] a takeover that reaches a new session before its first connection is"
          + " attached attaches that connection first, then takes it over")
  void takeoverBeforeFirstAttach() {
    Session s = new Session(Hubs.DEFAULT, "early", loopB, broker);
    FakeConnection joining = new FakeConnection(loopB);
    FakeConnection taker = new FakeConnection(loopC);
    s.prepareJoin(joining);
    // the takeover is handed over first; the attach the registry queued comes after it
    s.execute(() -> s.takeOver(taker, false));
    s.execute(s::completeJoin);
    await().until(() -> taker.events.contains("ready"));
    assertThat(joining.events).containsExactly("attached present=false", "ready", "taken over");
    assertThat(taker.events).containsExactly("attached present=true", "ready");
    CompletableFuture<Boolean> online = new CompletableFuture<>();
    s.execute(() -> online.complete(s.isOnline() && s.executor() == loopC));
    assertThat(online.join()).isTrue();
  }
}
