package dev.switchboard.store;

import static dev.switchboard.store.Fixtures.message;
import static dev.switchboard.store.Fixtures.put;
import static dev.switchboard.store.Fixtures.queued;
import static dev.switchboard.store.Fixtures.session;
import static dev.switchboard.store.Fixtures.sessionWithWill;
import static dev.switchboard.store.Fixtures.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Change.AwaitPubrel;
import dev.switchboard.broker.persist.Change.DeleteMessage;
import dev.switchboard.broker.persist.Change.DeleteRetained;
import dev.switchboard.broker.persist.Change.DeleteSession;
import dev.switchboard.broker.persist.Change.DeleteSubscription;
import dev.switchboard.broker.persist.Change.PutMessage;
import dev.switchboard.broker.persist.Change.PutRetained;
import dev.switchboard.broker.persist.Change.PutSession;
import dev.switchboard.broker.persist.Change.PutSubscription;
import dev.switchboard.broker.persist.Change.ReleasePubrel;
import dev.switchboard.broker.persist.Change.UpdateMessage;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.persist.StoredSubscription;
import dev.switchboard.broker.persist.StoredWill;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link dev.switchboard.broker.persist.DurableStore} must do, run against SQLite and
 * PostgreSQL. Each test gets an empty store of its own; {@link #reopen()} closes and opens it again
 * so that what is checked is what was committed, not what a connection remembers.
 */
abstract class DurableStoreContract {
  protected StoreConfig config;
  protected SqlStore store;

  /** Where a new, empty store goes. */
  protected abstract StoreConfig newStoreConfig() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    config = newStoreConfig();
    store = Stores.open(config);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected SqlStore reopen() {
    store.close();
    store = Stores.open(config);
    return store;
  }

  private StoredState loadAfterReopen() {
    return reopen().load();
  }

  private static void assertSameState(StoredState actual, StoredState expected) {
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  private static void assertSameMessage(StoredMessage actual, StoredMessage expected) {
    assertThat(actual.topic()).isEqualTo(expected.topic());
    assertThat(actual.payload()).isEqualTo(expected.payload());
    assertThat(actual.qos()).isEqualTo(expected.qos());
    assertThat(actual.retain()).isEqualTo(expected.retain());
    assertThat(actual.properties()).isEqualTo(expected.properties());
    assertThat(actual.publisherId()).isEqualTo(expected.publisherId());
    assertThat(actual.expiresAtMillis()).isEqualTo(expected.expiresAtMillis());
  }

  @Test
  void aNewStoreIsEmpty() {
    assertSameState(store.load(), StoredState.EMPTY);
    assertThat(store.schemaVersion()).isEqualTo(Schema.STATE.latest());
  }

  @Test
  void oneClientIdAndOneTopicInTwoHubsAreKeptApart() {
    StoredMessage willB =
        new StoredMessage("lwt", new byte[] {9}, 1, false, null, "device_1", 0, "team-b");
    StoredSession inDefault = session("device_1");
    StoredSession inA = new StoredSession("device_1", 60, -1, null, "team-a");
    StoredSession inB =
        new StoredSession("device_1", 120, -1, new StoredWill(willB, 0, -1), "team-b");
    StoredSubscription subA =
        new StoredSubscription("device_1", "cmd", 1, false, false, 0, 0, "team-a");
    StoredSubscription subB =
        new StoredSubscription("device_1", "cmd", 2, false, false, 0, 0, "team-b");
    StoredMessage m = message("t", "x");
    StoredMessage inHubA =
        new StoredMessage(
            "t",
            m.payload(),
            1,
            false,
            m.properties(),
            m.publisherId(),
            m.expiresAtMillis(),
            "team-a");
    QueuedMessage queuedA =
        new QueuedMessage(
            "device_1", 5, inHubA, List.of("t"), false, 0, QueuedMessage.QUEUED, "team-a");
    QueuedMessage queuedDefault = queued("device_1", 5);
    StoredMessage retainedA =
        new StoredMessage("status", new byte[] {1}, 0, true, null, null, 0, "team-a");
    StoredMessage retainedB =
        new StoredMessage("status", new byte[] {2}, 0, true, null, null, 0, "team-b");
    store.apply(
        List.of(
            new PutSession(inDefault),
            new PutSession(inA),
            new PutSession(inB),
            new PutSubscription(subA),
            new PutSubscription(subB),
            new PutMessage(queuedA),
            new PutMessage(queuedDefault),
            new AwaitPubrel("device_1", 3, "team-a"),
            new AwaitPubrel("device_1", 3, "team-b"),
            new PutRetained(retainedA),
            new PutRetained(retainedB)));

    StoredState loaded = loadAfterReopen();
    assertThat(loaded.sessions())
        .extracting(StoredSession::hub)
        .containsExactly("default", "team-a", "team-b");
    assertThat(loaded.sessions().get(2).will().message().hub()).isEqualTo("team-b");
    assertThat(loaded.subscriptions()).extracting(StoredSubscription::qos).containsExactly(1, 2);
    assertThat(loaded.messages())
        .extracting(QueuedMessage::hub)
        .containsExactly("default", "team-a");
    assertThat(loaded.messages().get(1).message().hub()).isEqualTo("team-a");
    assertThat(loaded.awaitingPubrel())
        .extracting(AwaitPubrel::hub)
        .containsExactly("team-a", "team-b");
    assertThat(loaded.retained())
        .extracting(StoredMessage::hub)
        .containsExactly("team-a", "team-b");

    // ending hub a's session leaves the others' rows alone; so does deleting one hub's retained
    store.apply(
        List.of(
            new Change.DeleteSession("device_1", "team-a"),
            new Change.DeleteRetained("status", "team-b"),
            new Change.DeleteMessage("device_1", 5)));
    loaded = loadAfterReopen();
    assertThat(loaded.sessions())
        .extracting(StoredSession::hub)
        .containsExactly("default", "team-b");
    assertThat(loaded.subscriptions())
        .extracting(StoredSubscription::hub)
        .containsExactly("team-b");
    assertThat(loaded.messages()).isEmpty();
    assertThat(loaded.awaitingPubrel()).extracting(AwaitPubrel::hub).containsExactly("team-b");
    assertThat(loaded.retained()).extracting(StoredMessage::hub).containsExactly("team-a");
  }

  @Test
  void deleteHubTakesEverythingOfThatHubAndNothingElse() {
    List<Change> rows = new ArrayList<>();
    for (String hub : List.of("default", "team-a", "team-b")) {
      StoredMessage m = message("t", hub);
      StoredMessage inHub =
          new StoredMessage("t", m.payload(), 1, false, m.properties(), m.publisherId(), 0, hub);
      rows.add(new PutSession(new StoredSession("device_1", 60, -1, null, hub)));
      rows.add(
          new PutSubscription(
              new StoredSubscription("device_1", "cmd", 1, false, false, 0, 0, hub)));
      rows.add(
          new PutMessage(
              new QueuedMessage(
                  "device_1", 5, inHub, List.of("t"), false, 0, QueuedMessage.QUEUED, hub)));
      rows.add(new AwaitPubrel("device_1", 3, hub));
      rows.add(
          new PutRetained(
              new StoredMessage("status", new byte[] {1}, 0, true, null, null, 0, hub)));
    }
    store.apply(rows);

    store.apply(List.of(new Change.DeleteHub("team-a")));

    StoredState loaded = loadAfterReopen();
    assertThat(loaded.sessions())
        .extracting(StoredSession::hub)
        .containsExactlyInAnyOrder("default", "team-b");
    assertThat(loaded.subscriptions())
        .extracting(StoredSubscription::hub)
        .containsExactlyInAnyOrder("default", "team-b");
    assertThat(loaded.messages())
        .extracting(QueuedMessage::hub)
        .containsExactlyInAnyOrder("default", "team-b");
    assertThat(loaded.awaitingPubrel())
        .extracting(AwaitPubrel::hub)
        .containsExactlyInAnyOrder("default", "team-b");
    assertThat(loaded.retained())
        .extracting(StoredMessage::hub)
        .containsExactlyInAnyOrder("default", "team-b");
    assertThatThrownBy(() -> new Change.DeleteHub("default"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyKindOfRowRoundTrips() {
    StoredSession plain = session("a");
    StoredSession withWill = sessionWithWill("b");
    StoredSubscription sub = subscription("a", "t/#");
    QueuedMessage queued = queued("a", 1).withState(17, QueuedMessage.AWAITING_PUBREC);
    StoredMessage retained = message("r/1", "retained");
    store.apply(
        List.of(
            new PutSession(plain),
            new PutSession(withWill),
            new PutSubscription(sub),
            new PutMessage(queued),
            new AwaitPubrel("a", 65535),
            new PutRetained(retained)));

    assertSameState(
        loadAfterReopen(),
        new StoredState(
            List.of(plain, withWill),
            List.of(sub),
            List.of(queued),
            List.of(new AwaitPubrel("a", 65535)),
            List.of(retained)));
  }

  @Test
  void putsReplaceTheRowWithTheSameKey() {
    store.apply(
        List.of(
            new PutSession(sessionWithWill("a")),
            new PutSubscription(subscription("a", "x")),
            put("a", 1),
            new PutRetained(message("r", "first"))));
    StoredSession replacedSession = session("a");
    StoredSubscription replacedSub = new StoredSubscription("a", "x", 0, false, true, 2, 0);
    QueuedMessage replacedMessage =
        new QueuedMessage(
            "a", 1, message("other", "second"), List.of("$share/g/other"), true, 5, 1);
    StoredMessage replacedRetained = new StoredMessage("r", new byte[0], 0, true, null, null, 0);
    store.apply(
        List.of(
            new PutSession(replacedSession),
            new PutSubscription(replacedSub),
            new PutMessage(replacedMessage),
            new PutRetained(replacedRetained)));

    assertSameState(
        loadAfterReopen(),
        new StoredState(
            List.of(replacedSession),
            List.of(replacedSub),
            List.of(replacedMessage),
            List.of(),
            List.of(replacedRetained)));
  }

  @Test
  void updateMessageSetsPacketIdAndPhaseOnly() {
    QueuedMessage m = queued("a", 3);
    store.apply(List.of(new PutMessage(m)));
    store.apply(List.of(new UpdateMessage("a", 3, 42, QueuedMessage.AWAITING_PUBCOMP)));

    assertSameState(
        loadAfterReopen(),
        new StoredState(
            List.of(),
            List.of(),
            List.of(m.withState(42, QueuedMessage.AWAITING_PUBCOMP)),
            List.of(),
            List.of()));
  }

  @Test
  void deletesRemoveOnlyTheirRow() {
    store.apply(
        List.of(
            new PutSubscription(subscription("a", "x")),
            new PutSubscription(subscription("a", "y")),
            put("a", 1),
            put("a", 2),
            new AwaitPubrel("a", 1),
            new AwaitPubrel("a", 2),
            new PutRetained(message("r1", "1")),
            new PutRetained(message("r2", "2"))));
    store.apply(
        List.of(
            new DeleteSubscription("a", "x"),
            new DeleteMessage("a", 1),
            new ReleasePubrel("a", 1),
            new DeleteRetained("r1")));

    StoredState s = loadAfterReopen();
    assertThat(s.subscriptions()).extracting(StoredSubscription::filterKey).containsExactly("y");
    assertThat(s.messages()).extracting(QueuedMessage::seq).containsExactly(2L);
    assertThat(s.awaitingPubrel()).containsExactly(new AwaitPubrel("a", 2));
    assertThat(s.retained()).extracting(StoredMessage::topic).containsExactly("r2");
  }

  @Test
  void deletingAndUpdatingWhatIsNotThereIsNotAnError() {
    store.apply(List.of(put("a", 1)));
    store.apply(
        List.of(
            new DeleteSession("nobody"),
            new DeleteSubscription("a", "none"),
            new UpdateMessage("a", 99, 1, QueuedMessage.AWAITING_PUBACK),
            new UpdateMessage("nobody", 1, 1, QueuedMessage.AWAITING_PUBACK),
            new DeleteMessage("a", 99),
            new ReleasePubrel("a", 5),
            new DeleteRetained("none")));

    assertSameState(
        loadAfterReopen(),
        new StoredState(List.of(), List.of(), List.of(queued("a", 1)), List.of(), List.of()));
  }

  @Test
  void awaitingTheSamePacketIdTwiceKeepsOneRow() {
    store.apply(List.of(new AwaitPubrel("a", 7)));
    store.apply(List.of(new AwaitPubrel("a", 7), new AwaitPubrel("a", 7)));

    assertThat(loadAfterReopen().awaitingPubrel()).containsExactly(new AwaitPubrel("a", 7));
  }

  @Test
  void deleteSessionTakesEverythingOfThatClientAndNothingElse() {
    store.apply(
        List.of(
            new PutSession(sessionWithWill("a")),
            new PutSession(session("b")),
            new PutSubscription(subscription("a", "x")),
            new PutSubscription(subscription("b", "x")),
            put("a", 1),
            put("b", 2),
            new AwaitPubrel("a", 1),
            new AwaitPubrel("b", 1),
            new PutRetained(message("a", "retained under the client's name"))));
    store.apply(List.of(new DeleteSession("a")));

    assertSameState(
        loadAfterReopen(),
        new StoredState(
            List.of(session("b")),
            List.of(subscription("b", "x")),
            List.of(queued("b", 2)),
            List.of(new AwaitPubrel("b", 1)),
            List.of(message("a", "retained under the client's name"))));
  }

  @Test
  void rowsOfAClientWithoutASessionRowAreKept() {
    // The journal may write a session's messages in an earlier transaction than its session row.
    store.apply(
        List.of(
            put("late", 1),
            new PutSubscription(subscription("late", "f")),
            new AwaitPubrel("late", 3)));
    store.apply(List.of(new PutSession(session("late"))));

    StoredState s = loadAfterReopen();
    assertThat(s.sessions()).hasSize(1);
    assertThat(s.subscriptions()).hasSize(1);
    assertThat(s.messages()).hasSize(1);
    assertThat(s.awaitingPubrel()).hasSize(1);
  }

  @Test
  void messagesLoadOrderedByClientThenSeq() {
    List<Change> changes = new ArrayList<>();
    long[] seqs = {5, 1, 1L << 40, 3, Integer.MAX_VALUE + 1L, 2};
    for (String client : List.of("b", "a", "c")) {
      for (long seq : seqs) {
        changes.add(put(client, seq));
      }
    }
    Collections.shuffle(changes, new Random(1));
    store.apply(changes);

    List<String> order =
        loadAfterReopen().messages().stream().map(m -> m.clientId() + ":" + m.seq()).toList();
    List<String> expected = new ArrayList<>();
    for (String client : List.of("a", "b", "c")) {
      for (long seq : new long[] {1, 2, 3, 5, Integer.MAX_VALUE + 1L, 1L << 40}) {
        expected.add(client + ":" + seq);
      }
    }
    assertThat(order).isEqualTo(expected);
  }

  @Test
  void changesInOneTransactionApplyInTheirOrder() {
    QueuedMessage second =
        new QueuedMessage("a", 1, message("second", "2"), List.of("second"), false, 0, 0);
    store.apply(
        List.of(
            put("a", 1),
            new DeleteMessage("a", 1),
            new PutMessage(second),
            new UpdateMessage("a", 1, 9, QueuedMessage.AWAITING_PUBACK),
            new AwaitPubrel("a", 4),
            new ReleasePubrel("a", 4),
            new AwaitPubrel("a", 4),
            new PutSession(session("s")),
            new DeleteSession("s"),
            new PutRetained(message("r", "gone")),
            new DeleteRetained("r"),
            new PutRetained(message("r", "back"))));

    assertSameState(
        loadAfterReopen(),
        new StoredState(
            List.of(),
            List.of(),
            List.of(second.withState(9, QueuedMessage.AWAITING_PUBACK)),
            List.of(new AwaitPubrel("a", 4)),
            List.of(message("r", "back"))));
  }

  @Test
  void aFailingTransactionLeavesNothingBehindAndTheStoreUsable() {
    store.apply(List.of(new PutSession(session("before")), put("before", 1)));
    StoredState before = store.load();
    QueuedMessage noTopic =
        new QueuedMessage(
            "x",
            3,
            new StoredMessage(null, new byte[0], 1, false, null, null, 0),
            List.of(),
            false,
            0,
            0);
    List<Change> failing = new ArrayList<>();
    failing.add(new PutSession(session("x")));
    failing.add(new DeleteSession("before"));
    failing.addAll(Fixtures.putMessages(600, 3, 100));
    failing.add(new PutMessage(noTopic));
    failing.add(new PutRetained(message("r", "r")));

    assertThatThrownBy(() -> store.apply(failing))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(config.where())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertSameState(store.load(), before);

    store.apply(List.of(put("after", 1)));
    StoredState after = loadAfterReopen();
    assertThat(after.sessions()).extracting(StoredSession::clientId).containsExactly("before");
    assertThat(after.messages())
        .extracting(QueuedMessage::clientId)
        .containsExactly("after", "before");
  }

  @Test
  void aChangeWithANullWhereAValueIsRequiredFailsAsAStoreException() {
    StoredState before = store.load();
    assertThatThrownBy(
            () ->
                store.apply(
                    List.of(
                        put("a", 1),
                        new PutMessage(new QueuedMessage("a", 2, null, List.of(), false, 0, 0)))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(config.where());
    assertSameState(loadAfterReopen(), before);
  }

  @Test
  void largeAndBinaryPayloadsAreKeptExactly() {
    byte[] large = new byte[1024 * 1024];
    new Random(7).nextBytes(large);
    byte[] everyByte = new byte[256];
    for (int i = 0; i < 256; i++) {
      everyByte[i] = (byte) i;
    }
    StoredMessage big = new StoredMessage("big", large, 1, false, everyByte, null, 0);
    StoredMessage all = new StoredMessage("all", everyByte, 2, true, new byte[0], "p", 1);
    StoredMessage empty = new StoredMessage("empty", new byte[0], 0, false, null, null, 0);
    store.apply(
        List.of(
            new PutMessage(new QueuedMessage("a", 1, big, List.of("big"), false, 0, 0)),
            new PutMessage(new QueuedMessage("a", 2, all, List.of(), false, 0, 0)),
            new PutRetained(big),
            new PutRetained(all),
            new PutRetained(empty)));

    StoredState s = loadAfterReopen();
    assertThat(s.messages().get(0).message().payload()).isEqualTo(large);
    assertThat(s.messages().get(0).message().properties()).isEqualTo(everyByte);
    assertThat(s.messages().get(1).message().payload()).isEqualTo(everyByte);
    assertThat(s.messages().get(1).message().properties()).isEmpty();
    assertThat(s.messages().get(1).filterKeys()).isEmpty();
    // Field by field: AssertJ's recursive comparison walks a 1 MB array one boxed byte at a time.
    assertThat(s.retained()).hasSize(3);
    assertSameMessage(s.retained().get(0), all);
    assertSameMessage(s.retained().get(1), big);
    assertSameMessage(s.retained().get(2), empty);
    assertThat(s.retained().get(2).properties()).isNull();
  }

  @Test
  void unicodeAndOddCharactersInTopicsAndFiltersSurvive() {
    List<String> odd =
        List.of(
            "line\nbreak",
            "#",
            "+/+/#",
            "emoji/\uD83D\uDE80/\uD83C\uDF0D",
            "$share/group/\u00e9t\u00e9/+",
            "",
            "\u0001\u007f\u00ff\uFFFD",
            "tab\there",
            "quote'\"\\");
    String topic = "caf\u00e9/\uD83D\uDE00/line\nbreak/#literal";
    QueuedMessage m =
        new QueuedMessage("cl\u00efent-\uD83D\uDE80", 1, message(topic, "x"), odd, false, 0, 0);
    List<Change> changes = new ArrayList<>();
    changes.add(new PutMessage(m));
    changes.add(new PutRetained(message(topic, "y")));
    for (String filter : odd) {
      changes.add(new PutSubscription(subscription("cl\u00efent-\uD83D\uDE80", filter)));
    }
    store.apply(changes);

    StoredState s = loadAfterReopen();
    assertThat(s.messages()).usingRecursiveFieldByFieldElementComparator().containsExactly(m);
    assertThat(s.messages().get(0).filterKeys()).isEqualTo(odd);
    assertThat(s.retained().get(0).topic()).isEqualTo(topic);
    assertThat(s.subscriptions())
        .extracting(StoredSubscription::filterKey)
        .containsExactlyInAnyOrderElementsOf(odd);
  }

  @Test
  void tenThousandChangesInOneTransaction() {
    List<Change> changes = new ArrayList<>(Fixtures.putMessages(7000, 50, 1));
    for (int i = 0; i < 1000; i++) {
      changes.add(new UpdateMessage("client-" + (i % 50), 1 + i, 1 + i % 65535, 1));
    }
    for (int i = 0; i < 1000; i++) {
      changes.add(new DeleteMessage("client-" + (i % 50), 6001 + i));
    }
    for (int i = 0; i < 1000; i++) {
      changes.add(new PutSubscription(subscription("client-" + (i % 50), "f/" + i)));
    }
    assertThat(changes).hasSize(10_000);
    store.apply(changes);

    StoredState s = loadAfterReopen();
    assertThat(s.messages()).hasSize(6000);
    assertThat(s.messages().stream().filter(m -> m.phase() == 1)).hasSize(1000);
    assertThat(s.subscriptions()).hasSize(1000);
  }

  @Test
  void anEmptyTransactionIsNothing() {
    store.apply(List.of());
    assertSameState(store.load(), StoredState.EMPTY);
  }

  @Test
  void compactKeepsWhatIsStored() {
    store.apply(Fixtures.putMessages(2000, 10, 1));
    List<Change> deletes = new ArrayList<>();
    for (int i = 0; i < 1900; i++) {
      deletes.add(new DeleteMessage("client-" + (i % 10), 1 + i));
    }
    store.apply(deletes);
    store.compact();

    assertThat(loadAfterReopen().messages()).hasSize(100);
  }

  @Test
  void describeNamesTheStore() {
    assertThat(store.describe())
        .startsWith(config.type() == StoreConfig.Type.SQLITE ? "sqlite " : "postgresql ");
  }

  // ---------------------------------------------------------------- session holders (a cluster)

  /**
   * A session of {@code clientId} held by {@code node}, with a subscription, a message and a QoS 2
   * id.
   */
  private static List<Change> heldSession(String clientId, String node, long seq) {
    return List.of(
        new PutSession(session(clientId), node),
        new PutSubscription(subscription(clientId, "t/" + clientId)),
        put(clientId, seq),
        new AwaitPubrel(clientId, (int) seq));
  }

  private static List<String> clientIds(StoredState state) {
    List<String> ids = new ArrayList<>();
    state.sessions().forEach(s -> ids.add(s.clientId()));
    return ids;
  }

  @Test
  void aNodeLoadsOnlyTheSessionsItHoldsWithTheirRowsAndEveryRetainedMessage() {
    List<Change> changes = new ArrayList<>();
    changes.addAll(heldSession("on-a", "node-a", 1));
    changes.addAll(heldSession("on-b", "node-b", 2));
    changes.addAll(heldSession("single", null, 3));
    changes.add(new PutRetained(message("status", "up")));
    store.apply(changes);
    reopen();

    StoredState a = store.load("node-a");
    assertThat(clientIds(a)).containsExactly("on-a");
    assertThat(a.subscriptions()).extracting(StoredSubscription::clientId).containsExactly("on-a");
    assertThat(a.messages()).extracting(QueuedMessage::clientId).containsExactly("on-a");
    assertThat(a.awaitingPubrel()).extracting(AwaitPubrel::clientId).containsExactly("on-a");
    assertThat(a.retained()).extracting(StoredMessage::topic).containsExactly("status");

    StoredState b = store.loadSessionsOf("node-b");
    assertThat(clientIds(b)).containsExactly("on-b");
    assertThat(b.messages()).extracting(QueuedMessage::seq).containsExactly(2L);
    assertThat(b.retained()).isEmpty();

    // a single broker loads everything, whoever holds it
    assertThat(clientIds(store.load())).containsExactly("on-a", "on-b", "single");
    assertThat(store.load("node-c"))
        .usingRecursiveComparison()
        .isEqualTo(new StoredState(List.of(), List.of(), List.of(), List.of(), a.retained()));
  }

  @Test
  void holdSessionMovesASessionAndAReplacedSessionKeepsItsHolder() {
    store.apply(heldSession("mover", "node-a", 5));
    store.apply(List.of(new Change.HoldSession("mover", Fixtures.session("x").hub(), "node-b")));
    // the old holder writes the session once more (a write that was on its way): it stays b's
    StoredSession later = new StoredSession("mover", 60, 1_700_000_009_000L, null);
    store.apply(List.of(new PutSession(later, "node-a")));
    reopen();

    assertThat(store.load("node-a").sessions()).isEmpty();
    StoredState b = store.load("node-b");
    assertThat(b.sessions()).containsExactly(later);
    assertThat(b.messages()).extracting(QueuedMessage::seq).containsExactly(5L);
    assertThat(b.subscriptions()).hasSize(1);
    // holding a session that is not stored changes nothing
    store.apply(List.of(new Change.HoldSession("nobody", later.hub(), "node-b")));
    assertThat(clientIds(store.load("node-b"))).containsExactly("mover");
  }

  @Test
  void loadSessionReadsOneSessionOfOneHub() {
    List<Change> changes = new ArrayList<>(heldSession("dev", "node-a", 1));
    changes.addAll(heldSession("other", "node-a", 2));
    changes.add(new PutSession(new StoredSession("dev", 30, 7, null, "hub-2"), "node-a"));
    changes.add(new PutRetained(message("status", "up")));
    store.apply(changes);
    reopen();

    StoredState one = store.loadSession(session("dev").hub(), "dev");
    assertThat(one.sessions()).containsExactly(session("dev"));
    assertThat(one.subscriptions()).hasSize(1);
    assertThat(one.messages()).extracting(QueuedMessage::seq).containsExactly(1L);
    assertThat(one.awaitingPubrel()).hasSize(1);
    assertThat(one.retained()).isEmpty();
    assertThat(store.loadSession("hub-2", "dev").sessions())
        .extracting(StoredSession::expirySeconds)
        .containsExactly(30L);
    assertThat(store.loadSession("hub-3", "dev").sessions()).isEmpty();
  }
}
