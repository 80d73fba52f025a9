package dev.switchboard.cluster.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.Persistence;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.cluster.wire.ForwardAck;
import dev.switchboard.cluster.wire.ForwardBatch;
import dev.switchboard.cluster.wire.ForwardedMessage;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The receiving side: numbered messages delivered once however often they come and acknowledged,
 * retained messages kept in the node's retained cache (an empty one clears it), shared groups
 * served only when the origin chose this node; acknowledgements wait for the commit of what the
 * delivery stored.
 */
class ForwardReceiverTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A subscriber that records the payloads it gets. */
  private static class Recording implements Subscriber {
    final List<String> got = new CopyOnWriteArrayList<>();

    @Override
    public String clientId() {
      return "rec";
    }

    @Override
    public String hub() {
      return "default";
    }

    @Override
    public boolean isOnline() {
      return true;
    }

    @Override
    public boolean isPersistent() {
      return false;
    }

    @Override
    public boolean offer(Message message, List<String> filterKeys, long storedSeq) {
      got.add(new String(message.payload(), StandardCharsets.UTF_8));
      return false;
    }

    @Override
    public boolean offerShared(Message message, String filterKey, long storedSeq) {
      got.add("shared:" + new String(message.payload(), StandardCharsets.UTF_8));
      return false;
    }

    @Override
    public void whenRoom(Runnable resume) {
      resume.run();
    }
  }

  private static Message message(String topic, String payload, int qos, boolean retain) {
    return new Message(
        topic,
        payload.getBytes(StandardCharsets.UTF_8),
        qos,
        retain,
        MqttProperties.EMPTY,
        "p",
        Message.NEVER);
  }

  @Test
  @DisplayName(
      "delivered once per number, acknowledged every time; retained cached and cleared; a shared"
          + " group served only when chosen")
  void receives() {
    TopicSpaces spaces =
        new TopicSpaces(
            new SubscriptionIndex<>(), new InMemoryRetainedStore(), InMemoryRetainedStore::new);
    Router router = new Router(BrokerConfig.defaults(), new BrokerMetrics(), spaces, null);
    Recording plain = new Recording();
    Recording member = new Recording();
    spaces.defaultSpace().subscriptions().subscribe(plain, "a/#");
    spaces.defaultSpace().subscriptions().subscribeShared(member, "g", "a/#");
    ForwardMetrics metrics = new ForwardMetrics();
    ActorRef<Object> receiver =
        kit.spawn(ForwardReceiver.create(router, spaces, true, metrics, null));
    TestProbe<ForwardAck> origin = kit.createTestProbe();

    ForwardBatch batch =
        new ForwardBatch(
            "a#1",
            origin.ref(),
            List.of(
                new ForwardedMessage(1, message("a/1", "one", 1, false), Set.of("$share/g/a/#")),
                new ForwardedMessage(0, message("a/2", "zero", 0, false), Set.of()),
                new ForwardedMessage(2, message("a/r", "kept", 1, true), Set.of())));
    receiver.tell(batch);
    assertThat(origin.receiveMessage().seqs()).containsExactly(1, 2);
    receiver.tell(batch); // a resend: the numbered ones are not delivered again
    assertThat(origin.receiveMessage().seqs()).containsExactly(1, 2);

    assertThat(plain.got).containsExactly("one", "zero", "kept", "zero");
    assertThat(member.got).containsExactly("shared:one");
    assertThat(metrics.duplicates.sum()).isEqualTo(2);
    assertThat(spaces.defaultSpace().retained().size()).isEqualTo(1);

    receiver.tell(
        new ForwardBatch(
            "a#1",
            origin.ref(),
            List.of(new ForwardedMessage(3, message("a/r", "", 1, true), Set.of()))));
    assertThat(origin.receiveMessage().seqs()).containsExactly(3);
    assertThat(spaces.defaultSpace().retained().size()).as("cleared").isZero();
  }

  /** A store whose commits wait until the test opens its gate; records what it applied. */
  private static final class GatedStore implements DurableStore {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<Change> applied = new CopyOnWriteArrayList<>();

    @Override
    public StoredState load() {
      return StoredState.EMPTY;
    }

    @Override
    public void apply(List<Change> changes) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      applied.addAll(changes);
    }

    @Override
    public void compact() {}

    @Override
    public String describe() {
      return "gated";
    }

    @Override
    public void close() {}
  }

  @Test
  @DisplayName(
      "a message for a persistent session is acknowledged to its origin only once this node's"
          + " store has committed the session's copy")
  void acknowledgedAfterTheCommit() {
    GatedStore store = new GatedStore();
    Journal journal = new Journal(Persistence.of(store, Durability.STRICT));
    journal.start(0);
    try {
      TopicSpaces spaces =
          new TopicSpaces(
              new SubscriptionIndex<>(), new InMemoryRetainedStore(), InMemoryRetainedStore::new);
      Router router = new Router(BrokerConfig.defaults(), new BrokerMetrics(), spaces, journal);
      Recording persistent =
          new Recording() {
            @Override
            public boolean isPersistent() {
              return true;
            }
          };
      spaces.defaultSpace().subscriptions().subscribe(persistent, "p/#");
      ActorRef<Object> receiver =
          kit.spawn(ForwardReceiver.create(router, spaces, true, new ForwardMetrics(), journal));
      TestProbe<ForwardAck> origin = kit.createTestProbe();

      receiver.tell(
          new ForwardBatch(
              "a#1",
              origin.ref(),
              List.of(new ForwardedMessage(1, message("p/1", "kept", 1, false), Set.of()))));
      await().atMost(Duration.ofSeconds(5)).until(() -> persistent.got.contains("kept"));
      origin.expectNoMessage(Duration.ofMillis(300));
      assertThat(store.applied).isEmpty();

      store.gate.countDown();
      assertThat(origin.receiveMessage().seqs()).containsExactly(1);
      assertThat(store.applied).hasAtLeastOneElementOfType(Change.PutMessage.class);
    } finally {
      store.gate.countDown();
      journal.close();
    }
  }
}
