package dev.switchboard.store.registry;

import dev.switchboard.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Hubs and administrators in the registry on SQLite. */
class SqliteHubRegistryTest extends HubRegistryContract {
  @TempDir Path dir;

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db"));
  }
}
