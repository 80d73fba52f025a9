package dev.switchboard.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Journal: group commit, coalescing, completions, failures, relaxed mode, close")
@Execution(ExecutionMode.CONCURRENT)
class JournalTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final MemoryStore store = new MemoryStore();
  private Journal journal;

  @AfterEach
  void closeJournal() {
    store.unblock();
    if (journal != null) {
      journal.close();
    }
  }

  private Journal journal(Durability durability, Duration relaxedInterval) {
    journal =
        new Journal(new Persistence(store, durability, relaxedInterval, Duration.ofMinutes(5)));
    return journal;
  }

  /** A strict journal whose writer is not started: what is appended waits for one commit. */
  private Journal strict() {
    return journal(Durability.STRICT, Duration.ofSeconds(1));
  }

  // ---------------------------------------------------------------- coalescing

  @Test
  @DisplayName(
      "a message stored and deleted again before its commit is never written; the others are")
  void putAndDeleteCancel() {
    Journal j = strict();
    j.append(put("a", 1));
    j.append(put("a", 2));
    j.append(new Change.DeleteMessage("a", 1));
    Done done = whenCommitted(j);
    j.start(0);
    done.awaitCommitted();

    assertThat(store.batches()).as("one commit").hasSize(1);
    assertThat(store.batches().get(0)).containsExactly(put("a", 2));
    assertThat(store.messages()).extracting(QueuedMessage::seq).containsExactly(2L);
  }

  @Test
  @DisplayName(
      "updates of a message stored earlier fold into the last one, and none is written when the"
          + " message is deleted in the same commit; so the deletes go out as one run")
  void updatesOfAnEarlierMessageFold() {
    store.seed(List.of(put("a", 1), put("a", 2), put("b", 2)));
    Journal j = strict();
    j.append(new Change.UpdateMessage("a", 1, 7, QueuedMessage.AWAITING_PUBREC));
    j.append(new Change.UpdateMessage("a", 2, 8, QueuedMessage.AWAITING_PUBACK));
    j.append(new Change.UpdateMessage("a", 1, 7, QueuedMessage.AWAITING_PUBCOMP));
    j.append(new Change.DeleteMessage("a", 2));
    j.append(new Change.UpdateMessage("b", 2, 9, QueuedMessage.AWAITING_PUBACK));
    Done done = whenCommitted(j);
    j.start(2);
    done.awaitCommitted();

    assertThat(store.batches().get(0))
        .containsExactly(
            new Change.UpdateMessage("a", 1, 7, QueuedMessage.AWAITING_PUBCOMP),
            new Change.DeleteMessage("a", 2),
            new Change.UpdateMessage("b", 2, 9, QueuedMessage.AWAITING_PUBACK));
    assertThat(store.messages())
        .extracting(q -> q.clientId() + q.seq() + "/" + q.packetId() + "/" + q.phase())
        .containsExactly(
            "a1/7/" + QueuedMessage.AWAITING_PUBCOMP, "b2/9/" + QueuedMessage.AWAITING_PUBACK);
  }

  @Test
  @DisplayName(
      "a delete or update of another session's message with the same number (a session taken"
          + " over from another node brings that node's numbers) does not touch the put")
  void sameNumberOtherSessionIsNotCoalesced() {
    store.seed(List.of(put("b", 1)));
    Journal j = strict();
    j.append(put("a", 1));
    j.append(new Change.UpdateMessage("b", 1, 9, QueuedMessage.AWAITING_PUBACK));
    j.append(new Change.DeleteMessage("b", 1));
    Done done = whenCommitted(j);
    j.start(1);
    done.awaitCommitted();

    assertThat(store.messages()).extracting(QueuedMessage::clientId).containsExactly("a");
  }

  @Test
  @DisplayName(
      "an UpdateMessage of a message put in the same commit is folded into the put; one of an"
          + " earlier message stays an update")
  void updateFoldsIntoPut() {
    store.seed(List.of(put("a", 1)));
    Journal j = strict();
    j.append(put("a", 2));
    j.append(new Change.UpdateMessage("a", 2, 17, QueuedMessage.AWAITING_PUBREC));
    j.append(new Change.UpdateMessage("a", 1, 16, QueuedMessage.AWAITING_PUBACK));
    Done done = whenCommitted(j);
    j.start(2);
    done.awaitCommitted();

    assertThat(store.batches()).hasSize(1);
    assertThat(store.batches().get(0))
        .containsExactly(
            new Change.PutMessage(queued("a", 2).withState(17, QueuedMessage.AWAITING_PUBREC)),
            new Change.UpdateMessage("a", 1, 16, QueuedMessage.AWAITING_PUBACK));
    assertThat(store.messages())
        .extracting(QueuedMessage::seq, QueuedMessage::packetId, QueuedMessage::phase)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, 16, QueuedMessage.AWAITING_PUBACK),
            org.assertj.core.groups.Tuple.tuple(2L, 17, QueuedMessage.AWAITING_PUBREC));
  }

  @Test
  @DisplayName(
      "an AwaitPubrel and the ReleasePubrel of the same client and packet id in one commit cancel;"
          + " other ids and clients are written")
  void awaitAndReleaseCancel() {
    Journal j = strict();
    j.append(new Change.AwaitPubrel("a", 5));
    j.append(new Change.AwaitPubrel("a", 6));
    j.append(new Change.AwaitPubrel("b", 5));
    j.append(new Change.ReleasePubrel("a", 5));
    j.append(new Change.ReleasePubrel("c", 9)); // awaited in an earlier commit, perhaps
    Done done = whenCommitted(j);
    j.start(0);
    done.awaitCommitted();

    assertThat(store.batches()).hasSize(1);
    assertThat(store.batches().get(0))
        .containsExactly(
            new Change.AwaitPubrel("a", 6),
            new Change.AwaitPubrel("b", 5),
            new Change.ReleasePubrel("c", 9));
    assertThat(store.awaitingPubrel())
        .containsExactlyInAnyOrder(new Change.AwaitPubrel("a", 6), new Change.AwaitPubrel("b", 5));
  }

  @Test
  @DisplayName("a completion with nothing to commit runs without touching the store")
  void emptyCommitDoesNotTouchTheStore() {
    Journal j = strict();
    j.start(0);
    whenCommitted(j).awaitCommitted();
    assertThat(store.attempts()).isZero();
  }

  // ---------------------------------------------------------------- completions

  @Test
  @DisplayName(
      "a completion runs only once the commit holding every change appended before it is"
          + " applied, and not while that commit is held up")
  void completionWaitsForItsCommit() throws InterruptedException {
    Journal j = strict();
    j.start(0);
    store.block();
    j.append(retained("first"));
    assertThat(store.awaitBlockedApply(WAIT)).as("first commit under way").isTrue();
    j.append(retained("second"));
    Done done = whenCommitted(j);
    j.append(retained("third")); // after the completion: it need not wait for this one

    assertThat(done.future).as("completion while its commit is held up").isNotDone();
    store.unblock();
    done.awaitCommitted();
    assertThat(done.retainedAtCompletion)
        .as("retained topics stored when the completion ran")
        .contains("first", "second");
    await().atMost(WAIT).until(() -> store.retained().containsKey("third"));
  }

  @Test
  @DisplayName("completions run in the order they were appended, each after the changes before it")
  void completionsInOrder() {
    Journal j = strict();
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Done> done = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      j.append(retained("t" + i));
      int n = i;
      done.add(whenCommitted(j, () -> order.add("c" + n)));
    }
    j.start(0);
    done.forEach(Done::awaitCommitted);
    assertThat(order).containsExactly("c0", "c1", "c2", "c3", "c4");
    for (int i = 0; i < 5; i++) {
      assertThat(done.get(i).retainedAtCompletion).contains("t" + i);
    }
  }

  @Test
  @DisplayName(
      "a failed commit fails the completions waiting for it and writes nothing of it, and the"
          + " journal says the store is failing; the next commit works, and it is no more")
  void failureFailsCompletionsAndJournalGoesOn() {
    Journal j = strict();
    store.failNext(1, StoreException.Kind.FULL);
    j.append(retained("lost"));
    j.append(put("a", 1));
    Done failed = whenCommitted(j);
    j.start(1);

    StoreException e = failed.awaitFailed();
    assertThat(e.kind()).isEqualTo(StoreException.Kind.FULL);
    assertThat(store.retained()).isEmpty();
    assertThat(store.messages()).isEmpty();
    assertThat(j.failures.sum()).isEqualTo(1);
    assertThat(j.failing()).as("the store is failing: /health/ready says so").isTrue();

    j.append(retained("kept"));
    whenCommitted(j).awaitCommitted();
    assertThat(store.retained()).containsOnlyKeys("kept");
    assertThat(j.commits.sum()).isEqualTo(1);
    assertThat(j.failing()).isFalse();
    assertThat(j.commitNanos.sum()).isPositive();
  }

  @Test
  @DisplayName(
      "a failed commit fails the completion appended after its changes even when that completion"
          + " is taken into the next transaction; the commit after that is reported as done")
  void failureReachesCompletionOfTheNextTransaction() throws InterruptedException {
    Journal j = strict();
    j.start(0);
    store.block();
    store.failNext(1, StoreException.Kind.CORRUPT);
    j.append(retained("lost"));
    assertThat(store.awaitBlockedApply(WAIT)).as("its commit under way").isTrue();
    Done failed = whenCommitted(j); // taken with the next transaction
    store.unblock();
    assertThat(failed.awaitFailed().kind()).isEqualTo(StoreException.Kind.CORRUPT);

    j.append(retained("kept"));
    whenCommitted(j).awaitCommitted();
    assertThat(store.retained()).containsOnlyKeys("kept");
  }

  @Test
  @DisplayName(
      "a store that throws something other than a StoreException fails the completions with kind"
          + " OTHER")
  void runtimeExceptionIsWrapped() {
    DurableStore throwing =
        new DurableStore() {
          @Override
          public StoredState load() {
            return StoredState.EMPTY;
          }

          @Override
          public void apply(List<Change> changes) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void compact() {}

          @Override
          public String describe() {
            return "throwing";
          }

          @Override
          public void close() {}
        };
    journal = new Journal(Persistence.of(throwing, Durability.STRICT));
    journal.append(retained("x"));
    Done failed = whenCommitted(journal);
    journal.start(0);
    StoreException e = failed.awaitFailed();
    assertThat(e.kind()).isEqualTo(StoreException.Kind.OTHER);
    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName(
      "the changes of one appendAll are applied in one transaction, even where the writer cuts a"
          + " long backlog into several")
  void unitIsNeverSplit() {
    Journal j = strict();
    int units = 9_000; // 18,000 items of 5 changes each: more than one transaction takes
    for (int i = 0; i < units; i++) {
      j.append(retained("s/" + i));
      j.appendAll(
          List.of(
              retained("u/" + i + "/0"),
              retained("u/" + i + "/1"),
              retained("u/" + i + "/2"),
              retained("u/" + i + "/3")));
    }
    Done done = whenCommitted(j);
    j.start(0);
    done.awaitCommitted();

    List<List<Change>> batches = store.batches();
    assertThat(batches).as("the backlog took more than one transaction").hasSizeGreaterThan(1);
    Map<String, Integer> batchOf = new HashMap<>();
    for (int b = 0; b < batches.size(); b++) {
      for (Change c : batches.get(b)) {
        batchOf.put(((Change.PutRetained) c).message().topic(), b);
      }
    }
    assertThat(batchOf).hasSize(units * 5);
    for (int i = 0; i < units; i++) {
      int first = batchOf.get("u/" + i + "/0");
      for (int k = 1; k < 4; k++) {
        assertThat(batchOf.get("u/" + i + "/" + k)).as("unit %d, change %d", i, k).isEqualTo(first);
      }
    }
    assertThat(store.retained()).hasSize(units * 5);
  }

  // ---------------------------------------------------------------- relaxed mode, close

  @Test
  @DisplayName(
      "relaxed: a completion runs at once, before anything is written, and the changes are"
          + " committed within the interval without a close")
  void relaxedCompletesAtOnceAndWritesSoon() throws InterruptedException {
    Journal j = journal(Durability.RELAXED, Duration.ofMillis(100));
    assertThat(j.strict()).isFalse();
    j.start(0);
    store.block(); // nothing can be written until the test says so
    j.append(retained("r"));
    Done done = whenCommitted(j);
    assertThat(done.future).as("completed at once").isDone();
    assertThat(done.retainedAtCompletion).as("nothing written yet").isEmpty();
    assertThat(store.awaitBlockedApply(WAIT)).as("the writer commits on its own").isTrue();
    store.unblock();
    await().atMost(WAIT).until(() -> store.retained().containsKey("r"));
    assertThat(store.batches()).containsExactly(List.of(retained("r")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Durability.class,
      names = {"STRICT", "RELAXED"})
  @DisplayName(
      "close() commits everything appended before it (relaxed: without waiting out its"
          + " interval), and leaves the store open")
  void closeCommitsWhatWasAppended(Durability durability) {
    Journal j = journal(durability, Duration.ofMinutes(10));
    j.start(0);
    for (int i = 0; i < 100; i++) {
      j.append(retained("c/" + i));
    }
    j.append(put("a", 1));
    j.close();
    assertThat(store.retained()).hasSize(100);
    assertThat(store.messages()).extracting(QueuedMessage::seq).containsExactly(1L);
    assertThat(store.isClosed()).isFalse();
  }

  @Test
  @DisplayName("message numbers continue from the highest one stored")
  void seqContinuesFromStart() {
    Journal j = strict();
    j.start(41);
    assertThat(j.nextSeq()).isEqualTo(42);
    assertThat(j.nextSeq()).isEqualTo(43);
  }

  // ---------------------------------------------------------------- helpers

  private final class Done implements Journal.Completion {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final Runnable onCommit;
    volatile java.util.Set<String> retainedAtCompletion;

    Done(Runnable onCommit) {
      this.onCommit = onCommit;
    }

    @Override
    public void committed() {
      retainedAtCompletion = store.retained().keySet();
      onCommit.run();
      future.complete(null);
    }

    @Override
    public void failed(StoreException e) {
      retainedAtCompletion = store.retained().keySet();
      future.completeExceptionally(e);
    }

    void awaitCommitted() {
      try {
        future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError("not committed", e);
      }
    }

    StoreException awaitFailed() {
      try {
        future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(StoreException.class);
        return (StoreException) e.getCause();
      } catch (Exception e) {
        throw new AssertionError("no outcome", e);
      }
      throw new AssertionError("committed, but a failure was expected");
    }
  }

  private Done whenCommitted(Journal j) {
    return whenCommitted(j, () -> {});
  }

  private Done whenCommitted(Journal j, Runnable onCommit) {
    Done d = new Done(onCommit);
    j.whenCommitted(d);
    return d;
  }

  private static StoredMessage message(String topic) {
    return new StoredMessage(
        topic, topic.getBytes(StandardCharsets.UTF_8), 1, false, null, "pub", 0);
  }

  /** One instance per topic, so that changes compare equal (StoredMessage holds a byte array). */
  private final Map<String, StoredMessage> messages = new HashMap<>();

  private StoredMessage cached(String topic) {
    return messages.computeIfAbsent(topic, JournalTest::message);
  }

  private QueuedMessage queued(String clientId, long seq) {
    return new QueuedMessage(
        clientId, seq, cached("m/" + seq), List.of("m/#"), false, 0, QueuedMessage.QUEUED);
  }

  private Change.PutMessage put(String clientId, long seq) {
    return new Change.PutMessage(queued(clientId, seq));
  }

  private Change.PutRetained retained(String topic) {
    return new Change.PutRetained(cached(topic));
  }
}
