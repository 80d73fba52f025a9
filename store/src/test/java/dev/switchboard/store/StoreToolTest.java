package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import dev.switchboard.broker.persist.StoredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreToolTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final int MESSAGES = 3000;
  private static final int CLIENTS = 20;

  @TempDir Path dir;
  Path file;
  StoreConfig config;

  @BeforeEach
  void setUp() {
    file = dir.resolve("switchboard.db");
    config = StoreConfig.sqlite(file);
  }

  private void storeWithData() {
    try (SqlStore s = Stores.open(config)) {
      s.apply(Fixtures.putMessages(MESSAGES, CLIENTS, 1));
      List<Change> sessions = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        sessions.add(new Change.PutSession(Fixtures.sessionWithWill("client-" + i)));
        sessions.add(new Change.PutSubscription(Fixtures.subscription("client-" + i, "sensors/#")));
      }
      sessions.add(new Change.PutRetained(Fixtures.message("r", "retained")));
      s.apply(sessions);
    }
  }

  private List<Path> filesInDir() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(Path::getFileName).sorted().toList();
    }
  }

  @Test
  void checkOfASoundStoreReportsItsVersionAndRows() throws Exception {
    storeWithData();
    byte[] before = Files.readAllBytes(file);

    CheckReport report = StoreTool.check(config);

    assertThat(report.ok()).isTrue();
    assertThat(report.problems()).isEmpty();
    assertThat(report.schemaVersion()).isEqualTo(Schema.STATE.latest());
    assertThat(report.rowCounts())
        .containsExactly(
            java.util.Map.entry("sessions", (long) CLIENTS),
            java.util.Map.entry("subscriptions", (long) CLIENTS),
            java.util.Map.entry("messages", (long) MESSAGES),
            java.util.Map.entry("awaiting_pubrel", 0L),
            java.util.Map.entry("retained", 1L));
    assertThat(report.notes()).isEmpty();
    assertThat(report.lines().get(0)).isEqualTo("sqlite " + file + ": ok");
    // Looking changes nothing, and leaves nothing behind.
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(filesInDir())
        .containsExactlyInAnyOrder(Path.of("switchboard.db"), Path.of(StoreConfig.STASHES_FILE));
  }

  @Test
  void checkNotesRowsNoSessionOwns() {
    try (SqlStore s = Stores.open(config)) {
      s.apply(
          List.of(
              Fixtures.put("gone", 1), Fixtures.put("gone", 2), new Change.AwaitPubrel("gone", 1)));
    }

    CheckReport report = StoreTool.check(config);

    assertThat(report.ok()).isTrue();
    assertThat(report.notes())
        .containsExactly(
            "2 rows of messages belong to no session (left by a crash between two commits);"
                + " 'switchboard store repair' deletes them",
            "1 rows of awaiting_pubrel belong to no session (left by a crash between two commits);"
                + " 'switchboard store repair' deletes them");
  }

  @Test
  void checkReportsDamage() throws Exception {
    storeWithData();
    List<Integer> leaves = Damage.pages(file, "messages", "leaf");
    Damage.garbagePage(file, leaves.get(leaves.size() / 2));
    byte[] damaged = Files.readAllBytes(file);

    CheckReport report = StoreTool.check(config);

    assertThat(report.ok()).isFalse();
    assertThat(report.problems()).isNotEmpty();
    assertThat(report.lines().get(0)).isEqualTo("sqlite " + file + ": DAMAGED");
    assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
  }

  @Test
  void checkReportsAFileThatIsNotADatabase() throws Exception {
    Files.writeString(file, "hello\n".repeat(2000));

    CheckReport report = StoreTool.check(config);

    assertThat(report.ok()).isFalse();
    assertThat(report.problems()).containsExactly("file is not a database");
  }

  @Test
  void checkOfAMissingFileIsAnError() {
    assertThatThrownBy(() -> StoreTool.check(config))
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE)
        .hasMessage("store " + file + " does not exist");
    assertThat(file).doesNotExist();
  }

  @Test
  void checkOfAStoreInUseIsRefused() {
    try (SqlStore s = Stores.open(config)) {
      s.apply(List.of(Fixtures.put("a", 1)));
      assertThatThrownBy(() -> StoreTool.check(config))
          .isInstanceOf(StoreException.class)
          .hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void repairSavesTheReadableRowsOfAPageCorruptedStoreAndKeepsTheDamagedFile() throws Exception {
    storeWithData();
    List<Integer> leaves = Damage.pages(file, "messages", "leaf");
    int page = leaves.get(leaves.size() / 2);
    int onPage = Damage.rowsOnPage(file, "messages", page);
    Damage.garbagePage(file, page);
    byte[] damaged = Files.readAllBytes(file);

    RepairReport report = StoreTool.repair(config, CLOCK);

    Path aside = dir.resolve("switchboard.db.damaged-20250102-030405");
    assertThat(report.damaged()).isTrue();
    assertThat(report.damagedCopy()).isEqualTo(aside);
    assertThat(Files.readAllBytes(aside)).isEqualTo(damaged);
    RepairReport.TableRepair messages =
        report.tables().stream()
            .filter(t -> t.table().equals("messages"))
            .findFirst()
            .orElseThrow();
    assertThat(onPage).isPositive();
    assertThat(messages.saved()).isEqualTo(MESSAGES - onPage);
    assertThat(messages.lost()).isEqualTo(onPage);
    assertThat(report.tables())
        .filteredOn(t -> !t.table().equals("messages"))
        .allSatisfy(t -> assertThat(t.lost()).isZero());

    assertThat(StoreTool.check(config).ok()).isTrue();
    try (SqlStore s = Stores.open(config)) {
      StoredState state = s.load();
      assertThat(state.messages()).hasSize(MESSAGES - onPage);
      assertThat(state.sessions()).hasSize(CLIENTS);
      assertThat(state.subscriptions()).hasSize(CLIENTS);
      assertThat(state.retained()).hasSize(1);
      assertThat(state.sessions().get(0).will()).isNotNull();
    }
  }

  @Test
  void repairOfATruncatedStoreSavesWhatIsLeft() throws Exception {
    storeWithData();
    Damage.truncate(file, Files.size(file) * 3 / 4);

    RepairReport report = StoreTool.repair(config, CLOCK);

    assertThat(report.damaged()).isTrue();
    long saved = report.tables().stream().mapToLong(RepairReport.TableRepair::saved).sum();
    assertThat(saved).isPositive().isLessThan(MESSAGES + 2 * CLIENTS + 1);
    try (SqlStore s = Stores.open(config)) {
      StoredState state = s.load();
      long loaded =
          state.sessions().size()
              + state.subscriptions().size()
              + state.messages().size()
              + state.retained().size();
      // What was saved and survives the orphan sweep is what the new store holds.
      long orphans = report.orphansDeleted().values().stream().mapToLong(Long::longValue).sum();
      assertThat(loaded).isEqualTo(saved - orphans);
    }
  }

  @Test
  void repairOfAFileThatIsNotADatabaseStartsAnEmptyStoreAndKeepsTheFile() throws Exception {
    Files.writeString(file, "hello\n".repeat(2000));

    RepairReport report = StoreTool.repair(config, CLOCK);

    assertThat(report.damaged()).isTrue();
    assertThat(report.notes()).singleElement().asString().contains("could not be read at all");
    assertThat(report.tables()).allSatisfy(t -> assertThat(t.lost()).isEqualTo(-1));
    assertThat(Files.readString(report.damagedCopy())).isEqualTo("hello\n".repeat(2000));
    try (SqlStore s = Stores.open(config)) {
      assertThat(s.load()).usingRecursiveComparison().isEqualTo(StoredState.EMPTY);
    }
  }

  @Test
  void repairOfASoundStoreOnlyDeletesRowsNoSessionOwns() throws Exception {
    storeWithData();
    try (SqlStore s = Stores.open(config)) {
      s.apply(
          List.of(
              Fixtures.put("gone", 1),
              new Change.PutSubscription(Fixtures.subscription("gone", "x"))));
    }

    RepairReport report = StoreTool.repair(config, CLOCK);

    assertThat(report.damaged()).isFalse();
    assertThat(report.damagedCopy()).isNull();
    assertThat(report.orphansDeleted())
        .containsEntry("messages", 1L)
        .containsEntry("subscriptions", 1L)
        .containsEntry("awaiting_pubrel", 0L);
    assertThat(filesInDir())
        .containsExactlyInAnyOrder(Path.of("switchboard.db"), Path.of(StoreConfig.STASHES_FILE));
    try (SqlStore s = Stores.open(config)) {
      assertThat(s.load().messages()).hasSize(MESSAGES);
    }
  }
}
