package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMessageLogTest extends MessageLogContract {
  @TempDir Path dir;

  @Override
  protected StoreConfig newStoreConfig() {
    return StoreConfig.sqlite(dir.resolve("switchboard.db"));
  }

  @Test
  void entriesLiveInAFileOfTheirOwnThatAnotherConnectionReadsWhileTheStoreIsOpen() {
    store.apply(List.of(append("s", "a", 1, null)));
    assertThat(Files.exists(dir.resolve(StoreConfig.STASHES_FILE))).isTrue();
    // a second reader, as `switchboard stashes` in another process: not refused by the state
    // file's exclusive lock
    try (MessageLogStore other = MessageLogStore.open(config)) {
      assertThat(other.counts("default", "s").entries()).isEqualTo(1);
      assertThat(other.clear("default", "s")).isEqualTo(1);
    }
    store.apply(List.of(append("s", "b", 2, null)));
    assertThat(logs.counts("default", "s").entries()).isEqualTo(1);
  }
}
