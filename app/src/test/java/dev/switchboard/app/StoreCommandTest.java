package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.LogEntry;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.store.SqlStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import dev.switchboard.store.testing.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code switchboard store ...} through the command line: output, one-line errors, exit codes. */
class StoreCommandTest {
  @TempDir Path dir;
  Path data;
  Path db;

  @BeforeEach
  void setUp() {
    data = dir.resolve("data");
    db = data.resolve("switchboard.db");
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run runWithInput(String input, String... args) {
    InputStream before = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return run(args);
    } finally {
      System.setIn(before);
    }
  }

  private static void fill(StoreConfig config) {
    try (SqlStore s = Stores.open(config)) {
      List<Change> changes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String client = "c" + (i % 10);
        changes.add(
            new Change.PutMessage(
                new QueuedMessage(
                    client,
                    i,
                    new StoredMessage(
                        "t/\u00e9/" + i, new byte[] {0, 1, (byte) i}, 1, false, null, "p", 0),
                    List.of("t/#"),
                    false,
                    0,
                    QueuedMessage.QUEUED)));
      }
      for (int i = 0; i < 10; i++) {
        changes.add(new Change.PutSession(new StoredSession("c" + i, 3600, -1, null)));
      }
      s.apply(changes);
    }
  }

  private static void assertOneLineError(Run r, int code, String... parts) {
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("switchboard: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    for (String p : parts) {
      assertThat(r.err()).contains(p);
    }
  }

  @Test
  void checkOfASoundStoreExitsZero() {
    fill(StoreConfig.sqlite(db));

    Run r = run("store", "check", "--data-dir", data.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("sqlite " + db + ": ok").contains("messages=200");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void checkAndExportCoverTheStashesEntries() throws Exception {
    fill(StoreConfig.sqlite(db));
    try (SqlStore s = Stores.open(StoreConfig.sqlite(db))) {
      List<Change> appends = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        appends.add(
            new Change.AppendToLog(
                new LogEntry(
                    "default",
                    "temps",
                    1000 + i,
                    "c1",
                    null,
                    null,
                    "t",
                    1,
                    false,
                    null,
                    new byte[] {(byte) i},
                    LogEntry.Limits.NONE)));
      }
      s.apply(appends);
    }
    Path stashes = data.resolve(StoreConfig.STASHES_FILE);

    Run check = run("store", "check", "--data-dir", data.toString());

    assertThat(check.code()).isZero();
    assertThat(check.out())
        .contains("sqlite " + stashes + ": ok")
        .contains("stash schema version: 1")
        .contains("rows: message_logs=1 log_entries=5")
        .contains("registry " + data.resolve("registry.db") + " is not there");
    Run exported = run("store", "export", "--data-dir", data.toString());
    assertThat(exported.out()).startsWith("{\"format\":\"switchboard-store\",\"version\":2}\n");
    assertThat(exported.out().lines().filter(l -> l.contains("\"type\":\"log-entry\""))).hasSize(5);
    Path other = dir.resolve("other");
    Run imported = runWithInput(exported.out(), "store", "import", "--data-dir", other.toString());
    assertThat(imported.out()).startsWith("imported 216 rows");
    assertThat(run("store", "export", "--data-dir", other.toString()).out())
        .isEqualTo(exported.out());

    Files.writeString(stashes, "not a database\n".repeat(500));
    Run damaged = run("store", "check", "--data-dir", data.toString());
    assertThat(damaged.code()).isEqualTo(1);
    assertThat(damaged.out()).contains("sqlite " + db + ": ok").contains(stashes + ": DAMAGED");
  }

  @Test
  void checkOfADamagedStoreExitsOne() throws Exception {
    Files.createDirectories(data);
    Files.writeString(db, "not a database\n".repeat(500));

    Run r = run("store", "check", "--data-dir", data.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith("sqlite " + db + ": DAMAGED").contains("store repair");
  }

  @Test
  void checkOfAStoreThatIsNotThereIsOneLine() {
    assertOneLineError(
        run("store", "check", "--data-dir", data.toString()), 1, "store " + db + " does not exist");
    assertThat(db).doesNotExist();
  }

  @Test
  void badUsageAndBadConfigurationExitTwo() throws Exception {
    assertOneLineError(
        run("store", "check", "--config", dir.resolve("none.conf").toString()),
        Main.EXIT_CONFIG,
        "none.conf");
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "switchboard.store.type = mongodb\n");
    assertOneLineError(
        run("store", "check", "--config", conf.toString()), Main.EXIT_CONFIG, "store.type");
    assertThat(run("store", "check", "--no-such-option").code()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(run("store").code()).isEqualTo(Main.EXIT_CONFIG);
    assertOneLineError(
        run(
            "store",
            "import",
            "--data-dir",
            data.toString(),
            "--input",
            dir.resolve("missing.jsonl").toString()),
        Main.EXIT_CONFIG,
        "missing.jsonl does not exist");
  }

  @Test
  void repairMovesADamagedFileAsideAndLeavesASoundStore() throws Exception {
    fill(StoreConfig.sqlite(db));
    try (var f = new java.io.RandomAccessFile(db.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }

    Run r = run("store", "repair", "--data-dir", data.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("sqlite " + db + ": damaged").contains("damaged file kept as");
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("switchboard.db.damaged-"));
    }
    assertThat(run("store", "check", "--data-dir", data.toString()).code()).isZero();
  }

  @Test
  void exportToStandardOutputImportsIntoAnotherDataDirectory() throws Exception {
    fill(StoreConfig.sqlite(db));
    Run exported = run("store", "export", "--data-dir", data.toString());
    assertThat(exported.code()).isZero();
    assertThat(exported.out()).startsWith("{\"format\":\"switchboard-store\",\"version\":1}\n");
    Path file = dir.resolve("export.jsonl");
    Files.writeString(file, exported.out());
    Path other = dir.resolve("other");

    Run imported =
        run("store", "import", "--data-dir", other.toString(), "--input", file.toString());

    assertThat(imported.code()).isZero();
    assertThat(imported.out())
        .isEqualTo("imported 210 rows into sqlite " + other.resolve("switchboard.db") + "\n");
    assertThat(run("store", "export", "--data-dir", other.toString()).out())
        .isEqualTo(exported.out());
  }

  @Test
  void exportToAFileImportsFromStandardInput() throws Exception {
    fill(StoreConfig.sqlite(db));
    Path file = dir.resolve("export.jsonl");

    Run exported =
        run("store", "export", "--data-dir", data.toString(), "--output", file.toString());
    assertThat(exported.code()).isZero();
    assertThat(exported.out()).contains("exported 210 rows");
    assertThat(dir.resolve("export.jsonl.partial")).doesNotExist();

    Path other = dir.resolve("other");
    Run imported =
        runWithInput(Files.readString(file), "store", "import", "--data-dir", other.toString());
    assertThat(imported.code()).isZero();
    assertThat(run("store", "export", "--data-dir", other.toString()).out())
        .isEqualTo(Files.readString(file));
  }

  @Test
  void exportOfAStoreThatIsNotThereCreatesNothing() {
    assertOneLineError(run("store", "export", "--data-dir", data.toString()), 1, "does not exist");
    assertThat(db).doesNotExist();
  }

  @Test
  void importIntoAStoreThatHoldsSomethingNeedsReplace() throws Exception {
    fill(StoreConfig.sqlite(db));
    String export = run("store", "export", "--data-dir", data.toString()).out();

    assertOneLineError(
        runWithInput(export, "store", "import", "--data-dir", data.toString()),
        1,
        "already holds 210 rows",
        "--replace");
    Run replaced =
        runWithInput(export, "store", "import", "--data-dir", data.toString(), "--replace");
    assertThat(replaced.code()).isZero();
  }

  @Test
  void aBadImportLineIsNamedAndNothingIsImported() {
    String bad = "{\"format\":\"switchboard-store\",\"version\":1}\n{\"type\":\"nope\"}\n";

    assertOneLineError(
        runWithInput(bad, "store", "import", "--data-dir", data.toString()),
        1,
        "line 2: unknown type \"nope\"; nothing was imported");
    assertThat(run("store", "export", "--data-dir", data.toString()).out().lines())
        .containsExactly(
            "{\"format\":\"switchboard-store\",\"version\":1}", "{\"type\":\"end\",\"records\":0}");
  }

  @Test
  void aStoreMovesFromSqliteToPostgresqlByExportAndImport() throws Exception {
    fill(StoreConfig.sqlite(db));
    String export = run("store", "export", "--data-dir", data.toString()).out();
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      Path conf = dir.resolve("pg.conf");
      Files.writeString(
          conf,
          "switchboard.store { type = postgresql, postgresql { url = \""
              + pg.newDatabase()
              + "\", user = \""
              + pg.user()
              + "\", password = \""
              + pg.password()
              + "\" } }\n");

      Run imported = runWithInput(export, "store", "import", "--config", conf.toString());
      assertThat(imported.code()).isZero();
      assertThat(imported.out()).startsWith("imported 210 rows into postgresql 127.0.0.1:");

      Run check = run("store", "check", "--config", conf.toString());
      assertThat(check.code()).isZero();
      assertThat(check.out()).contains("messages=200").doesNotContain(pg.password());
      assertThat(run("store", "export", "--config", conf.toString()).out()).isEqualTo(export);
    }
  }
}
