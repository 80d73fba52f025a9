package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;

/**
 * Where a {@link SqlStore} gets its connections and how it runs transactions: the one part that
 * differs between SQLite (one connection behind a lock) and PostgreSQL (a pool).
 */
interface Database extends AutoCloseable {

  Dialect dialect();

  /** {@code sqlite data/switchboard.db} or {@code postgresql db:5432/switchboard}. */
  String describe();

  /**
   * Runs {@code work} in a write transaction and commits it; rolls back and throws a {@link
   * StoreException} naming the store if anything fails.
   */
  <T> T write(String doing, SqlWork<T> work);

  /** Runs {@code work} in a transaction that sees one consistent snapshot. */
  <T> T read(String doing, SqlWork<T> work);

  /** Gives free space back and trims logs. */
  void compact();

  @Override
  void close();
}
