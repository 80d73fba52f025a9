package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import dev.switchboard.store.RepairReport.TableRepair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checking and repairing a SQLite store file. */
final class SqliteRepair {
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_CONSTRAINT = 19;
  private static final int SQLITE_MISMATCH = 20;
  private static final int SQLITE_TOOBIG = 18;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private SqliteRepair() {}

  static CheckReport check(Path file) {
    String store = "sqlite " + file;
    requireExists(file);
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    String header = SqliteDatabase.headerProblem(file);
    if (header != null) {
      return new CheckReport(store, -1, counts, List.of(header), notes);
    }
    if (SqliteDatabase.sizeOf(file) == 0) {
      return new CheckReport(store, -1, counts, problems, List.of("empty file: a new store"));
    }
    int version =
        SqliteDatabase.readOnly(
            Schema.STATE,
            file,
            c -> {
              try (Statement s = c.createStatement()) {
                problems.addAll(SqliteDatabase.check(s, "PRAGMA integrity_check(100)"));
              } catch (SQLException e) {
                rethrowIfBusy(file, e);
                problems.add(Failures.sqliteDetail(e));
              }
              int v = -1;
              try {
                v = Migrations.version(c, Dialect.SQLITE, Schema.STATE);
              } catch (SQLException e) {
                rethrowIfBusy(file, e);
                problems.add("schema_version cannot be read (" + Failures.sqliteDetail(e) + ")");
              }
              StoreTool.describeVersion(v, problems, notes);
              for (String table : tables(c, problems)) {
                try {
                  counts.put(table, StoreTool.count(c, "SELECT count(*) FROM " + table));
                } catch (SQLException e) {
                  problems.add(
                      "table " + table + " cannot be read (" + Failures.sqliteDetail(e) + ")");
                }
              }
              notes.addAll(StoreTool.orphans(c, counts.keySet()));
              return v;
            });
    return new CheckReport(store, version, counts, problems, notes);
  }

  /** The tables of a store: the broker's first, in their order, then any others by name. */
  private static List<String> tables(Connection c, List<String> problems) {
    List<String> found = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT name FROM sqlite_schema WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name")) {
      while (r.next()) {
        found.add(r.getString(1));
      }
    } catch (SQLException e) {
      problems.add("the list of tables cannot be read (" + Failures.sqliteDetail(e) + ")");
      return List.of();
    }
    List<String> ordered = new ArrayList<>();
    for (String t : Migrations.STATE_TABLES) {
      if (found.remove(t)) {
        ordered.add(t);
      }
    }
    ordered.addAll(found);
    return ordered;
  }

  private static void rethrowIfBusy(Path file, SQLException e) {
    int code = Failures.sqliteCode(e);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      throw Failures.sqlite(Schema.STATE, file, "checking", e);
    }
  }

  private static void requireExists(Path file) {
    if (!Files.exists(file)) {
      throw new StoreException(Kind.UNAVAILABLE, "store " + file + " does not exist");
    }
  }

  static RepairReport repair(Path file, Clock clock) {
    String store = "sqlite " + file;
    requireExists(file);
    if (Files.isDirectory(file)) {
      throw new StoreException(Kind.OTHER, "store " + file + " is a directory, not a database");
    }
    boolean damaged;
    int version = -1;
    if (SqliteDatabase.headerProblem(file) != null) {
      damaged = true;
    } else if (SqliteDatabase.sizeOf(file) == 0) {
      damaged = false;
    } else {
      int[] v = {-1};
      damaged =
          SqliteDatabase.readOnly(
              Schema.STATE,
              file,
              c -> {
                boolean bad;
                try (Statement s = c.createStatement()) {
                  bad = !SqliteDatabase.check(s, "PRAGMA integrity_check(1)").isEmpty();
                } catch (SQLException e) {
                  rethrowIfBusy(file, e);
                  bad = true;
                }
                try {
                  v[0] = Migrations.version(c, Dialect.SQLITE, Schema.STATE);
                } catch (SQLException e) {
                  rethrowIfBusy(file, e);
                }
                return bad;
              });
      version = v[0];
    }
    Migrations.checkKnown(Schema.STATE, file.toString(), version);
    if (!damaged) {
      try (SqlStore s = Stores.open(StoreConfig.sqlite(file))) {
        return new RepairReport(
            store, false, null, List.of(), StoreTool.deleteOrphans(s), List.of());
      }
    }

    List<String> notes = new ArrayList<>();
    Path aside = moveAside(file, clock);
    List<TableRepair> tables;
    try {
      int target = version > 0 ? version : Schema.STATE.latest();
      try (SqliteDatabase fresh = SqliteDatabase.open(file, Schema.STATE)) {
        Migrations.migrate(fresh, Schema.STATE, file.toString(), target);
        tables = fresh.write("repairing", to -> salvage(aside, to, notes));
      }
    } catch (RuntimeException e) {
      putBack(file, aside, e);
      throw e;
    }
    Map<String, Long> orphans;
    try (SqlStore s = Stores.open(StoreConfig.sqlite(file))) {
      orphans = StoreTool.deleteOrphans(s);
    }
    return new RepairReport(store, true, aside, tables, orphans, notes);
  }

  private static Path moveAside(Path file, Clock clock) {
    String stamp = LocalDateTime.now(clock).format(STAMP);
    Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + stamp);
    for (int i = 2; Files.exists(aside); i++) {
      aside = file.resolveSibling(file.getFileName() + ".damaged-" + stamp + "-" + i);
    }
    try {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path from = Path.of(file + suffix);
        if (Files.exists(from)) {
          Files.move(from, Path.of(aside + suffix), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new StoreException(
          Failures.onReadOnlyLocation(file) ? Kind.READ_ONLY : Kind.OTHER,
          "store " + file + " cannot be moved aside to " + aside + " (" + e + ")",
          e);
    }
    return aside;
  }

  /** A repair that failed half way leaves things as they were: the damaged file in its place. */
  private static void putBack(Path file, Path aside, RuntimeException failure) {
    try {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(Path.of(file + suffix));
      }
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path from = Path.of(aside + suffix);
        if (Files.exists(from)) {
          Files.move(from, Path.of(file + suffix), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Copies every readable row of every table from the damaged file into {@code to}. */
  private static List<TableRepair> salvage(Path damaged, Connection to, List<String> notes)
      throws SQLException {
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (String table : tables(to, problems)) {
      tables.put(table, columns(to, table));
    }
    List<TableRepair> out = new ArrayList<>();
    try {
      SqliteDatabase.readOnly(
          Schema.STATE,
          damaged,
          from -> {
            try (Statement s = from.createStatement()) {
              // Reads what is left of a truncated file instead of refusing the whole file, and
              // checks cells strictly so that fewer garbage rows pass as rows.
              s.execute("PRAGMA writable_schema=ON");
              s.execute("PRAGMA cell_size_check=ON");
            }
            StoreTool.count(from, "SELECT count(*) FROM sqlite_schema");
            for (var table : tables.entrySet()) {
              out.add(salvageTable(from, to, table.getKey(), table.getValue(), notes));
            }
            return null;
          });
    } catch (WriteFailed e) {
      // The new file's failure (a full disk): the repair stops and the damaged file goes back.
      throw e.failure;
    } catch (StoreException e) {
      notes.add("the damaged file could not be read at all (" + e.getMessage() + ")");
      out.clear();
      for (String table : tables.keySet()) {
        out.add(new TableRepair(table, 0, -1));
      }
    }
    return out;
  }

  private static TableRepair salvageTable(
      Connection damaged, Connection to, String table, List<String> newColumns, List<String> notes)
      throws SQLException {
    List<String> columns = new ArrayList<>(newColumns);
    try {
      List<String> old = columns(damaged, table);
      if (!old.isEmpty()) {
        columns.retainAll(old);
      }
    } catch (SQLException e) {
      // Keep the new table's columns: reading will tell whether they are there.
    }
    long expected;
    try {
      expected = StoreTool.count(damaged, "SELECT count(*) FROM " + table);
    } catch (SQLException e) {
      expected = -1;
    }
    String list = String.join(", ", columns);
    String select = "SELECT rowid, " + list + " FROM " + table + " WHERE rowid >= ? ORDER BY rowid";
    String insert =
        "INSERT INTO "
            + table
            + " ("
            + list
            + ") VALUES ("
            + String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))
            + ")";
    long saved = 0;
    long[] rejected = {0};
    try (PreparedStatement write = to.prepareStatement(insert)) {
      // The first rowid still to read. "rowid >= x" rather than "rowid > x": SQLite seeks the
      // latter through the page holding x, so it would fail on the row after a damaged page.
      long from = Long.MIN_VALUE;
      boolean done = false;
      while (!done) {
        Long current = null;
        // Prepared afresh each round: the driver gives up on a statement that hit damage.
        try (PreparedStatement read = damaged.prepareStatement(select)) {
          read.setLong(1, from);
          try (ResultSet r = read.executeQuery()) {
            while (true) {
              current = null;
              if (!r.next()) {
                done = true;
                break;
              }
              current = r.getLong(1);
              Object[] values = new Object[columns.size()];
              for (int i = 0; i < values.length; i++) {
                values[i] = r.getObject(i + 2);
              }
              if (!sound(table, columns, values)) {
                rejected[0]++;
              } else if (insert(write, values, rejected)) {
                saved++;
              }
              if (current == Long.MAX_VALUE) {
                done = true;
                break;
              }
              from = current + 1;
              current = null;
            }
          }
        } catch (SQLException e) {
          if (from == Long.MIN_VALUE && current == null && !readable(damaged, select)) {
            notes.add("table " + table + " could not be read (" + Failures.sqliteDetail(e) + ")");
            break;
          }
          // A read failure: skip the row that failed, or the pages that cannot be read.
          if (current != null && current < Long.MAX_VALUE) {
            from = current + 1;
          } else {
            Long next = current == null ? nextReadable(damaged, select, from) : null;
            if (next == null) {
              done = true;
            } else {
              from = next;
            }
          }
        }
      }
    }
    long lost = expected < 0 ? -1 : Math.max(0, expected - saved);
    if (rejected[0] > 0 && lost >= 0) {
      lost = Math.max(lost, rejected[0]);
    }
    return new TableRepair(table, saved, lost);
  }

  /**
   * Whether a row read from damaged pages makes sense beyond what the schema's constraints check: a
   * message's filter keys must decode, or loading the repaired store would fail on it.
   */
  private static boolean sound(String table, List<String> columns, Object[] values) {
    if (table.equals("messages")) {
      int i = columns.indexOf("filter_keys");
      if (i >= 0) {
        if (!(values[i] instanceof byte[] keys)) {
          return false;
        }
        try {
          FilterKeys.decode(keys);
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    return true;
  }

  /** Inserts one row; false when the new store refuses the row (garbage failing a constraint). */
  private static boolean insert(PreparedStatement write, Object[] values, long[] rejected) {
    try {
      for (int i = 0; i < values.length; i++) {
        write.setObject(i + 1, values[i]);
      }
      write.executeUpdate();
      return true;
    } catch (SQLException e) {
      int code = Failures.sqliteCode(e);
      if (code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH || code == SQLITE_TOOBIG) {
        rejected[0]++;
        return false;
      }
      throw new WriteFailed(e);
    }
  }

  /** Writing the new store failed (a full disk): that stops the repair. */
  private static final class WriteFailed extends RuntimeException {
    final SQLException failure;

    WriteFailed(SQLException failure) {
      super(failure);
      this.failure = failure;
    }
  }

  /**
   * The smallest rowid after {@code failed} from which the table reads again: doubling steps find
   * one, bisection narrows it down, so the rows lost are about those of the damaged pages. Null
   * when nothing further can be read.
   */
  private static Long nextReadable(Connection damaged, String select, long failed) {
    long bad = failed;
    long step = 1;
    long good;
    while (true) {
      long probe = saturatedAdd(bad, step);
      if (readsFrom(damaged, select, probe)) {
        good = probe;
        break;
      }
      if (probe == Long.MAX_VALUE) {
        return null;
      }
      bad = probe;
      step = step > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : step * 2;
    }
    while (good - bad > 1) {
      long mid = bad + (good - bad) / 2;
      if (readsFrom(damaged, select, mid)) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    return good;
  }

  /** Whether the first row from {@code rowid} on (or the end of the table) can be read whole. */
  private static boolean readsFrom(Connection damaged, String select, long rowid) {
    try (PreparedStatement read = damaged.prepareStatement(select)) {
      read.setLong(1, rowid);
      try (ResultSet r = read.executeQuery()) {
        if (r.next()) {
          for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
            r.getObject(i);
          }
        }
        return true;
      }
    } catch (SQLException e) {
      return false;
    }
  }

  /** Whether the table can be read at all: its statement prepares (its schema entry is sound). */
  private static boolean readable(Connection damaged, String select) {
    try (PreparedStatement read = damaged.prepareStatement(select)) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (r.next()) {
        columns.add(r.getString("name"));
      }
    }
    return columns;
  }
}
