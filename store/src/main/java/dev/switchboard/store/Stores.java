package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import java.nio.file.Files;

/** Opens stores: the broker's state, and the database the device registry lives in. */
public final class Stores {
  private Stores() {}

  /**
   * Opens the store {@code config} describes, creating it if it does not exist, and brings its
   * schema up to date. A SQLite file is checked before anything is written to it.
   *
   * @throws StoreException with one line naming the file or server when the store cannot be used:
   *     damaged ({@link Kind#CORRUPT}), newer than this code ({@link Kind#INCOMPATIBLE}), not
   *     writable, not reachable
   */
  public static SqlStore open(StoreConfig config) {
    Database db =
        switch (config.type()) {
          case SQLITE -> SqliteDatabase.open(config.sqlitePath(), Schema.STATE);
          case POSTGRESQL -> PostgresDatabase.open(config, Schema.STATE);
        };
    try {
      int version = Migrations.migrate(db, Schema.STATE, config.where(), Schema.STATE.latest());
      withStashes(config, db);
      return new SqlStore(db, config.where(), version);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Opens the database of the device registry {@code config} describes (on SQLite {@link
   * StoreConfig#registryPath()}, shared with other processes; on PostgreSQL the store's database),
   * creating it if it does not exist, and brings the registry's schema up to date. For {@code
   * dev.switchboard.store.registry.RegistryStore}, which runs its SQL through it.
   *
   * @throws StoreException with one line naming the file or server, as {@link #open} does
   */
  public static Database openRegistryDatabase(StoreConfig config) {
    Database db =
        switch (config.type()) {
          case SQLITE -> SqliteDatabase.open(config.registryPath(), Schema.REGISTRY);
          case POSTGRESQL -> PostgresDatabase.open(config, Schema.REGISTRY);
        };
    try {
      Migrations.migrate(db, Schema.REGISTRY, config.registryWhere(), Schema.REGISTRY.latest());
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Makes the stashes' tables (message logs) reachable by the broker's writer, so that an entry is
   * committed in its publisher's transaction: on SQLite {@link StoreConfig#stashesPath()} is
   * migrated, then attached to the state connection in normal locking mode (the state file's
   * exclusive lock would keep {@code switchboard stashes} out); on PostgreSQL the tables are
   * migrated in the same database.
   */
  private static void withStashes(StoreConfig config, Database state) {
    switch (config.type()) {
      case SQLITE -> {
        try (Database stashes = openStashesDatabase(config)) {
          // migrated and closed: the state connection attaches it
        }
        ((SqliteDatabase) state).attach(config.stashesPath(), "stashes");
      }
      case POSTGRESQL ->
          Migrations.migrate(state, Schema.STASHES, config.stashesWhere(), Schema.STASHES.latest());
    }
  }

  /**
   * Opens the database of the stashes' entries (on SQLite {@link StoreConfig#stashesPath()}, shared
   * with other processes; on PostgreSQL the store's database), creating it if it does not exist,
   * and brings its schema up to date. For {@link MessageLogStore}.
   *
   * @throws StoreException with one line naming the file or server, as {@link #open} does
   */
  public static Database openStashesDatabase(StoreConfig config) {
    Database db =
        switch (config.type()) {
          case SQLITE -> SqliteDatabase.open(config.stashesPath(), Schema.STASHES);
          case POSTGRESQL -> PostgresDatabase.open(config, Schema.STASHES);
        };
    try {
      Migrations.migrate(db, Schema.STASHES, config.stashesWhere(), Schema.STASHES.latest());
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Like {@link #open}, but refuses to create a SQLite file that is not there: for tools that read
   * a store, where a missing file is a mistake in the path rather than a new store.
   */
  public static SqlStore openExisting(StoreConfig config) {
    if (config.type() == StoreConfig.Type.SQLITE && !Files.exists(config.sqlitePath())) {
      throw new StoreException(
          Kind.UNAVAILABLE, "store " + config.sqlitePath() + " does not exist");
    }
    return open(config);
  }
}
