package dev.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements of one connection, kept by their SQL for as long as the cache lives and
 * closed with it: the broker's writer on SQLite keeps one for its connection's life, so that a
 * commit does not parse its statements again (sqlite3_prepare was a tenth of the writer's time at
 * 50,000 stashed messages a second); elsewhere one lives for a transaction. Statements from it are
 * not closed by their users, only their result sets.
 */
final class StatementCache implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  StatementCache(Connection connection) {
    this.connection = connection;
  }

  /** The connection the statements are prepared on. */
  Connection connection() {
    return connection;
  }

  /** The statement for {@code sql}, prepared the first time it is asked for. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null) {
      p = connection.prepareStatement(sql);
      statements.put(sql, p);
    }
    return p;
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PreparedStatement s : statements.values()) {
      try {
        s.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    statements.clear();
    if (first != null) {
      throw first;
    }
  }
}
