package dev.switchboard.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code switchboard store check} for the stashes' entries (the message logs, {@link
 * Schema#STASHES}): on SQLite {@code stashes.db}'s integrity check, on both the stash schema
 * version, rows per table, each log's counters against its entries, and logs of stashes the
 * registry does not define. Looks without changing anything, and reads the registry only to know
 * which stashes exist.
 */
final class StashCheck {
  private static final String ADVICE =
      "its entries cannot all be trusted: "
          + Schema.STASHES.damagedAdvice()
          + " ('sqlite3 stashes.db .recover' may save what can be read)";

  /** A stash as both the registry and the logs key it. */
  private record Key(String hub, String name) {}

  private StashCheck() {}

  static CheckReport check(StoreConfig config) {
    return switch (config.type()) {
      case SQLITE -> sqlite(config);
      case POSTGRESQL -> postgres(config);
    };
  }

  private static CheckReport sqlite(StoreConfig config) {
    Path file = config.stashesPath();
    String store = "sqlite " + file;
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    if (!Files.exists(file) || SqliteDatabase.sizeOf(file) == 0) {
      notes.add("no entries yet: the file is made when the server next starts");
      return report(store, -1, counts, problems, notes);
    }
    String header = SqliteDatabase.headerProblem(file);
    if (header != null) {
      return report(store, -1, counts, List.of(header), notes);
    }
    Set<Key> defined = sqliteDefinitions(config.registryPath(), notes);
    int version =
        SqliteDatabase.readOnly(
            Schema.STASHES,
            file,
            c -> {
              try (Statement s = c.createStatement()) {
                problems.addAll(SqliteDatabase.check(s, "PRAGMA integrity_check(100)"));
              } catch (SQLException e) {
                problems.add(Failures.sqliteDetail(e));
              }
              return inspect(c, Dialect.SQLITE, defined, counts, problems, notes);
            });
    return report(store, version, counts, problems, notes);
  }

  private static CheckReport postgres(StoreConfig config) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    try (PostgresDatabase db = PostgresDatabase.open(config, Schema.STASHES)) {
      int version =
          db.read(
              "checking the stashes",
              c -> {
                Set<Key> defined = definitions(c, Dialect.POSTGRESQL);
                return inspect(c, Dialect.POSTGRESQL, defined, counts, problems, notes);
              });
      return report("postgresql " + config.stashesWhere(), version, counts, problems, notes);
    }
  }

  private static CheckReport report(
      String store,
      int version,
      Map<String, Long> counts,
      List<String> problems,
      List<String> notes) {
    return new CheckReport(
        store, Schema.STASHES.versionName(), version, counts, problems, notes, ADVICE);
  }

  /** The version, rows, and each log's counters against its entries and the registry. */
  private static int inspect(
      Connection c,
      Dialect dialect,
      Set<Key> defined,
      Map<String, Long> counts,
      List<String> problems,
      List<String> notes) {
    int version = -1;
    try {
      version = Migrations.version(c, dialect, Schema.STASHES);
    } catch (SQLException e) {
      problems.add(Schema.STASHES.versionTable() + " cannot be read (" + detail(e) + ")");
    }
    StoreTool.describeVersion(Schema.STASHES, version, problems, notes);
    for (String table : Schema.STASHES.tables()) {
      try {
        if (Migrations.tableExists(c, dialect, table)) {
          counts.put(table, StoreTool.count(c, "SELECT count(*) FROM " + table));
        }
      } catch (SQLException e) {
        problems.add("table " + table + " cannot be read (" + detail(e) + ")");
      }
    }
    if (counts.size() < Schema.STASHES.tables().size()) {
      return version;
    }
    try {
      counters(c, problems);
      entriesWithoutLog(c, problems);
      if (defined != null) {
        undefined(c, defined, notes);
      }
    } catch (SQLException e) {
      problems.add("the entries cannot be read (" + detail(e) + ")");
    }
    return version;
  }

  /**
   * A log's row counts its entries and their payload bytes, and its entries are numbered without
   * gaps up to {@code next_seq - 1}: what downloads, limits and clears rely on.
   */
  private static void counters(Connection c, List<String> problems) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT m.hub, m.name, m.next_seq, m.entries, m.bytes, count(e.seq),"
                    + " COALESCE(sum(length(e.payload)), 0), COALESCE(min(e.seq), 0),"
                    + " COALESCE(max(e.seq), 0)"
                    + " FROM message_logs m LEFT JOIN log_entries e"
                    + " ON e.hub = m.hub AND e.log = m.name"
                    + " GROUP BY m.hub, m.name, m.next_seq, m.entries, m.bytes"
                    + " ORDER BY m.hub, m.name")) {
      while (r.next()) {
        String stash = name(r.getString(1), r.getString(2));
        long nextSeq = r.getLong(3);
        long entries = r.getLong(4);
        long bytes = r.getLong(5);
        long found = r.getLong(6);
        long foundBytes = r.getLong(7);
        long first = r.getLong(8);
        long last = r.getLong(9);
        if (entries != found || bytes != foundBytes) {
          problems.add(
              stash
                  + " counts "
                  + entries
                  + " entries of "
                  + bytes
                  + " bytes, it holds "
                  + found
                  + " of "
                  + foundBytes);
        } else if (found > 0 && (last != nextSeq - 1 || last - first + 1 != found)) {
          problems.add(
              stash
                  + " holds entries "
                  + first
                  + " to "
                  + last
                  + " ("
                  + found
                  + "), not "
                  + (nextSeq - found)
                  + " to "
                  + (nextSeq - 1)
                  + " without gaps");
        }
      }
    }
  }

  private static void entriesWithoutLog(Connection c, List<String> problems) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT e.hub, e.log, count(*) FROM log_entries e WHERE NOT EXISTS"
                    + " (SELECT 1 FROM message_logs m WHERE m.hub = e.hub AND m.name = e.log)"
                    + " GROUP BY e.hub, e.log ORDER BY e.hub, e.log")) {
      while (r.next()) {
        problems.add(
            r.getLong(3)
                + " entries of "
                + name(r.getString(1), r.getString(2))
                + " have no counters row (message_logs)");
      }
    }
  }

  /**
   * Logs of stashes the registry does not define: left when a removal was cut short between the
   * registry's commit and the entries' deletion. Not damage; nobody reads them.
   */
  private static void undefined(Connection c, Set<Key> defined, List<String> notes)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT hub, name, entries FROM message_logs ORDER BY hub, name")) {
      while (r.next()) {
        Key key = new Key(r.getString(1), r.getString(2));
        if (!defined.contains(key)) {
          notes.add(
              name(key.hub(), key.name())
                  + " holds "
                  + r.getLong(3)
                  + " entries but the registry does not define it (a removal cut short?);"
                  + " add the stash again to read them, and remove it to delete them");
        }
      }
    }
  }

  private static String detail(SQLException e) {
    return Failures.oneLine(String.valueOf(e.getMessage()));
  }

  private static String name(String hub, String stash) {
    return "stash '" + stash + "' of hub '" + hub + "'";
  }

  /**
   * The stashes {@code registry.db} defines, read without changing it; null (with a note) when it
   * cannot tell, so that no log is called undefined for want of a registry.
   */
  private static Set<Key> sqliteDefinitions(Path registry, List<String> notes) {
    if (!Files.exists(registry)) {
      notes.add("registry " + registry + " is not there: which stashes are defined is unknown");
      return null;
    }
    if (SqliteDatabase.headerProblem(registry) != null) {
      notes.add("registry " + registry + " cannot be read: which stashes are defined is unknown");
      return null;
    }
    try {
      return SqliteDatabase.readOnly(
          Schema.REGISTRY, registry, c -> definitions(c, Dialect.SQLITE));
    } catch (RuntimeException e) {
      notes.add("the stashes' definitions cannot be read (" + e.getMessage() + ")");
      return null;
    }
  }

  private static Set<Key> definitions(Connection c, Dialect dialect) throws SQLException {
    if (!Migrations.tableExists(c, dialect, "stashes")) {
      return Set.of();
    }
    Set<Key> out = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT hub, name FROM stashes")) {
      while (r.next()) {
        out.add(new Key(r.getString(1), r.getString(2)));
      }
    }
    return out;
  }
}
