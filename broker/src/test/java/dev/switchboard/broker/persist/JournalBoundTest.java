package dev.switchboard.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The journal's bound: when the store falls behind, the broker stops reading from the publishers
 * whose messages it must store, instead of queueing without end; once the store catches up they are
 * read again, and nothing is lost.
 */
class JournalBoundTest {
  private static final int BOUND = 64;
  private static final int MESSAGES = 10_000;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MemoryStore store = new MemoryStore();
  private final List<RawClient> clients = new ArrayList<>();
  private Broker broker;
  private Thread sender;

  @AfterEach
  void tearDown() throws InterruptedException {
    store.unblock();
    if (sender != null) {
      sender.join(WAIT.toMillis());
    }
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private RawClient open(String clientId, boolean clean) {
    RawClient c = RawClient.open(broker.mqttPort(), MqttVersion.V3_1_1);
    clients.add(c);
    assertThat(c.connect(clientId, clean, 60, MqttProperties.EMPTY, null).reasonCode()).isZero();
    return c;
  }

  @Test
  @DisplayName(
      "a store that stalls: the publisher is no longer read once the journal holds its bound,"
          + " the pause is counted, and after the store catches up every message is acknowledged"
          + " and delivered in order")
  void publishersPauseAtTheBound() throws InterruptedException {
    broker =
        new Broker(
            TestBroker.config().withLimits(1024 * 1024, 1024, 1024, 2 * MESSAGES, 1L << 30),
            new InMemoryRetainedStore(),
            new AnonymousAuthenticator(true),
            Authorizer.ALLOW_ALL,
            new Persistence(
                store, Durability.STRICT, Duration.ofSeconds(1), Duration.ofMinutes(5), BOUND));
    broker.start();
    RawClient sub = open("sub", false); // 3.1.1 persistent session: its copies are stored
    sub.send(new Subscribe(1, List.of(new Subscription("load/#", 1)), MqttProperties.EMPTY));
    assertThat(sub.expect(SubAck.class).reasonCodes()).containsExactly(1);
    sub.send(Disconnect.NORMAL);
    sub.awaitClose(WAIT);

    store.block();
    RawClient pub = open("pub", true);
    sender =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 1; i <= MESSAGES; i++) {
                    pub.send(
                        new Publish(
                            "load/" + (i % 10),
                            payload(i),
                            1,
                            false,
                            false,
                            i % 65535 + 1,
                            MqttProperties.EMPTY));
                  }
                });

    Journal journal = broker.journal();
    assertThat(store.awaitBlockedApply(WAIT)).as("the store stalls").isTrue();
    int committed = store.batches().size();
    await()
        .atMost(WAIT)
        .until(() -> broker.metrics().readsPausedForJournal.sum() >= 1 && journal.isFull());
    int backlog = journal.backlog();
    Thread.sleep(300);
    assertThat(journal.backlog())
        .as("nothing more is appended while the publisher is not read")
        .isEqualTo(backlog);
    assertThat(backlog)
        .as("far fewer than the messages sent wait in memory")
        .isLessThan(MESSAGES / 2);
    assertThat(store.batches())
        .as("the stalled store has committed nothing more")
        .hasSize(committed);

    store.unblock();
    int acks = 0;
    while (acks < MESSAGES) {
      Object o = pub.poll(WAIT);
      assertThat(o).as("PUBACK %d of %d", acks + 1, MESSAGES).isInstanceOf(PubAck.class);
      acks++;
    }
    sender.join(WAIT.toMillis());
    assertThat(journal.roomSignals.sum()).isGreaterThanOrEqualTo(1);

    RawClient back = open("sub", false);
    for (int i = 1; i <= MESSAGES; i++) {
      Publish p = back.expect(Publish.class);
      assertThat(ByteBuffer.wrap(p.payload()).getInt()).as("message %d in order", i).isEqualTo(i);
      back.send(new PubAck(p.packetId()));
    }
  }

  /** 1 KiB, starting with the message's number. */
  private static byte[] payload(int i) {
    return ByteBuffer.allocate(1024).putInt(i).array();
  }
}
