package dev.switchboard.store;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Change.AwaitPubrel;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.persist.StoredSubscription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maintenance of a store, for {@code switchboard store check|repair|export|import}. Every operation
 * wants the store to itself: a SQLite file in use by a running broker is refused.
 */
public final class StoreTool {
  /** Rows parsed before they are written, so an import of any size needs bounded memory. */
  private static final int IMPORT_CHUNK = 1000;

  private StoreTool() {}

  /**
   * Looks at a store without changing it: SQLite's full integrity check (SQLite only), the schema
   * version, rows per table, rows no session owns.
   *
   * @throws StoreException when the store cannot be looked at at all: it does not exist, it is in
   *     use, PostgreSQL cannot be reached. Damage is reported, not thrown.
   */
  public static CheckReport check(StoreConfig config) {
    return switch (config.type()) {
      case SQLITE -> SqliteRepair.check(config.sqlitePath());
      case POSTGRESQL -> checkPostgres(config);
    };
  }

  private static CheckReport checkPostgres(StoreConfig config) {
    try (PostgresDatabase db = PostgresDatabase.open(config, Schema.STATE)) {
      List<String> problems = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      Map<String, Long> counts = new LinkedHashMap<>();
      int version =
          db.read(
              "checking",
              c -> {
                int v = Migrations.version(c, Dialect.POSTGRESQL, Schema.STATE);
                describeVersion(v, problems, notes);
                for (String table : Migrations.STATE_TABLES) {
                  if (Migrations.tableExists(c, Dialect.POSTGRESQL, table)) {
                    counts.put(table, count(c, "SELECT count(*) FROM " + table));
                  }
                }
                notes.addAll(orphans(c, counts.keySet()));
                return v;
              });
      return new CheckReport(db.describe(), version, counts, problems, notes);
    }
  }

  /**
   * Repairs a store. SQLite, when the file fails its integrity check (or is not a database at all):
   * moves it aside as {@code NAME.damaged-yyyyMMdd-HHmmss} (with its -wal and -shm), builds a new
   * file and copies into it every row that can still be read, table by table, skipping unreadable
   * pages. Both: deletes rows no session owns. A sound store is left as it is apart from those
   * rows.
   */
  public static RepairReport repair(StoreConfig config) {
    return repair(config, Clock.systemDefaultZone());
  }

  static RepairReport repair(StoreConfig config, Clock clock) {
    return switch (config.type()) {
      case SQLITE -> SqliteRepair.repair(config.sqlitePath(), clock);
      case POSTGRESQL -> {
        try (SqlStore store = Stores.open(config)) {
          yield new RepairReport(
              store.describe(), false, null, List.of(), deleteOrphans(store), List.of());
        }
      }
    };
  }

  /**
   * Looks at the stashes' entries without changing anything: on SQLite {@code stashes.db}'s
   * integrity check, the stash schema version, rows per table, each stash's counters against its
   * entries, and entries of stashes the registry does not define (a note).
   *
   * @throws StoreException when they cannot be looked at at all (in use, PostgreSQL unreachable)
   */
  public static CheckReport checkStashes(StoreConfig config) {
    return StashCheck.check(config);
  }

  /**
   * Writes everything {@code store} holds to {@code out} in the export format (see {@link
   * ExportFormat}): a header line, one JSON object per row, the stashes' entries, an end line with
   * the count. The stashes' entries are written as they are read, never collected.
   *
   * @return the number of rows written
   */
  public static long exportTo(SqlStore store, Writer out) {
    ExportFormat format = new ExportFormat();
    StoredState state = store.load();
    long[] records = {0};
    try {
      long logs = store.read("exporting", MessageLogRows::countLogs);
      line(
          out,
          format.header(
              logs > 0 ? ExportFormat.WITH_MESSAGE_LOGS : ExportFormat.WITHOUT_MESSAGE_LOGS));
      for (StoredSession s : state.sessions()) {
        line(out, format.session(s));
        records[0]++;
      }
      for (StoredSubscription s : state.subscriptions()) {
        line(out, format.subscription(s));
        records[0]++;
      }
      for (QueuedMessage m : state.messages()) {
        line(out, format.queued(m));
        records[0]++;
      }
      for (AwaitPubrel a : state.awaitingPubrel()) {
        line(out, format.awaitingPubrel(a));
        records[0]++;
      }
      for (StoredMessage m : state.retained()) {
        line(out, format.retained(m));
        records[0]++;
      }
      if (logs > 0) {
        records[0] +=
            store.read(
                "exporting the stashes",
                c -> {
                  try {
                    return MessageLogRows.export(c, format, json -> line(out, json));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
      line(out, format.end(records[0]));
      out.flush();
    } catch (IOException | UncheckedIOException e) {
      IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      throw new StoreToolException("writing the export failed: " + cause.getMessage(), cause);
    }
    return records[0];
  }

  private static void line(Writer out, String json) throws IOException {
    out.write(json);
    out.write('\n');
  }

  /**
   * Reads an export into {@code target}, all in one transaction: a bad line anywhere (reported with
   * its number), an export cut short, or a failure of the store leaves the target exactly as it
   * was. Rows are parsed and written a chunk at a time, so memory stays bounded; the database's log
   * grows by the size of the import until it commits.
   *
   * @param replace delete what the target holds first (in the same transaction); without it a
   *     target that holds anything is refused
   * @return the number of rows imported
   * @throws StoreToolException for a bad input or a target that is not empty
   */
  public static long importFrom(Reader in, SqlStore target, boolean replace) {
    ExportFormat format = new ExportFormat();
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    return target.inTransaction(
        c -> {
          long existing = MessageLogRows.countRows(c);
          for (String table : Migrations.STATE_TABLES) {
            existing += count(c, "SELECT count(*) FROM " + table);
          }
          if (existing > 0 && !replace) {
            throw new StoreToolException(
                "store "
                    + target.describe()
                    + " already holds "
                    + existing
                    + " rows; import into an empty store, or replace them with --replace");
          }
          if (replace) {
            try (Statement s = c.createStatement()) {
              for (String table : Migrations.STATE_TABLES) {
                s.executeUpdate("DELETE FROM " + table);
              }
            }
            MessageLogRows.deleteAll(c);
          }
          try (ChangeWriter writer = new ChangeWriter(c);
              MessageLogRows.Import logs = new MessageLogRows.Import(c)) {
            return readInto(lines, format, writer, logs);
          }
        });
  }

  private static long readInto(
      BufferedReader lines, ExportFormat format, ChangeWriter writer, MessageLogRows.Import logs)
      throws SQLException {
    List<Change> chunk = new ArrayList<>(IMPORT_CHUNK);
    long number = 0;
    long records = 0;
    Long end = null;
    String text;
    try {
      while ((text = lines.readLine()) != null) {
        number++;
        if (end != null) {
          if (text.isBlank()) {
            continue;
          }
          throw invalid(number, "there is more after the end line");
        }
        ExportFormat.Line line;
        try {
          line = format.parse(text);
        } catch (ExportFormat.Invalid e) {
          throw invalid(number, e.getMessage());
        }
        if (line instanceof ExportFormat.End && !chunk.isEmpty()) {
          writer.write(chunk);
          chunk.clear();
        }
        if (number == 1) {
          if (!(line instanceof ExportFormat.Header h)) {
            throw invalid(
                number, "not a switchboard store export (it starts without the format line)");
          }
          if (h.version() > ExportFormat.VERSION) {
            throw invalid(
                number,
                "export format version "
                    + h.version()
                    + " is newer than this switchboard reads ("
                    + ExportFormat.VERSION
                    + ")");
          }
          continue;
        }
        switch (line) {
          case ExportFormat.Header h -> throw invalid(number, "a second format line");
          case ExportFormat.End e -> {
            if (e.records() != records) {
              throw invalid(
                  number,
                  "the end line counts " + e.records() + " rows, the export has " + records);
            }
            try {
              logs.finish();
            } catch (ExportFormat.Invalid bad) {
              throw invalid(number, bad.getMessage());
            }
            end = e.records();
          }
          case ExportFormat.Log log -> {
            try {
              logs.log(log);
            } catch (ExportFormat.Invalid bad) {
              throw invalid(number, bad.getMessage());
            }
            records++;
          }
          case ExportFormat.Entry entry -> {
            try {
              logs.entry(entry);
            } catch (ExportFormat.Invalid bad) {
              throw invalid(number, bad.getMessage());
            }
            records++;
          }
          case ExportFormat.Row r -> {
            chunk.add(r.change());
            records++;
            if (chunk.size() == IMPORT_CHUNK) {
              writer.write(chunk);
              chunk.clear();
            }
          }
        }
      }
    } catch (IOException e) {
      throw new StoreToolException(
          "reading the export failed after line " + number + ": " + e.getMessage(), e);
    }
    if (number == 0) {
      throw new StoreToolException("the export is empty; nothing was imported");
    }
    if (end == null) {
      throw new StoreToolException(
          "the export ends at line "
              + number
              + " without its end line: it is incomplete; nothing was imported");
    }
    writer.write(chunk);
    return records;
  }

  private static StoreToolException invalid(long line, String problem) {
    return new StoreToolException("line " + line + ": " + problem + "; nothing was imported");
  }

  static void describeVersion(int version, List<String> problems, List<String> notes) {
    describeVersion(Schema.STATE, version, problems, notes);
  }

  /** A problem for a version newer than this code, a note for an older one or none. */
  static void describeVersion(
      Schema schema, int version, List<String> problems, List<String> notes) {
    if (version > schema.latest()) {
      problems.add(
          schema.versionName()
              + " "
              + version
              + " is newer than this switchboard knows ("
              + schema.latest()
              + "); check it with the switchboard that wrote it");
    } else if (version >= 0 && version < schema.latest()) {
      notes.add(
          schema.versionName()
              + " "
              + version
              + " is migrated to "
              + schema.latest()
              + " when the store is next opened");
    } else if (version < 0) {
      notes.add(
          "no "
              + schema.versionTable()
              + " table: not a Switchboard "
              + schema.noun()
              + ", or not one yet");
    }
  }

  /** Notes on rows that no session owns, for the tables among {@code tables}. */
  static List<String> orphans(Connection c, Collection<String> tables) {
    List<String> notes = new ArrayList<>();
    if (!tables.contains("sessions")) {
      return notes;
    }
    for (String table : Migrations.PER_CLIENT_TABLES) {
      if (!tables.contains(table)) {
        continue;
      }
      try {
        long n = count(c, orphanQuery("SELECT count(*)", table));
        if (n > 0) {
          notes.add(
              n
                  + " rows of "
                  + table
                  + " belong to no session (left by a crash between two commits);"
                  + " 'switchboard store repair' deletes them");
        }
      } catch (SQLException e) {
        // An unreadable table is reported as a problem already.
      }
    }
    return notes;
  }

  private static String orphanQuery(String verb, String table) {
    return verb
        + " FROM "
        + table
        + " WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = "
        + table
        + ".client_id AND s.hub = "
        + table
        + ".hub)";
  }

  /** Deletes rows no session owns, in one transaction; the count per table. */
  static Map<String, Long> deleteOrphans(SqlStore store) {
    return store.inTransaction(
        c -> {
          Map<String, Long> deleted = new LinkedHashMap<>();
          try (Statement s = c.createStatement()) {
            for (String table : Migrations.PER_CLIENT_TABLES) {
              deleted.put(table, (long) s.executeUpdate(orphanQuery("DELETE", table)));
            }
          }
          return deleted;
        });
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
