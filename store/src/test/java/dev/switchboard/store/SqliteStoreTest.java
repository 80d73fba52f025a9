package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends DurableStoreContract {
  @TempDir Path dir;

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db"));
  }

  private Path file() {
    return config.sqlitePath();
  }

  private static String pragma(SqlStore store, String name) {
    return store.inTransaction(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet r = s.executeQuery("PRAGMA " + name)) {
            r.next();
            return r.getString(1);
          }
        });
  }

  @Test
  void runsInWalModeWithFullSyncAndIncrementalVacuum() {
    assertThat(pragma(store, "journal_mode")).isEqualTo("wal");
    assertThat(pragma(store, "synchronous")).isEqualTo("2");
    assertThat(pragma(store, "auto_vacuum")).isEqualTo("2");
    assertThat(pragma(store, "main.locking_mode")).isEqualTo("exclusive");
    // the stashes' file, attached, stays open to `switchboard stashes` in other processes
    assertThat(pragma(store, "stashes.locking_mode")).isEqualTo("normal");
  }

  @Test
  void commitsGoToTheWriteAheadLogWhichCloseFoldsIn() {
    store.apply(List.of(Fixtures.put("a", 1)));
    Path wal = dir.resolve("data").resolve("switchboard.db-wal");
    assertThat(wal).exists();
    assertThat(wal.toFile().length()).isPositive();
    // Exclusive locking keeps the WAL index in memory: no -shm file for others to map.
    assertThat(dir.resolve("data").resolve("switchboard.db-shm")).doesNotExist();

    store.close();
    assertThat(wal).doesNotExist();
    store = Stores.open(config);
    assertThat(store.load().messages()).hasSize(1);
  }

  @Test
  void recordsTheSchemaVersionItMigratedTo() throws SQLException {
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        ResultSet r =
            c.createStatement()
                .executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(1);
      assertThat(r.getString(2)).isEqualTo("V1__init.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(2);
      assertThat(r.getString(2)).isEqualTo("V2__hubs.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(3);
      assertThat(r.getString(2)).isEqualTo("V3__session_holders.sql");
      assertThat(r.next()).isFalse();
    }
    store = Stores.open(config);
    assertThat(store.schemaVersion()).isEqualTo(Schema.STATE.latest());
  }

  @Test
  void aStoreFromANewerVersionIsRefusedAndLeftAlone() throws Exception {
    store.inTransaction(
        c ->
            c.createStatement()
                .executeUpdate(
                    "INSERT INTO schema_version (version, description, applied_at)"
                        + " VALUES (99, 'V99__future.sql', 0)"));
    store.close();
    store = null;

    assertThatThrownBy(() -> Stores.open(config))
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.INCOMPATIBLE)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("schema version 99");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        ResultSet r = c.createStatement().executeQuery("SELECT max(version) FROM schema_version")) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(99);
    }
  }

  @Test
  void aVersionOneStoreMigratesIntoTheDefaultHub() throws Exception {
    store.close();
    store = null;
    Path old = dir.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old)) {
      VersionOneState.create(c, "sqlite");
    }

    store = Stores.open(StoreConfig.sqlite(old));

    VersionOneState.assertMigrated(store);
  }

  @Test
  void aDatabaseThatIsNotAStoreIsRefused() throws SQLException {
    store.close();
    store = null;
    Path other = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
      c.createStatement().execute("CREATE TABLE messages (id INTEGER, text TEXT)");
    }

    assertThatThrownBy(() -> Stores.open(StoreConfig.sqlite(other)))
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.INCOMPATIBLE)
        .hasMessageContaining("not a Switchboard store");
  }

  @Test
  void aSecondOpenOfTheSameFileIsRefusedWhileTheFirstHasIt() {
    assertThatThrownBy(() -> Stores.open(config))
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE)
        .hasMessageContaining("in use");
    store.apply(List.of(Fixtures.put("still", 1)));
    assertThat(store.load().messages()).hasSize(1);
  }

  @Test
  void anEmptyFileIsANewStore() throws Exception {
    store.close();
    store = null;
    Path empty = dir.resolve("empty.db");
    Files.createFile(empty);
    try (SqlStore s = Stores.open(StoreConfig.sqlite(empty))) {
      s.apply(List.of(Fixtures.put("a", 1)));
      assertThat(s.load().messages()).hasSize(1);
    }
  }

  @Test
  void compactGivesFreedPagesBackToTheFileSystem() {
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      changes.add(
          new Change.PutRetained(
              new dev.switchboard.broker.persist.StoredMessage(
                  "big/" + i, new byte[16 * 1024], 0, true, null, null, 0)));
    }
    store.apply(changes);
    store.compact();
    long full = file().toFile().length();
    List<Change> deletes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      deletes.add(new Change.DeleteRetained("big/" + i));
    }
    store.apply(deletes);
    store.compact();

    assertThat(full).isGreaterThan(3_000_000);
    assertThat(file().toFile().length()).isLessThan(full / 10);
    assertThat(dir.resolve("data").resolve("switchboard.db-wal").toFile().length()).isZero();
  }
}
