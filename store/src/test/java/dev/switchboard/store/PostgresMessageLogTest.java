package dev.switchboard.store;

import dev.switchboard.store.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresMessageLogTest extends MessageLogContract {
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
    return StoreConfig.postgresql(postgres.newDatabase(), postgres.user(), postgres.password(), 2);
  }
}
