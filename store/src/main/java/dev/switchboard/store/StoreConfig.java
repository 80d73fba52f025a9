package dev.switchboard.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which store to open and where. The device registry goes with it: on SQLite in {@link
 * #registryPath()} beside the state file, on PostgreSQL in the same database.
 *
 * @param type the kind of database
 * @param sqlitePath the SQLite file (for {@link Type#SQLITE}); its directory is created at open. It
 *     cannot be called {@value #REGISTRY_FILE}, the registry's name beside it
 * @param postgresUrl a {@code jdbc:postgresql://host:port/db} URL (for {@link Type#POSTGRESQL})
 * @param postgresUser the PostgreSQL user
 * @param postgresPassword the PostgreSQL password (never printed: see {@link #toString()})
 * @param poolSize connections kept open to PostgreSQL
 */
public record StoreConfig(
    Type type,
    Path sqlitePath,
    String postgresUrl,
    String postgresUser,
    String postgresPassword,
    int poolSize) {

  /** The SQLite file of the device registry, in the state file's directory. */
  public static final String REGISTRY_FILE = "registry.db";

  /** The SQLite file of the stashes' entries (message logs), in the state file's directory. */
  public static final String STASHES_FILE = "stashes.db";

  /** The kinds of database a store can live in. */
  public enum Type {
    SQLITE,
    POSTGRESQL
  }

  public StoreConfig {
    Objects.requireNonNull(type, "type");
    switch (type) {
      case SQLITE -> {
        Objects.requireNonNull(sqlitePath, "sqlitePath");
        if (sqlitePath.getFileName() != null
            && (sqlitePath.getFileName().toString().equals(REGISTRY_FILE)
                || sqlitePath.getFileName().toString().equals(STASHES_FILE))) {
          throw new IllegalArgumentException(
              "the store file cannot be called "
                  + sqlitePath.getFileName()
                  + ": that is the device registry's or the stashes' file beside it ("
                  + sqlitePath
                  + ")");
        }
      }
      case POSTGRESQL -> {
        Objects.requireNonNull(postgresUrl, "postgresUrl");
        if (!postgresUrl.startsWith("jdbc:postgresql:")) {
          throw new IllegalArgumentException(
              "a PostgreSQL URL starts with jdbc:postgresql://, not "
                  + PostgresTarget.of(postgresUrl));
        }
        if (poolSize < 1) {
          throw new IllegalArgumentException("pool size must be at least 1, not " + poolSize);
        }
      }
    }
  }

  public static StoreConfig sqlite(Path path) {
    return new StoreConfig(Type.SQLITE, path, null, null, null, 0);
  }

  public static StoreConfig postgresql(String url, String user, String password, int poolSize) {
    return new StoreConfig(Type.POSTGRESQL, null, url, user, password, poolSize);
  }

  /**
   * The device registry's SQLite file: {@value #REGISTRY_FILE} beside {@link #sqlitePath()}; null
   * for PostgreSQL, where the registry's tables are in the store's database.
   */
  public Path registryPath() {
    return type == Type.SQLITE ? sqlitePath.resolveSibling(REGISTRY_FILE) : null;
  }

  /**
   * The stashes' SQLite file: {@value #STASHES_FILE} beside {@link #sqlitePath()}; null for
   * PostgreSQL, where the stashes' tables are in the store's database.
   */
  public Path stashesPath() {
    return type == Type.SQLITE ? sqlitePath.resolveSibling(STASHES_FILE) : null;
  }

  /** Where the stashes' entries are, for messages. */
  public String stashesWhere() {
    return type == Type.SQLITE ? stashesPath().toString() : PostgresTarget.of(postgresUrl);
  }

  /** Where the registry is, for messages: its file, or the PostgreSQL host, port and database. */
  public String registryWhere() {
    return type == Type.SQLITE ? registryPath().toString() : PostgresTarget.of(postgresUrl);
  }

  /** Where the store is, for messages: the file, or the PostgreSQL host, port and database. */
  public String where() {
    return type == Type.SQLITE ? sqlitePath.toString() : PostgresTarget.of(postgresUrl);
  }

  /** Like the record's, without the password, which would otherwise end up in logs. */
  @Override
  public String toString() {
    return type == Type.SQLITE
        ? "StoreConfig[sqlite " + sqlitePath + "]"
        : "StoreConfig[postgresql "
            + PostgresTarget.of(postgresUrl)
            + " user="
            + postgresUser
            + " poolSize="
            + poolSize
            + "]";
  }
}
