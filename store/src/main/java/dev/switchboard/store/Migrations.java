package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema's versions. Version n is the n-th script of {@link #SCRIPTS}, in {@code db/sqlite/}
 * and {@code db/postgresql/}; {@code schema_version} has one row per script applied. Scripts are
 * never edited once released: a change to the schema is a new script at the end (the device
 * registry, say, is {@code V2__registry.sql} in both folders).
 */
final class Migrations {
  static final List<String> SCRIPTS = List.of("V1__init.sql");

  /** The broker's tables, all of them keyed by client id or topic; the registry's come later. */
  static final List<String> STATE_TABLES =
      List.of("sessions", "subscriptions", "messages", "awaiting_pubrel", "retained");

  /** Tables that hold one client's rows: what deleting a session empties, where orphans live. */
  static final List<String> PER_CLIENT_TABLES =
      List.of("subscriptions", "messages", "awaiting_pubrel");

  /** Serialises brokers migrating one PostgreSQL database at the same time: "SWBD". */
  private static final long POSTGRES_LOCK_KEY = 0x5357_4244L;

  private Migrations() {}

  static int latest() {
    return SCRIPTS.size();
  }

  /**
   * Brings the schema up to {@code target} in one transaction and returns the version it has now.
   * Refuses a database whose version is newer than this code knows, and one that has tables of the
   * store's names but no {@code schema_version} (a database that is not a Switchboard store).
   */
  static int migrate(Database db, String where, int target) {
    return db.write(
        "migrating the schema",
        c -> {
          if (db.dialect() == Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
              s.execute("SELECT pg_advisory_xact_lock(" + POSTGRES_LOCK_KEY + ")");
            }
          }
          int current = version(c, db.dialect());
          if (current < 0) {
            for (String table : STATE_TABLES) {
              if (tableExists(c, db.dialect(), table)) {
                throw new StoreException(
                    Kind.INCOMPATIBLE,
                    "store "
                        + where
                        + " has a table '"
                        + table
                        + "' but no schema_version: it is not a Switchboard store");
              }
            }
            try (Statement s = c.createStatement()) {
              s.execute(
                  "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                      + " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            }
            current = 0;
          }
          checkKnown(where, current);
          for (int v = current + 1; v <= target; v++) {
            String script = SCRIPTS.get(v - 1);
            try (Statement s = c.createStatement()) {
              for (String sql : statements(db.dialect(), script)) {
                s.execute(sql);
              }
            }
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
              p.setInt(1, v);
              p.setString(2, script);
              p.setLong(3, System.currentTimeMillis());
              p.executeUpdate();
            }
          }
          return Math.max(current, target);
        });
  }

  static void checkKnown(String where, int version) {
    if (version > latest()) {
      throw new StoreException(
          Kind.INCOMPATIBLE,
          "store "
              + where
              + " has schema version "
              + version
              + ", newer than this switchboard knows ("
              + latest()
              + "); run the switchboard that wrote it, or a newer one");
    }
  }

  /** The schema's version; 0 when {@code schema_version} is empty, -1 when there is none. */
  static int version(Connection c, Dialect dialect) throws SQLException {
    if (!tableExists(c, dialect, "schema_version")) {
      return -1;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
      r.next();
      return r.getInt(1);
    }
  }

  static boolean tableExists(Connection c, Dialect dialect, String table) throws SQLException {
    String sql =
        dialect == Dialect.SQLITE
            ? "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?"
            : "SELECT count(*) FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_name = ?";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, table);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1) > 0;
      }
    }
  }

  /** The statements of a script: split at semicolons, comment lines dropped. */
  static List<String> statements(Dialect dialect, String script) {
    String resource = dialect.scriptDirectory() + "/" + script;
    String text;
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration " + resource + " is missing from the build");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder code = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) {
        code.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String sql : code.toString().split(";")) {
      if (!sql.isBlank()) {
        out.add(sql.strip());
      }
    }
    return out;
  }
}
