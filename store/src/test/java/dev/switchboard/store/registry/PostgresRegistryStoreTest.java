package dev.switchboard.store.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import dev.switchboard.store.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry on PostgreSQL: its tables in the store's database. */
class PostgresRegistryStoreTest extends RegistryStoreContract {
  static PostgresServer postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresServer.startOrSkip();
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.postgresql(postgres.newDatabase(), postgres.user(), postgres.password(), 4);
  }

  private List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = raw();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }

  @Test
  void theRegistryTablesShareTheStoresDatabase() throws SQLException {
    Stores.open(config).close();

    assertThat(config.registryPath()).isNull();
    assertThat(config.registryWhere()).isEqualTo(config.where());
    assertThat(
            column(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema()"))
        .contains(
            "sessions",
            "messages",
            "schema_version",
            "devices",
            "device_subscriptions",
            "device_sources",
            "access_rules",
            "registry_version",
            "registry_schema_version");
    assertThat(column("SELECT version FROM schema_version ORDER BY version"))
        .containsExactly("1", "2", "3");
    assertThat(column("SELECT version FROM registry_schema_version ORDER BY version"))
        .containsExactly("1", "2", "3", "4", "5", "6");
  }

  @Test
  void textThatIsComparedUsesTheCCollation() throws SQLException {
    assertThat(
            column(
                "SELECT table_name || '.' || column_name || '=' || collation_name"
                    + " FROM information_schema.columns"
                    + " WHERE table_schema = current_schema()"
                    + " AND column_name IN ('client_id', 'username', 'filter')"
                    + " ORDER BY 1"))
        .containsExactly(
            "access_rules.client_id=C",
            "access_rules.filter=C",
            "device_quotas.client_id=C",
            "device_sources.client_id=C",
            "device_subscriptions.client_id=C",
            "device_subscriptions.filter=C",
            "devices.client_id=C",
            "devices.username=C",
            "quota_counters.client_id=C",
            "stash_client_ids.client_id=C",
            "stashes.filter=C");
  }

  @Test
  void aWriterWaitsForAnotherSessionsTransactionInsteadOfFailing() throws Exception {
    try (Connection other = raw();
        Statement s = other.createStatement()) {
      other.setAutoCommit(false);
      s.executeUpdate("UPDATE registry_version SET version = version + 1");

      CompletableFuture<Void> add =
          CompletableFuture.runAsync(() -> registry.add(device("sensor-1", "alice")));
      // Give the add time to find the row locked (it must wait, not fail).
      Thread.sleep(300);
      other.commit();

      add.get(30, TimeUnit.SECONDS);
    }
    assertThat(registry.version()).isEqualTo(2);
    assertThat(registry.device(Hub.DEFAULT, "sensor-1")).isPresent();
  }
}
