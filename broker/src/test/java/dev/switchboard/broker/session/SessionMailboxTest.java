package dev.switchboard.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.Persistence;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.Stored;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.packet.MqttProperties;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bound of a session's mailbox (DESIGN: every queue has a bound; what happens at the bound is
 * defined and counted): deliveries offered while the session's loop is busy wait up to {@code
 * max-inflight + max-queued-messages} deliveries and {@code max-queued-bytes} bytes; the rest are
 * dropped, counted, and their stored copies deleted. The loop is held busy with a latch, so that
 * what waits is exactly what was offered.
 */
@DisplayName("Session mailbox: a bound in deliveries and bytes; at the bound, dropped and counted")
class SessionMailboxTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOPIC = "t";
  private static final List<String> KEYS = List.of(TOPIC);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();
  private final RecordingStore store = new RecordingStore();
  private final List<CountDownLatch> holds = new ArrayList<>();
  private Broker broker; // never started: its services only, with a journal started by hand

  @AfterEach
  void stop() {
    holds.forEach(CountDownLatch::countDown);
    if (broker != null) {
      broker.journal().close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Journal startBroker(UnaryOperator<BrokerConfig> limits) {
    BrokerConfig config = limits.apply(TestBroker.config());
    broker =
        new Broker(
            config,
            new InMemoryRetainedStore(),
            new AnonymousAuthenticator(true),
            Authorizer.ALLOW_ALL,
            Persistence.of(store, Durability.STRICT));
    Journal journal = broker.journal();
    journal.start(0);
    return journal;
  }

  /** A persistent session "sub" attached to a connection on the loop, subscribed to "t" at 1. */
  private Session subscriber(RecordingConnection conn) {
    broker.sessions().connect(conn, Hubs.DEFAULT, "sub", false);
    await().atMost(WAIT).until(() -> conn.ready);
    Session s = broker.sessions().get("sub");
    onLoop(s, () -> s.subscribe(new SubscriptionEntry(TOPIC, TOPIC, null, 1, false, false, 0, 0)));
    assertThat(s.isPersistent()).isTrue();
    return s;
  }

  /** Holds the session's loop busy until the latch returned counts down. */
  private CountDownLatch holdLoop() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    holds.add(release);
    CountDownLatch parked = new CountDownLatch(1);
    loop.execute(
        () -> {
          parked.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(parked.await(10, TimeUnit.SECONDS)).as("the loop is held").isTrue();
    return release;
  }

  private static Message message(String text) {
    return message(text, 1);
  }

  private static Message message(String text, int qos) {
    return new Message(
        TOPIC,
        text.getBytes(StandardCharsets.UTF_8),
        qos,
        false,
        MqttProperties.EMPTY,
        "pub",
        Message.NEVER);
  }

  /** Stores a copy for "sub" as a publisher does before it hands the delivery over. */
  private static long storeCopy(Journal journal, Message m) {
    long seq = journal.nextSeq();
    journal.append(
        new Change.PutMessage(QueuedMessage.queued("sub", seq, Stored.message(m), KEYS, false)));
    return seq;
  }

  /** Offers a delivery of {@code m}; true when the publisher is told to wait. */
  private static boolean offer(Session s, Message m, long seq) {
    return s.offer(m, KEYS, seq);
  }

  private static void committed(Journal journal) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    journal.whenCommitted(
        new Journal.Completion() {
          @Override
          public void committed() {
            done.complete(null);
          }

          @Override
          public void failed(StoreException e) {
            done.completeExceptionally(e);
          }
        });
    done.get(10, TimeUnit.SECONDS);
  }

  private static void onLoop(Session s, Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    s.execute(
        () -> {
          task.run();
          done.complete(null);
        });
    done.join();
  }

  @Test
  @DisplayName(
      "deliveries offered while the session's loop is busy: past max-inflight +"
          + " max-queued-messages the publisher is told to wait (they are still taken); past"
          + " eight times that they are dropped, counted and their stored copies deleted; the ones"
          + " kept are delivered in order once the loop is free, the waiting publisher is told"
          + " there is room, and new ones are taken again")
  void messageBound() throws Exception {
    // 4 in flight + 6 queued: publishers wait past 10 deliveries; 80 may wait at most
    Journal journal =
        startBroker(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), 4, 6, 1 << 20));
    RecordingConnection conn = new RecordingConnection(loop);
    Session s = subscriber(conn);
    BrokerMetrics metrics = broker.metrics();
    int soft = 10;
    int hard = soft * SessionMailbox.HARD_FACTOR;
    int total = hard + 5;
    List<Message> messages = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      Message m = message("m" + i);
      messages.add(m);
      seqs.add(storeCopy(journal, m));
    }
    committed(journal);
    assertThat(store.messageSeqs()).containsExactlyElementsOf(seqs);

    CountDownLatch release = holdLoop();
    List<Boolean> waitTold = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      waitTold.add(offer(s, messages.get(i), seqs.get(i)));
    }
    assertThat(waitTold.subList(0, soft - 1)).as("below the soft bound").containsOnly(false);
    assertThat(waitTold.subList(soft - 1, total)).as("at and past it").containsOnly(true);
    CountDownLatch resumed = new CountDownLatch(1);
    s.whenRoom(resumed::countDown);
    CountDownLatch control = new CountDownLatch(1);
    s.execute(control::countDown); // a control task at the bound: taken all the same

    long weights = messages.subList(0, hard).stream().mapToLong(Message::weight).sum();
    assertThat(s.mailbox().waitingDeliveries()).isEqualTo(hard);
    assertThat(s.mailbox().waitingBytes()).isEqualTo(weights);
    assertThat(metrics.publishDroppedMailboxFull.sum()).isEqualTo(5);
    assertThat(metrics.publishDropped()).isEqualTo(5);
    assertThat(resumed.getCount()).as("no room yet").isEqualTo(1);
    committed(journal);
    assertThat(store.deletedSeqs())
        .as("the stored copies of the dropped deliveries are deleted")
        .containsExactlyElementsOf(seqs.subList(hard, total));
    assertThat(store.messageSeqs()).containsExactlyElementsOf(seqs.subList(0, hard));
    assertThat(conn.published()).as("nothing runs while the loop is held").isEmpty();

    release.countDown();
    await().atMost(WAIT).until(() -> conn.published().size() == hard);
    assertThat(resumed.await(10, TimeUnit.SECONDS)).as("the publisher is told").isTrue();
    assertThat(control.await(10, TimeUnit.SECONDS)).as("the control task ran").isTrue();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < hard; i++) {
      expected.add("m" + i);
    }
    assertThat(conn.published()).containsExactlyElementsOf(expected);
    assertThat(s.mailbox().waitingDeliveries()).isZero();
    assertThat(s.mailbox().waitingBytes()).isZero();

    // The loop has caught up: a delivery from another thread is taken again
    Message late = message("late");
    offer(s, late, storeCopy(journal, late));
    await().atMost(WAIT).until(() -> conn.published().contains("late"));
    assertThat(conn.published()).hasSize(hard + 1).endsWith("late");
    assertThat(metrics.publishDroppedMailboxFull.sum()).isEqualTo(5);
    assertThat(s.mailbox().waitingDeliveries()).isZero();
    CountDownLatch room = new CountDownLatch(1);
    s.whenRoom(room::countDown);
    assertThat(room.getCount()).as("room now: told at once").isZero();
  }

  @Test
  @DisplayName(
      "deliveries wait up to eight times max-queued-bytes (message weights); one heavier than"
          + " that is still taken when nothing else waits")
  void byteBound() throws Exception {
    long weight = message("m00").weight();
    long softBytes = 3 * weight + 1;
    long hardBytes = softBytes * SessionMailbox.HARD_FACTOR;
    int fits = (int) (hardBytes / weight);
    // Room for 8,000 deliveries by count, far fewer by weight
    Journal journal =
        startBroker(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), 100, 900, softBytes));
    RecordingConnection conn = new RecordingConnection(loop);
    Session s = subscriber(conn);
    BrokerMetrics metrics = broker.metrics();

    CountDownLatch release = holdLoop();
    Message heavy = message("h".repeat((int) (2 * hardBytes)));
    long heavySeq = storeCopy(journal, heavy);
    offer(s, heavy, heavySeq); // nothing waits: taken although heavier than the bound
    Message next = message("after heavy");
    long nextSeq = storeCopy(journal, next);
    offer(s, next, nextSeq); // dropped: the heavy one fills the mailbox
    assertThat(s.mailbox().waitingDeliveries()).isEqualTo(1);
    assertThat(metrics.publishDroppedMailboxFull.sum()).isEqualTo(1);
    release.countDown();
    await().atMost(WAIT).until(() -> conn.published().size() == 1);
    assertThat(conn.published()).containsExactly(text(heavy));
    assertThat(s.mailbox().waitingBytes()).isZero();

    CountDownLatch second = holdLoop();
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < fits + 2; i++) {
      Message m = message(String.format("m%02d", i));
      long seq = storeCopy(journal, m);
      seqs.add(seq);
      offer(s, m, seq);
    }
    assertThat(s.mailbox().waitingDeliveries()).isEqualTo(fits);
    assertThat(s.mailbox().waitingBytes()).isEqualTo(fits * weight);
    assertThat(metrics.publishDroppedMailboxFull.sum()).isEqualTo(1 + 2);
    committed(journal);
    List<Long> stored = new ArrayList<>();
    stored.add(heavySeq);
    stored.addAll(seqs.subList(0, fits));
    assertThat(store.messageSeqs())
        .as("stored: the heavy one (in flight) and those kept")
        .containsExactlyElementsOf(stored);
    second.countDown();
    await().atMost(WAIT).until(() -> conn.published().size() == 1 + fits);
    assertThat(conn.published().get(1)).isEqualTo("m00");
  }

  @Test
  @DisplayName(
      "with several threads offering at once, held loop: exactly the hard bound is taken; running"
          + " loop: every delivery is either delivered or dropped, each publisher's in its order,"
          + " and the counts of waiting deliveries come back to zero")
  void exactUnderConcurrency() throws Exception {
    startBroker(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), 4, 6, 1 << 20));
    RecordingConnection conn = new RecordingConnection(loop);
    Session s = subscriber(conn);
    BrokerMetrics metrics = broker.metrics();
    int publishers = 4;
    int hard = 10 * SessionMailbox.HARD_FACTOR;

    CountDownLatch release = holdLoop();
    runPublishers(s, publishers, 50, 0);
    assertThat(s.mailbox().waitingDeliveries()).isEqualTo(hard);
    assertThat(metrics.publishDroppedMailboxFull.sum()).isEqualTo(publishers * 50 - hard);
    release.countDown();
    await().atMost(WAIT).until(() -> conn.published().size() == hard);
    assertThat(s.mailbox().waitingDeliveries()).isZero();
    assertThat(s.mailbox().waitingBytes()).isZero();

    int each = 5_000;
    long droppedBefore = metrics.publishDroppedMailboxFull.sum();
    runPublishers(s, publishers, each, 0);
    long dropped = metrics.publishDroppedMailboxFull.sum() - droppedBefore;
    await()
        .atMost(WAIT)
        .until(() -> conn.published().size() - hard + dropped == (long) publishers * each);
    assertThat(s.mailbox().waitingDeliveries()).isZero();
    assertThat(s.mailbox().waitingBytes()).isZero();
    List<String> got = conn.published().subList(hard, conn.published().size());
    for (int p = 0; p < publishers; p++) {
      String prefix = "p" + p + "-";
      List<Integer> order =
          got.stream()
              .filter(t -> t.startsWith(prefix))
              .map(t -> Integer.parseInt(t.substring(prefix.length())))
              .toList();
      assertThat(order).as("publisher %d's deliveries in order", p).isSorted();
    }
  }

  /** {@code publishers} threads offer {@code each} QoS 0 deliveries at once; returns when done. */
  private static void runPublishers(Session s, int publishers, int each, int qos)
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      String prefix = "p" + p + "-";
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  Message m = message(prefix + i, qos);
                  offer(s, m, 0);
                }
              });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
  }

  private static String text(Message m) {
    return new String(m.payload(), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- fakes

  /** A connection on the test's loop that takes everything and records the payloads it sent. */
  private static final class RecordingConnection implements SessionConnection {
    private final EventLoop loop;
    private final List<String> published = Collections.synchronizedList(new ArrayList<>());
    volatile boolean ready;

    RecordingConnection(EventLoop loop) {
      this.loop = loop;
    }

    List<String> published() {
      synchronized (published) {
        return List.copyOf(published);
      }
    }

    @Override
    public EventLoop eventLoop() {
      return loop;
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
      return 1000;
    }

    @Override
    public boolean sendPublish(Outbound outbound, boolean dup) {
      published.add(text(outbound.message()));
      return true;
    }

    @Override
    public void sendPubRel(int packetId) {}

    @Override
    public void attached(Session session, boolean sessionPresent) {}

    @Override
    public void ready() {
      ready = true;
    }

    @Override
    public void takenOver() {}

    @Override
    public boolean rejectsTakeover() {
      return false;
    }

    @Override
    public void identifierRejected() {}

    @Override
    public ClientIdentity identity() {
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

  /** A store that keeps the messages' numbers, and the numbers of the messages it deleted. */
  private static final class RecordingStore implements DurableStore {
    private final TreeMap<Long, QueuedMessage> messages = new TreeMap<>();
    private final Set<Long> deleted = new TreeSet<>();

    synchronized List<Long> messageSeqs() {
      return List.copyOf(messages.keySet());
    }

    synchronized List<Long> deletedSeqs() {
      return List.copyOf(deleted);
    }

    @Override
    public StoredState load() {
      return StoredState.EMPTY;
    }

    @Override
    public synchronized void apply(List<Change> changes) {
      for (Change c : changes) {
        switch (c) {
          case Change.PutMessage p -> messages.put(p.message().seq(), p.message());
          case Change.DeleteMessage d -> {
            if (messages.remove(d.seq()) != null) {
              deleted.add(d.seq());
            }
          }
          default -> {}
        }
      }
    }

    @Override
    public void compact() {}

    @Override
    public String describe() {
      return "recording";
    }

    @Override
    public void close() {}
  }
}
