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
 * Brings a {@link Schema} up to date. Each schema has its own track: version n is the n-th of its
 * {@link Schema#scripts()}, in {@code db/sqlite/} and {@code db/postgresql/} (the registry's in
 * their {@code registry/} folders), and its version table has one row per script applied.
 */
final class Migrations {
  /** The broker's tables, all of them keyed by client id or topic. */
  static final List<String> STATE_TABLES =
      List.of("sessions", "subscriptions", "messages", "awaiting_pubrel", "retained");

  /** Tables that hold one client's rows: what deleting a session empties, where orphans live. */
  static final List<String> PER_CLIENT_TABLES =
      List.of("subscriptions", "messages", "awaiting_pubrel");

  private Migrations() {}

  /**
   * Brings {@code schema} up to {@code target} in one transaction and returns the version it has
   * now. Refuses a database whose version is newer than this code knows, and one that has tables of
   * the schema's names but no version table (a database that is not Switchboard's).
   */
  static int migrate(Database db, Schema schema, String where, int target) {
    return db.write(
        "migrating the " + schema.schemaName(),
        c -> {
          if (db.dialect() == Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
              s.execute("SELECT pg_advisory_xact_lock(" + schema.lockKey() + ")");
            }
          }
          int current = version(c, db.dialect(), schema);
          if (current < 0) {
            for (String table : schema.tables()) {
              if (tableExists(c, db.dialect(), table)) {
                throw new StoreException(
                    Kind.INCOMPATIBLE,
                    schema.noun()
                        + " "
                        + where
                        + " has a table '"
                        + table
                        + "' but no "
                        + schema.versionTable()
                        + ": it is not a Switchboard "
                        + schema.noun());
              }
            }
            try (Statement s = c.createStatement()) {
              s.execute(
                  "CREATE TABLE "
                      + schema.versionTable()
                      + " (version INTEGER NOT NULL PRIMARY KEY,"
                      + " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            }
            current = 0;
          }
          checkKnown(schema, where, current);
          for (int v = current + 1; v <= target; v++) {
            String script = schema.scripts().get(v - 1);
            try (Statement s = c.createStatement()) {
              for (String sql : statements(schema.resource(db.dialect(), script))) {
                s.execute(sql);
              }
            }
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO "
                        + schema.versionTable()
                        + " (version, description, applied_at) VALUES (?, ?, ?)")) {
              p.setInt(1, v);
              p.setString(2, script);
              p.setLong(3, System.currentTimeMillis());
              p.executeUpdate();
            }
          }
          return Math.max(current, target);
        });
  }

  static void checkKnown(Schema schema, String where, int version) {
    if (version > schema.latest()) {
      throw new StoreException(
          Kind.INCOMPATIBLE,
          schema.noun()
              + " "
              + where
              + " has "
              + schema.versionName()
              + " "
              + version
              + ", newer than this switchboard knows ("
              + schema.latest()
              + "); run the switchboard that wrote it, or a newer one");
    }
  }

  /** The schema's version; 0 when its version table is empty, -1 when there is none. */
  static int version(Connection c, Dialect dialect, Schema schema) throws SQLException {
    if (!tableExists(c, dialect, schema.versionTable())) {
      return -1;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT max(version) FROM " + schema.versionTable())) {
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
  static List<String> statements(String resource) {
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
