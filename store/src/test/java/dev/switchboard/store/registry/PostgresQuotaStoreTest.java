package dev.switchboard.store.registry;

import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Quotas in the registry on PostgreSQL. */
class PostgresQuotaStoreTest extends QuotaStoreContract {
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
}
