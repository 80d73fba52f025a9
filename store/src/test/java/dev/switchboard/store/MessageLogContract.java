package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.LogEntry;
import dev.switchboard.hub.stash.StashEntry;
import dev.switchboard.hub.stash.StashLog;
import dev.switchboard.hub.stash.StashLog.Range;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Message logs (the hub's stashes' entries), run against SQLite and PostgreSQL: appended by the
 * broker's writer ({@link SqlStore#apply}), read, limited, cleared and removed through {@link
 * MessageLogStore}, a connection of its own as {@code switchboard stashes} would have while the
 * broker runs.
 */
abstract class MessageLogContract {
  protected StoreConfig config;
  protected SqlStore store;
  protected MessageLogStore logs;

  protected abstract StoreConfig newStoreConfig() throws Exception;

  @BeforeEach
  void open() throws Exception {
    config = newStoreConfig();
    store = Stores.open(config);
    logs = MessageLogStore.open(config);
  }

  @AfterEach
  void close() {
    if (logs != null) {
      logs.close();
    }
    if (store != null) {
      store.close();
    }
  }

  static Change append(String log, String payload, long at, LogEntry.Limits limits) {
    return new Change.AppendToLog(
        new LogEntry(
            "default",
            log,
            at,
            "device_1",
            "alice",
            "10.0.0.7:5000",
            "lab/temp",
            1,
            false,
            new byte[] {1, 2},
            payload.getBytes(StandardCharsets.UTF_8),
            limits));
  }

  static String text(StashEntry e) {
    return new String(e.payload(), StandardCharsets.UTF_8);
  }

  @Test
  void appendedEntriesAreReadWithEverythingPublishedAndNumberedInOrder() {
    store.apply(List.of(append("s", "a", 1000, LogEntry.Limits.NONE)));
    store.apply(
        List.of(append("s", "b", 2000, LogEntry.Limits.NONE), append("t", "x", 2000, null)));

    List<StashEntry> page = logs.page("default", "s", Range.ALL, 0, 10);
    assertThat(page).extracting(MessageLogContract::text).containsExactly("a", "b");
    assertThat(page).extracting(StashEntry::seq).containsExactly(1L, 2L);
    StashEntry first = page.get(0);
    assertThat(first.receivedAt()).isEqualTo(1000);
    assertThat(first.clientId()).isEqualTo("device_1");
    assertThat(first.username()).isEqualTo("alice");
    assertThat(first.address()).isEqualTo("10.0.0.7:5000");
    assertThat(first.topic()).isEqualTo("lab/temp");
    assertThat(first.qos()).isEqualTo(1);
    assertThat(first.retain()).isFalse();
    assertThat(first.properties()).containsExactly(1, 2);
    assertThat(logs.counts("default", "s")).isEqualTo(new StashLog.Counts(2, 2, 0));
    assertThat(logs.counts("default", "t").entries()).isEqualTo(1);
    assertThat(logs.counts("default", "none")).isEqualTo(StashLog.Counts.EMPTY);
    assertThat(logs.page("default", "s", new Range(1500, 3000), 0, 10))
        .extracting(MessageLogContract::text)
        .containsExactly("b");
    assertThat(logs.page("default", "s", Range.ALL, 1, 10))
        .extracting(MessageLogContract::text)
        .as("after the cursor")
        .containsExactly("b");
    assertThat(logs.bySeq("default", "s", List.of(2L, 7L)))
        .extracting(StashEntry::seq)
        .containsExactly(2L);
  }

  @Test
  void limitsDropTheOldestFirstAndCountThem() {
    LogEntry.Limits three = new LogEntry.Limits(3, 0, 0);
    List<Change> batch = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      batch.add(append("n", "m" + i, i, three));
    }
    store.apply(batch);
    store.apply(List.of(append("n", "m6", 6, three)));
    assertThat(logs.page("default", "n", Range.ALL, 0, 10))
        .extracting(MessageLogContract::text)
        .containsExactly("m4", "m5", "m6");
    assertThat(logs.counts("default", "n")).isEqualTo(new StashLog.Counts(3, 6, 3));

    LogEntry.Limits fourBytes = new LogEntry.Limits(0, 4, 0);
    store.apply(List.of(append("b", "aa", 1, fourBytes), append("b", "bb", 2, fourBytes)));
    store.apply(List.of(append("b", "ccc", 3, fourBytes)));
    assertThat(logs.page("default", "b", Range.ALL, 0, 10))
        .extracting(MessageLogContract::text)
        .containsExactly("ccc");
    assertThat(logs.counts("default", "b")).isEqualTo(new StashLog.Counts(1, 3, 2));

    long now = System.currentTimeMillis();
    LogEntry.Limits minute = new LogEntry.Limits(0, 0, 60_000);
    store.apply(List.of(append("age", "old", now - 120_000, minute)));
    store.apply(List.of(append("age", "new", now, minute)));
    assertThat(logs.page("default", "age", Range.ALL, 0, 10))
        .extracting(MessageLogContract::text)
        .containsExactly("new");
    assertThat(logs.counts("default", "age").dropped()).isEqualTo(1);
  }

  @Test
  void clearEmptiesAStashInChunksWhileTheBrokerStillAppends() {
    List<Change> batch = new ArrayList<>();
    int n = MessageLogStore.CLEAR_CHUNK * 2 + 5;
    for (int i = 0; i < n; i++) {
      batch.add(append("c", "p" + i, i, LogEntry.Limits.NONE));
    }
    store.apply(batch);
    assertThat(logs.clear("default", "c")).isEqualTo(n);
    assertThat(logs.counts("default", "c").entries()).isZero();
    store.apply(List.of(append("c", "after", 1, LogEntry.Limits.NONE)));
    assertThat(logs.page("default", "c", Range.ALL, 0, 10))
        .extracting(StashEntry::seq, MessageLogContract::text)
        .containsExactly(org.assertj.core.groups.Tuple.tuple((long) n + 1, "after"));

    logs.remove("default", "c");
    assertThat(logs.page("default", "c", Range.ALL, 0, 10)).isEmpty();
    assertThat(logs.counts("default", "c")).isEqualTo(StashLog.Counts.EMPTY);
  }

  @Test
  void aRemovedHubsLogsGoWithIt() {
    Change inTeam3 =
        new Change.AppendToLog(
            new LogEntry(
                "team3", "s", 1, "d", null, null, "t", 0, false, null, new byte[] {1}, null));
    store.apply(List.of(inTeam3, append("s", "kept", 1, null)));
    store.apply(List.of(new Change.DeleteHub("team3")));
    assertThat(logs.counts("team3", "s")).isEqualTo(StashLog.Counts.EMPTY);
    assertThat(logs.page("team3", "s", Range.ALL, 0, 10)).isEmpty();
    assertThat(logs.counts("default", "s").entries()).isEqualTo(1);
  }

  @Test
  void expiringDropsTheEntriesReceivedBeforeATimeAndCountsThem() {
    store.apply(
        List.of(
            append("e", "old1", 1000, null),
            append("e", "old2", 2000, null),
            append("e", "new", 5000, null)));
    assertThat(logs.expire("default", "e", 3000)).isEqualTo(2);
    assertThat(logs.page("default", "e", Range.ALL, 0, 10))
        .extracting(MessageLogContract::text)
        .containsExactly("new");
    assertThat(logs.counts("default", "e")).isEqualTo(new StashLog.Counts(1, 3, 2));
    assertThat(logs.expire("default", "e", 3000)).isZero();
    assertThat(logs.expire("default", "none", 3000)).isZero();
  }

  @Test
  void aMillionEntriesAreStreamedNotCollected() throws Exception {
    int total = 1_000_000;
    int batchSize = 50_000;
    byte[] payload = "12345678".getBytes(StandardCharsets.UTF_8);
    for (int done = 0; done < total; done += batchSize) {
      List<Change> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        batch.add(
            new Change.AppendToLog(
                new LogEntry(
                    "default",
                    "big",
                    done + i,
                    "d",
                    null,
                    null,
                    "t",
                    0,
                    false,
                    null,
                    payload,
                    LogEntry.Limits.NONE)));
      }
      store.apply(batch);
    }
    AtomicLong seen = new AtomicLong();
    AtomicLong lastSeq = new AtomicLong();
    long count =
        logs.stream(
            "default",
            "big",
            Range.ALL,
            e -> {
              // in order, each handed on and forgotten
              assertThat(e.seq()).isEqualTo(lastSeq.get() + 1);
              lastSeq.set(e.seq());
              seen.incrementAndGet();
            });
    assertThat(count).isEqualTo(total);
    assertThat(seen.get()).isEqualTo(total);
    assertThat(logs.counts("default", "big").entries()).isEqualTo(total);
  }
}
