package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;

/**
 * Where a {@link SqlStore} (or the device registry's repository) gets its connections and how it
 * runs transactions: the one part that differs between SQLite (one connection behind a lock) and
 * PostgreSQL (a pool).
 */
public interface Database extends AutoCloseable {

  Dialect dialect();

  /** {@code sqlite data/switchboard.db} or {@code postgresql db:5432/switchboard}. */
  String describe();

  /**
   * Runs {@code work} in a write transaction and commits it; rolls back and throws a {@link
   * StoreException} naming the store if anything fails. An {@link java.sql.SQLException} becomes a
   * {@link StoreException} of its kind; any other exception of {@code work}'s passes as it is. On
   * SQLite the transaction holds the write lock from its start ({@code BEGIN IMMEDIATE}).
   */
  <T> T write(String doing, SqlWork<T> work);

  /**
   * Runs {@code work}, which only reads, in a transaction that sees one consistent snapshot (on
   * PostgreSQL a read-only, repeatable-read one).
   */
  <T> T read(String doing, SqlWork<T> work);

  /** Gives free space back and trims logs. */
  void compact();

  @Override
  void close();
}
