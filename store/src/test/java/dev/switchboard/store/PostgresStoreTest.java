package dev.switchboard.store;

import dev.switchboard.store.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends DurableStoreContract {
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

  @Test
  void aVersionOneStoreMigratesIntoTheDefaultHub() throws Exception {
    store.close();
    store = null;
    String url = postgres.newDatabase();
    try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password())) {
      VersionOneState.create(c, "postgresql");
    }

    store = Stores.open(StoreConfig.postgresql(url, postgres.user(), postgres.password(), 2));

    VersionOneState.assertMigrated(store);
  }

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.postgresql(postgres.newDatabase(), postgres.user(), postgres.password(), 2);
  }
}
