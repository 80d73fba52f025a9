package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on a store's connection inside a transaction the store opens and ends. */
@FunctionalInterface
public interface SqlWork<T> {
  /**
   * @param connection the store's connection; do not commit, roll back or close it
   */
  T run(Connection connection) throws SQLException;
}
