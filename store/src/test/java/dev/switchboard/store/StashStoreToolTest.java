package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.LogEntry;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.hub.stash.StashEntry;
import dev.switchboard.hub.stash.StashLog.Range;
import dev.switchboard.store.registry.RegistryStore;
import dev.switchboard.store.testing.PostgresServer;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard store check} and {@code export}/{@code import} over the stashes' entries, on
 * SQLite ({@code stashes.db}) and PostgreSQL.
 */
class StashStoreToolTest {
  static PostgresServer postgres;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    postgres = PostgresServer.startOrSkip();
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private StoreConfig newPostgres() {
    return StoreConfig.postgresql(postgres.newDatabase(), postgres.user(), postgres.password(), 2);
  }

  private StoreConfig newSqlite(String name) {
    return StoreConfig.sqlite(dir.resolve(name).resolve("switchboard.db"));
  }

  private static Change entry(String hub, String log, int i, LogEntry.Limits limits) {
    return new Change.AppendToLog(
        new LogEntry(
            hub,
            log,
            1_000 + i,
            "device_" + (i % 3),
            i % 2 == 0 ? null : "alice",
            i % 2 == 0 ? null : "10.0.0.7:5000",
            "lab/\u00e9/" + i,
            i % 3,
            i % 2 == 0,
            i % 4 == 0 ? null : new byte[] {1, 2, (byte) i},
            ("payload " + i).getBytes(StandardCharsets.UTF_8),
            limits));
  }

  /**
   * Session rows, and three stashes: "temps" dropped its oldest at a limit, "all" of another hub,
   * "empty" cleared.
   */
  private static void fill(StoreConfig config) {
    try (SqlStore store = Stores.open(config)) {
      store.apply(List.of(Fixtures.put("c1", 1), new Change.PutSession(Fixtures.session("c1"))));
      List<Change> appends = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        appends.add(entry(Hub.DEFAULT, "temps", i, new LogEntry.Limits(20, 0, 0)));
        appends.add(entry("lab", "all", i, LogEntry.Limits.NONE));
      }
      appends.add(entry(Hub.DEFAULT, "empty", 0, LogEntry.Limits.NONE));
      store.apply(appends);
    }
    try (MessageLogStore logs = MessageLogStore.open(config)) {
      logs.clear(Hub.DEFAULT, "empty");
    }
  }

  private static void define(StoreConfig config, String hub, String... stashes) {
    try (RegistryStore registry = RegistryStore.open(config)) {
      if (!hub.equals(Hub.DEFAULT) && registry.hub(hub).isEmpty()) {
        registry.addHub(Hub.create(hub, 1));
      }
      for (String name : stashes) {
        registry.addStash(new Stash(hub, name, "#", List.of(), 0, 0, 0, true, 1, 1));
      }
    }
  }

  private static String export(StoreConfig config) {
    try (SqlStore store = Stores.open(config)) {
      StringWriter out = new StringWriter();
      StoreTool.exportTo(store, out);
      return out.toString();
    }
  }

  private static long importInto(StoreConfig config, String text, boolean replace) {
    try (SqlStore store = Stores.open(config)) {
      return StoreTool.importFrom(new StringReader(text), store, replace);
    }
  }

  private static void sql(StoreConfig config, String statement) {
    try (SqlStore store = Stores.open(config)) {
      store.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.executeUpdate(statement);
            }
            return null;
          });
    }
  }

  @Test
  void checkOfSoundStashesReportsTheirVersionAndRowsOnBothStores() {
    for (StoreConfig config : List.of(newSqlite("a"), newPostgres())) {
      fill(config);
      define(config, Hub.DEFAULT, "temps", "empty");
      define(config, "lab", "all");

      CheckReport report = StoreTool.checkStashes(config);

      assertThat(report.ok()).as(config.toString()).isTrue();
      assertThat(report.schemaVersion()).isEqualTo(Schema.STASHES.latest());
      assertThat(report.rowCounts())
          .containsExactly(Map.entry("message_logs", 3L), Map.entry("log_entries", 50L));
      assertThat(report.notes()).isEmpty();
      assertThat(report.lines().get(1)).isEqualTo("  stash schema version: 1");
    }
  }

  @Test
  void checkNotesEntriesOfStashesTheRegistryDoesNotDefine() {
    for (StoreConfig config : List.of(newSqlite("a"), newPostgres())) {
      fill(config);
      define(config, Hub.DEFAULT, "temps", "empty");

      CheckReport report = StoreTool.checkStashes(config);

      assertThat(report.ok()).isTrue();
      assertThat(report.notes())
          .containsExactly(
              "stash 'all' of hub 'lab' holds 30 entries but the registry does not define it (a"
                  + " removal cut short?); add the stash again to read them, and remove it to"
                  + " delete them");
    }
  }

  @Test
  void checkReportsCountersThatDisagreeWithTheEntriesAndEntriesWithoutALog() {
    for (StoreConfig config : List.of(newSqlite("a"), newPostgres())) {
      fill(config);
      define(config, Hub.DEFAULT, "temps", "empty");
      define(config, "lab", "all");
      sql(config, "UPDATE message_logs SET entries = 19 WHERE name = 'temps'");
      sql(config, "DELETE FROM log_entries WHERE log = 'all' AND seq = 5");
      sql(config, "UPDATE message_logs SET entries = 29, bytes = bytes - 9 WHERE name = 'all'");
      sql(
          config,
          "INSERT INTO log_entries SELECT hub, 'ghost', seq, received_at, client_id, username,"
              + " address, topic, qos, retain, properties, payload FROM log_entries"
              + " WHERE log = 'temps'");

      CheckReport report = StoreTool.checkStashes(config);

      assertThat(report.ok()).isFalse();
      assertThat(report.problems())
          .containsExactly(
              "stash 'temps' of hub 'default' counts 19 entries of 200 bytes, it holds 20 of 200",
              "stash 'all' of hub 'lab' holds entries 1 to 30 (29), not 2 to 30 without gaps",
              "20 entries of stash 'ghost' of hub 'default' have no counters row (message_logs)");
      assertThat(report.lines().get(0)).endsWith(": DAMAGED");
      assertThat(report.lines().get(report.lines().size() - 1))
          .contains("move it aside to start with empty stashes");
    }
  }

  @Test
  void checkOfADamagedStashFileSaysSoWithoutTouchingTheStateFile() throws Exception {
    StoreConfig config = newSqlite("a");
    fill(config);
    Files.writeString(config.stashesPath(), "not a database\n".repeat(500));
    byte[] stashes = Files.readAllBytes(config.stashesPath());

    CheckReport report = StoreTool.checkStashes(config);

    assertThat(report.ok()).isFalse();
    assertThat(report.store()).isEqualTo("sqlite " + config.stashesPath());
    assertThat(StoreTool.check(config).ok()).isTrue();
    assertThat(Files.readAllBytes(config.stashesPath())).isEqualTo(stashes);
  }

  @Test
  void checkOfAStoreWhoseStashFileIsNotThereYetIsSound() {
    StoreConfig config = newSqlite("a");
    fill(config);
    try {
      Files.delete(config.stashesPath());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    CheckReport report = StoreTool.checkStashes(config);

    assertThat(report.ok()).isTrue();
    assertThat(report.notes()).hasSize(1);
    assertThat(config.stashesPath()).doesNotExist();
  }

  @Test
  void stashEntriesGoFromSqliteToPostgresAndBackWithTheSameExport() {
    StoreConfig sqlite = newSqlite("a");
    fill(sqlite);
    String fromSqlite = export(sqlite);

    StoreConfig pg = newPostgres();
    assertThat(importInto(pg, fromSqlite, false)).isEqualTo(2 + 3 + 50);
    String fromPostgres = export(pg);
    StoreConfig back = newSqlite("b");
    importInto(back, fromPostgres, false);

    assertThat(fromPostgres).isEqualTo(fromSqlite);
    assertThat(export(back)).isEqualTo(fromSqlite);
    List<String> lines = fromSqlite.lines().toList();
    assertThat(lines.get(0)).isEqualTo("{\"format\":\"switchboard-store\",\"version\":2}");
    assertThat(lines)
        .contains(
            "{\"type\":\"message-log\",\"name\":\"empty\",\"nextSeq\":2,\"dropped\":0}",
            "{\"type\":\"message-log\",\"name\":\"temps\",\"nextSeq\":31,\"dropped\":10}",
            "{\"type\":\"message-log\",\"hub\":\"lab\",\"name\":\"all\",\"nextSeq\":31,"
                + "\"dropped\":0}");
    for (StoreConfig config : List.of(pg, back)) {
      try (MessageLogStore logs = MessageLogStore.open(config)) {
        assertThat(logs.counts(Hub.DEFAULT, "temps").entries()).isEqualTo(20);
        assertThat(logs.counts(Hub.DEFAULT, "temps").dropped()).isEqualTo(10);
        assertThat(logs.counts("lab", "all").bytes()).isEqualTo(10 * 9 + 20 * 10);
        List<StashEntry> page = logs.page("lab", "all", Range.ALL, 0, 2);
        assertThat(page).extracting(StashEntry::seq).containsExactly(1L, 2L);
        assertThat(page.get(0).username()).isNull();
        assertThat(page.get(0).properties()).isNull();
        assertThat(page.get(1).username()).isEqualTo("alice");
        assertThat(page.get(1).properties()).containsExactly(1, 2, 1);
        assertThat(page.get(1).topic()).isEqualTo("lab/\u00e9/1");
      }
      assertThat(StoreTool.checkStashes(config).problems()).isEmpty();
    }
  }

  @Test
  void anExportWithoutStashEntriesStaysAtVersionOne() {
    StoreConfig config = newSqlite("a");
    try (SqlStore store = Stores.open(config)) {
      store.apply(List.of(Fixtures.put("c1", 1)));
    }
    assertThat(export(config)).startsWith("{\"format\":\"switchboard-store\",\"version\":1}\n");
  }

  @Test
  void replaceDeletesTheStashEntriesTooAndAFullStoreIsRefusedWithoutIt() {
    StoreConfig source = newSqlite("a");
    try (SqlStore store = Stores.open(source)) {
      store.apply(List.of(entry(Hub.DEFAULT, "new", 1, LogEntry.Limits.NONE)));
    }
    String text = export(source);
    StoreConfig target = newPostgres();
    fill(target);

    assertThatThrownBy(() -> importInto(target, text, false))
        .isInstanceOf(StoreToolException.class)
        .hasMessageContaining("already holds 55 rows");
    importInto(target, text, true);

    try (MessageLogStore logs = MessageLogStore.open(target)) {
      assertThat(logs.counts(Hub.DEFAULT, "temps").entries()).isZero();
      assertThat(logs.page(Hub.DEFAULT, "new", Range.ALL, 0, 10)).hasSize(1);
    }
  }

  @Test
  void stashLinesOutOfOrderAreNamedAndNothingIsImported() {
    StoreConfig source = newSqlite("a");
    fill(source);
    List<String> lines = fromExport(export(source));
    int firstEntry = indexOf(lines, "\"type\":\"log-entry\"");
    List<List<String>> cases = new ArrayList<>();
    List<String> gap = new ArrayList<>(lines);
    gap.remove(firstEntry + 1);
    cases.add(List.of(text(withEnd(gap, -1)), "is not"));
    List<String> orphan = new ArrayList<>(lines);
    orphan.remove(firstEntry - 1);
    cases.add(List.of(text(withEnd(orphan, -1)), "that does not follow its log's line"));
    List<String> cut = new ArrayList<>(lines);
    int lastOfLog = indexOf(lines, "\"type\":\"message-log\",\"hub\":\"lab\"") - 1;
    cut.remove(lastOfLog);
    cases.add(List.of(text(withEnd(cut, -1)), "end at 29, its nextSeq is 31"));
    StoreConfig target = newSqlite("b");
    for (List<String> c : cases) {
      assertThatThrownBy(() -> importInto(target, c.get(0), false))
          .isInstanceOf(StoreToolException.class)
          .hasMessageContaining(c.get(1))
          .hasMessageEndingWith("nothing was imported");
    }
    try (MessageLogStore logs = MessageLogStore.open(target)) {
      assertThat(logs.counts("lab", "all").entries()).isZero();
    }
    assertThat(importInto(target, text(lines), false)).isEqualTo(55);
  }

  private static List<String> fromExport(String text) {
    return new ArrayList<>(text.lines().toList());
  }

  /** {@code lines} with its end line counting {@code delta} more rows than it did. */
  private static List<String> withEnd(List<String> lines, int delta) {
    List<String> out = new ArrayList<>(lines);
    String end = out.remove(out.size() - 1);
    long records = Long.parseLong(end.replaceAll("\\D", ""));
    out.add("{\"type\":\"end\",\"records\":" + (records + delta) + "}");
    return out;
  }

  private static String text(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  private static int indexOf(List<String> lines, String part) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    throw new AssertionError("no line with " + part);
  }
}
