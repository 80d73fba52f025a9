package dev.switchboard.store.registry;

import dev.switchboard.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Quotas in the registry on SQLite. */
class SqliteQuotaStoreTest extends QuotaStoreContract {
  @TempDir Path dir;

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db"));
  }
}
