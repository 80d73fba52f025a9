package dev.switchboard.store;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import dev.switchboard.broker.persist.StoredState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The broker's {@link DurableStore} on SQLite or PostgreSQL; open one with {@link Stores#open}.
 *
 * <p>{@link #inTransaction} runs other work on the same database, serialised with the broker's
 * writer on SQLite, where there is one connection. The device registry does not live here: it has a
 * schema of its own ({@link Schema#REGISTRY}) and, on SQLite, a file of its own, because this one
 * is locked by the broker while {@code switchboard devices} must edit the registry.
 */
public final class SqlStore implements DurableStore {
  private final Database database;
  private final String where;
  private final int schemaVersion;

  /**
   * On SQLite, the writer of the one connection, kept across commits so that its statements are
   * prepared once; touched only inside {@link Database#write}, which holds that connection's lock.
   * Null before the first commit and after a failed one. PostgreSQL's driver keeps its own
   * statement cache per pooled connection, so a writer there lives for one transaction.
   */
  private ChangeWriter kept;

  SqlStore(Database database, String where, int schemaVersion) {
    this.database = database;
    this.where = where;
    this.schemaVersion = schemaVersion;
  }

  @Override
  public StoredState load() {
    return load(StateReader.Selection.ALL);
  }

  @Override
  public StoredState load(String node) {
    return load(StateReader.Selection.heldBy(node, true));
  }

  @Override
  public StoredState loadSessionsOf(String node) {
    return load(StateReader.Selection.heldBy(node, false));
  }

  @Override
  public StoredState loadSession(String hub, String clientId) {
    return load(StateReader.Selection.session(hub, clientId));
  }

  private StoredState load(StateReader.Selection which) {
    return guard(
        "loading",
        () ->
            database.read(
                "loading",
                c -> {
                  try {
                    return StateReader.load(c, which);
                  } catch (IllegalArgumentException e) {
                    throw new StoreException(
                        Kind.CORRUPT, Failures.damaged(Schema.STATE, where, e.getMessage()), e);
                  }
                }));
  }

  @Override
  public void apply(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    guard(
        "applying changes",
        () ->
            database.write(
                "applying changes",
                c -> {
                  if (database.dialect() != Dialect.SQLITE) {
                    try (ChangeWriter writer = new ChangeWriter(c)) {
                      writer.write(changes);
                    }
                    return null;
                  }
                  ChangeWriter writer = keptWriter(c);
                  boolean written = false;
                  try {
                    writer.write(changes);
                    written = true;
                  } finally {
                    if (!written) {
                      closeKept(); // its batches may hold rows of the failed transaction
                    }
                  }
                  return null;
                }));
  }

  private ChangeWriter keptWriter(Connection c) throws SQLException {
    if (kept != null && !kept.writesTo(c)) {
      closeKept(); // the connection was opened again
    }
    if (kept == null) {
      kept = new ChangeWriter(c);
    }
    return kept;
  }

  private void closeKept() throws SQLException {
    ChangeWriter w = kept;
    kept = null;
    if (w != null) {
      w.close();
    }
  }

  @Override
  public void compact() {
    guard(
        "compacting",
        () -> {
          database.compact();
          return null;
        });
  }

  @Override
  public String describe() {
    return database.describe();
  }

  /** Which database this store is in, for repositories whose SQL differs between the two. */
  public Dialect dialect() {
    return database.dialect();
  }

  /** The schema version the database is at (this code's latest once it is open). */
  public int schemaVersion() {
    return schemaVersion;
  }

  /**
   * Runs {@code work} in one transaction on the store's database and commits it. When anything
   * fails it rolls back; an {@link java.sql.SQLException} becomes a {@link StoreException} naming
   * the store, with the right kind, and any other exception of {@code work}'s passes as it is.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    return database.write("a transaction", work);
  }

  /** Runs {@code work}, which only reads, on one consistent snapshot of the store's database. */
  <T> T read(String doing, SqlWork<T> work) {
    return database.read(doing, work);
  }

  @Override
  public void close() {
    database.close(); // and with its connection the kept writer's statements
  }

  /**
   * The SPI promises {@link StoreException}s; a bug (a null where a value is required, say) must
   * reach the broker as one too, after the transaction it broke has been rolled back.
   */
  private <T> T guard(String doing, Supplier<T> action) {
    try {
      return action.get();
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreException(
          Kind.OTHER, "store " + where + ": " + doing + " failed (" + e + ")", e);
    }
  }
}
