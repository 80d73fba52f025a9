package dev.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool.PoolInitializationException;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A PostgreSQL database through a HikariCP pool. Commits wait for the server's WAL flush ({@code
 * synchronous_commit} is left at its default, on), which is the durability the broker's strict mode
 * promises.
 */
final class PostgresDatabase implements Database {
  private static final int CONNECT_TIMEOUT_SECONDS = 5;

  private final Schema schema;
  private final String where;
  private final String user;
  private final HikariDataSource pool;

  private PostgresDatabase(Schema schema, String where, String user, HikariDataSource pool) {
    this.schema = schema;
    this.where = where;
    this.user = user;
    this.pool = pool;
  }

  /** Opens a pool for {@code schema}'s work: its name, its size and its messages follow it. */
  static PostgresDatabase open(StoreConfig config, Schema schema) {
    String where = PostgresTarget.of(config.postgresUrl());
    Properties driver = new Properties();
    driver.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    driver.setProperty("ApplicationName", "switchboard");
    // Blank means "not set here": the URL may carry them (?user=...&password=...).
    String user = blankToNull(config.postgresUser());
    String password = blankToNull(config.postgresPassword());
    Properties login = new Properties();
    login.putAll(driver);
    if (user != null) {
      login.setProperty("user", user);
    }
    if (password != null) {
      login.setProperty("password", password);
    }
    // One plain connection first: it fails fast and quietly, where a pool that cannot start logs
    // a stack trace of its own before we can say what is wrong in one line.
    try (Connection probe = new org.postgresql.Driver().connect(config.postgresUrl(), login)) {
      if (probe == null) {
        throw new StoreException(
            Kind.OTHER, schema.noun() + " " + where + ": not a PostgreSQL URL");
      }
    } catch (SQLException e) {
      throw Failures.postgres(schema, where, user, "connecting", e);
    }
    HikariConfig h = new HikariConfig();
    h.setPoolName("switchboard-" + schema.noun());
    h.setDriverClassName(org.postgresql.Driver.class.getName());
    h.setJdbcUrl(config.postgresUrl());
    h.setDataSourceProperties(driver);
    h.setUsername(user);
    h.setPassword(password);
    int poolSize = schema.poolSize(config.poolSize());
    h.setMaximumPoolSize(poolSize);
    h.setMinimumIdle(Math.min(1, poolSize));
    h.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS * 1000L);
    h.setAutoCommit(false);
    try {
      return new PostgresDatabase(schema, where, user, new HikariDataSource(h));
    } catch (PoolInitializationException e) {
      if (e.getCause() instanceof SQLException s) {
        throw Failures.postgres(schema, where, user, "connecting", s);
      }
      throw new StoreException(
          Kind.UNAVAILABLE,
          schema.noun() + " " + where + " cannot be reached (" + e.getMessage() + ")",
          e);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public String describe() {
    return "postgresql " + where.substring(where.indexOf("://") + 3);
  }

  @Override
  public <T> T write(String doing, SqlWork<T> work) {
    return transaction(false, doing, work);
  }

  @Override
  public <T> T read(String doing, SqlWork<T> work) {
    return transaction(true, doing, work);
  }

  private <T> T transaction(boolean snapshot, String doing, SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      if (snapshot) {
        // The pool puts both back when the connection is returned.
        c.setReadOnly(true);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException e) {
        rollback(c);
        throw failure(doing, e);
      } catch (RuntimeException | Error e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw failure(doing, e);
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is gone: the server rolls the transaction back itself.
    }
  }

  /** Autovacuum gives space back on PostgreSQL, and VACUUM cannot run inside a transaction. */
  @Override
  public void compact() {}

  private StoreException failure(String doing, SQLException e) {
    return Failures.postgres(schema, where, user, doing, e);
  }

  @Override
  public void close() {
    pool.close();
  }
}
