package dev.switchboard.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.store.SqlStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on SQLite: a file of its own beside the state file, shared between processes. */
class SqliteRegistryStoreTest extends RegistryStoreContract {
  @TempDir Path dir;

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db"));
  }

  private String pragma(String name) {
    return registry
        .database()
        .read(
            "test",
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet r = s.executeQuery("PRAGMA " + name)) {
                r.next();
                return r.getString(1);
              }
            });
  }

  @Test
  void theRegistryIsRegistryDbBesideTheStateFile() {
    assertThat(config.registryPath()).isEqualTo(dir.resolve("data").resolve("registry.db"));
    assertThat(config.registryPath()).exists();
    assertThat(registry.describe()).isEqualTo("sqlite " + config.registryPath());
    assertThat(StoreConfig.sqlite(Path.of("switchboard.db")).registryPath())
        .isEqualTo(Path.of("registry.db"));
    assertThat(StoreConfig.postgresql("jdbc:postgresql://h/db", "u", "p", 1).registryPath())
        .isNull();
  }

  @Test
  void runsInWalModeWithFullSyncNormalLockingForeignKeysAndABusyTimeout() {
    assertThat(pragma("journal_mode")).isEqualTo("wal");
    assertThat(pragma("synchronous")).isEqualTo("2");
    assertThat(pragma("locking_mode")).isEqualTo("normal");
    assertThat(pragma("foreign_keys")).isEqualTo("1");
    assertThat(pragma("busy_timeout")).isEqualTo("5000");
  }

  @Test
  void theBrokerLocksItsStateFileButTheRegistryStaysOpenToOthers() throws Exception {
    try (SqlStore broker = Stores.open(config)) {
      assertThatThrownBy(() -> Stores.open(config).close())
          .isInstanceOf(StoreException.class)
          .hasFieldOrPropertyWithValue("kind", StoreException.Kind.UNAVAILABLE);

      RegistryStore cli = openAnother();
      cli.add(device("sensor-1", "alice"));
      assertThat(registry.device(Hub.DEFAULT, "sensor-1")).isPresent();
      try (Connection c = raw();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT version FROM registry_version")) {
        r.next();
        assertThat(r.getLong(1)).isEqualTo(1);
      }
      assertThat(broker.load().sessions()).isEmpty();
    }
  }

  @Test
  void aWriterWaitsForAnotherProcesssTransactionInsteadOfFailing() throws Exception {
    try (Connection other = raw();
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.executeUpdate(
          "INSERT INTO devices (hub, client_id, username, enabled, replace_policy,"
              + " strict_client_id, subscriptions_frozen, created_at, updated_at)"
              + " VALUES ('default', 'by-hand', 'hand', 1, 'replace', 0, 0, 0, 0)");

      CompletableFuture<Void> add =
          CompletableFuture.runAsync(() -> registry.add(device("sensor-1", "alice")));
      // Give the add time to find the file locked (it must wait, not fail); well within 5 s.
      Thread.sleep(300);
      s.execute("COMMIT");

      add.get(30, TimeUnit.SECONDS);
    }
    assertThat(registry.devices())
        .extracting(Device::clientId)
        .containsExactly("by-hand", "sensor-1");
  }

  @Test
  void aReaderIsNotHeldUpByAnotherProcesssWrite() throws Exception {
    registry.add(device("sensor-1", "alice"));
    try (Connection other = raw();
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.executeUpdate("UPDATE registry_version SET version = 99");

      RegistrySnapshot snapshot =
          CompletableFuture.supplyAsync(() -> registry.snapshot()).get(30, TimeUnit.SECONDS);

      assertThat(snapshot.version()).isEqualTo(1);
      assertThat(snapshot.devices()).hasSize(1);
      s.execute("ROLLBACK");
    }
  }

  @Test
  void aDamagedRegistryIsRefusedWithAdviceForTheRegistry() throws Exception {
    registry.close();
    registry = null;
    byte[] garbage =
        "this is not a database, just text".repeat(200).getBytes(StandardCharsets.UTF_8);
    Files.write(config.registryPath(), garbage);

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", StoreException.Kind.CORRUPT)
        .hasMessage(
            "registry "
                + config.registryPath()
                + " is damaged (file is not a database); restore it from a backup, or move it"
                + " aside to start with an empty registry");
    assertThat(Files.readAllBytes(config.registryPath())).isEqualTo(garbage);
    // The state store beside it is not affected.
    try (SqlStore state = Stores.open(config)) {
      assertThat(state.load().sessions()).isEmpty();
    }
  }

  @Test
  void aZeroFilledRegistryFileIsRefusedAtOpenNamingIt() throws Exception {
    Path other = dir.resolve("broken");
    Files.createDirectories(other);
    Files.write(other.resolve("registry.db"), new byte[4096]);
    assertThatThrownBy(
            () -> RegistryStore.open(StoreConfig.sqlite(other.resolve("switchboard.db"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("registry.db");
  }

  @Test
  void aStateFileCalledRegistryDbIsRefused() {
    assertThatThrownBy(() -> StoreConfig.sqlite(dir.resolve("registry.db")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be called registry.db");
  }

  @Test
  void theStateFileHasNoRegistryTablesAndTheRegistryNoStateTables() throws Exception {
    Stores.open(config).close();
    try (Connection state =
            java.sql.DriverManager.getConnection("jdbc:sqlite:" + config.sqlitePath());
        Connection reg = raw()) {
      assertThat(tables(state)).doesNotContain("devices", "registry_schema_version");
      assertThat(tables(reg))
          .contains("devices", "access_rules", "registry_schema_version")
          .doesNotContain("sessions", "schema_version");
    }
  }

  private static List<String> tables(Connection c) throws Exception {
    List<String> names = new java.util.ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }
}
