package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.persist.StoredWill;
import dev.switchboard.store.testing.PostgresServer;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {
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

  /** Every kind of row, with the awkward values: binary, empty, null, unicode, extremes. */
  private static List<Change> everything() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    List<Change> changes = new ArrayList<>();
    changes.add(new Change.PutSession(Fixtures.session("plain")));
    changes.add(
        new Change.PutSession(
            new StoredSession(
                "\uD83D\uDE80 client",
                0xFFFFFFFFL,
                -1,
                new StoredWill(
                    new StoredMessage("will/\u00e9", all, 2, true, all, null, 0), 0, -1))));
    changes.add(new Change.PutSubscription(Fixtures.subscription("plain", "a/+/#")));
    changes.add(new Change.PutSubscription(Fixtures.subscription("plain", "$share/g/line\nbreak")));
    changes.add(
        new Change.PutMessage(
            new QueuedMessage(
                "plain",
                Long.MAX_VALUE,
                new StoredMessage("t", new byte[0], 1, false, new byte[0], "p", Long.MAX_VALUE),
                List.of("", "#", "\uD83C\uDF0D"),
                true,
                65535,
                QueuedMessage.AWAITING_PUBCOMP)));
    changes.add(Fixtures.put("plain", 1));
    changes.add(Fixtures.put("Z-upper", 1));
    changes.add(new Change.AwaitPubrel("plain", 1));
    changes.add(new Change.AwaitPubrel("plain", 65535));
    changes.add(new Change.PutRetained(new StoredMessage("r/\u00e9", all, 0, true, null, null, 0)));
    changes.add(
        new Change.PutRetained(new StoredMessage("R/upper", new byte[0], 1, true, null, null, 5)));
    changes.addAll(Fixtures.putMessages(500, 7, 100));
    return changes;
  }

  private static String export(SqlStore store) {
    StringWriter out = new StringWriter();
    StoreTool.exportTo(store, out);
    return out.toString();
  }

  @Test
  void sqliteToPostgresAndBackGivesTheSameExport() {
    String fromSqlite;
    try (SqlStore sqlite = Stores.open(StoreConfig.sqlite(dir.resolve("a.db")))) {
      sqlite.apply(everything());
      fromSqlite = export(sqlite);
    }
    String fromPostgres;
    try (SqlStore pg = Stores.open(newPostgres())) {
      long imported = StoreTool.importFrom(new StringReader(fromSqlite), pg, false);
      assertThat(imported).isEqualTo(2 + 2 + 503 + 2 + 2);
      fromPostgres = export(pg);
    }
    String again;
    try (SqlStore sqlite = Stores.open(StoreConfig.sqlite(dir.resolve("b.db")))) {
      StoreTool.importFrom(new StringReader(fromPostgres), sqlite, false);
      again = export(sqlite);
    }

    assertThat(fromPostgres).isEqualTo(fromSqlite);
    assertThat(again).isEqualTo(fromSqlite);
    List<String> lines = fromSqlite.lines().toList();
    assertThat(lines.get(0)).isEqualTo("{\"format\":\"switchboard-store\",\"version\":1}");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"type\":\"end\",\"records\":511}");
    assertThat(lines).hasSize(513);
    assertThat(fromSqlite.chars().allMatch(c -> c < 128)).as("the export is ASCII").isTrue();
  }

  @Test
  void anImportHoldsWhatWasExported() {
    StoredState original;
    String text;
    try (SqlStore a = Stores.open(StoreConfig.sqlite(dir.resolve("a.db")))) {
      a.apply(everything());
      original = a.load();
      text = export(a);
    }
    try (SqlStore b = Stores.open(StoreConfig.sqlite(dir.resolve("b.db")))) {
      StoreTool.importFrom(new StringReader(text), b, false);
      assertThat(b.load()).usingRecursiveComparison().isEqualTo(original);
    }
  }

  @Test
  void aStoreThatHoldsSomethingIsOnlyReplacedWhenAskedTo() {
    String text;
    try (SqlStore a = Stores.open(StoreConfig.sqlite(dir.resolve("a.db")))) {
      a.apply(List.of(Fixtures.put("new", 1)));
      text = export(a);
    }
    try (SqlStore b = Stores.open(newPostgres())) {
      b.apply(
          List.of(Fixtures.put("old", 1), new Change.PutRetained(Fixtures.message("old", "x"))));

      assertThatThrownBy(() -> StoreTool.importFrom(new StringReader(text), b, false))
          .isInstanceOf(StoreToolException.class)
          .hasMessageContaining("already holds 2 rows")
          .hasMessageContaining("--replace");
      assertThat(b.load().messages()).extracting(QueuedMessage::clientId).containsExactly("old");

      StoreTool.importFrom(new StringReader(text), b, true);
      StoredState s = b.load();
      assertThat(s.messages()).extracting(QueuedMessage::clientId).containsExactly("new");
      assertThat(s.retained()).isEmpty();
    }
  }

  @Test
  void aBadLineIsNamedAndNothingIsImportedNotEvenWithReplace() {
    String text;
    try (SqlStore a = Stores.open(StoreConfig.sqlite(dir.resolve("a.db")))) {
      a.apply(Fixtures.putMessages(2500, 3, 1));
      text = export(a);
    }
    List<String> lines = new ArrayList<>(text.lines().toList());
    lines.set(2400, lines.get(2400).replace("\"qos\":1", "\"qos\":3"));
    String bad = String.join("\n", lines) + "\n";
    try (SqlStore b = Stores.open(newPostgres())) {
      b.apply(List.of(Fixtures.put("old", 1)));

      assertThatThrownBy(() -> StoreTool.importFrom(new StringReader(bad), b, true))
          .isInstanceOf(StoreToolException.class)
          .hasMessage("line 2401: \"qos\" is 3, not from 0 to 2; nothing was imported");
      assertThat(b.load().messages()).extracting(QueuedMessage::clientId).containsExactly("old");
    }
  }

  @Test
  void anExportCutShortIsRefused() {
    String text;
    try (SqlStore a = Stores.open(StoreConfig.sqlite(dir.resolve("a.db")))) {
      a.apply(Fixtures.putMessages(20, 3, 1));
      text = export(a);
    }
    String cut = text.substring(0, text.lastIndexOf("{\"type\":\"end\""));
    try (SqlStore b = Stores.open(StoreConfig.sqlite(dir.resolve("b.db")))) {
      assertThatThrownBy(() -> StoreTool.importFrom(new StringReader(cut), b, false))
          .isInstanceOf(StoreToolException.class)
          .hasMessage(
              "the export ends at line 21 without its end line: it is incomplete; nothing was"
                  + " imported");
      assertThat(b.load()).usingRecursiveComparison().isEqualTo(StoredState.EMPTY);
    }
  }

  @Test
  void linesThatAreNotTheFormatAreNamed() {
    String header = "{\"format\":\"switchboard-store\",\"version\":1}\n";
    String end = "{\"type\":\"end\",\"records\":1}\n";
    String session =
        "{\"type\":\"session\",\"clientId\":\"c\",\"expirySeconds\":1,\"disconnectedAtMillis\":-1,\"will\":null}\n";
    List<List<String>> cases =
        List.of(
            List.of("hello\n", "line 1: not JSON"),
            List.of(session + end, "line 1: not a switchboard store export"),
            List.of(header.replace("1}", "3}") + end, "line 1: export format version 3 is newer"),
            List.of(
                header + session.replace(",\"will\":null", "") + end, "line 2: missing \"will\""),
            List.of(
                header + session.replace("\"will\"", "\"wil\"") + end, "line 2: missing \"will\""),
            List.of(
                header + session.replace("null}", "null,\"x\":1}") + end,
                "line 2: unknown field \"x\""),
            List.of(header + "{\"type\":\"sesion\"}\n" + end, "line 2: unknown type \"sesion\""),
            List.of(header + session + end.replace("1}", "2}"), "line 3: the end line counts 2"),
            List.of(header + session + end + session, "line 4: there is more after the end line"),
            List.of(
                header + session.replace("\"c\"", "\"a\\u0000b\"") + end,
                "line 2: \"clientId\" contains U+0000"),
            List.of(
                header
                    + "{\"type\":\"retained\",\"message\":{\"topic\":\"t\",\"payload\":\"***\","
                    + "\"qos\":0,\"retain\":true,\"properties\":null,\"publisherId\":null,"
                    + "\"expiresAtMillis\":0}}\n"
                    + end,
                "line 2: \"payload\" is not base64"),
            List.of("", "the export is empty"));
    try (SqlStore b = Stores.open(StoreConfig.sqlite(dir.resolve("b.db")))) {
      for (List<String> c : cases) {
        assertThatThrownBy(() -> StoreTool.importFrom(new StringReader(c.get(0)), b, false))
            .as(c.get(1))
            .isInstanceOf(StoreToolException.class)
            .hasMessageStartingWith(c.get(1));
      }
      assertThat(b.load()).usingRecursiveComparison().isEqualTo(StoredState.EMPTY);
    }
  }
}
