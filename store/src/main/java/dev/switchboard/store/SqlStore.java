package dev.switchboard.store;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import dev.switchboard.broker.persist.StoredState;
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

  SqlStore(Database database, String where, int schemaVersion) {
    this.database = database;
    this.where = where;
    this.schemaVersion = schemaVersion;
  }

  @Override
  public StoredState load() {
    return guard(
        "loading",
        () ->
            database.read(
                "loading",
                c -> {
                  try {
                    return StateReader.load(c);
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
                  try (ChangeWriter writer = new ChangeWriter(c)) {
                    writer.write(changes);
                  }
                  return null;
                }));
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
    database.close();
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
