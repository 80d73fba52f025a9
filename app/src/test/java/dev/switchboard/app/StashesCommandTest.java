package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.LogEntry;
import dev.switchboard.store.SqlStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard stashes ...}: definitions in the registry, entries read from the store's
 * stashes file, one-line refusals with their exit codes.
 */
class StashesCommandTest {
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.run(dir.resolve("data"), args);
  }

  /** Entries as the broker's writer appends them. */
  private void append(String stash, String... payloads) {
    try (SqlStore store =
        Stores.open(StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db")))) {
      List<Change> changes = new ArrayList<>();
      long t = System.currentTimeMillis();
      for (String p : payloads) {
        changes.add(
            new Change.AppendToLog(
                new LogEntry(
                    "default",
                    stash,
                    t++,
                    "device_1",
                    "alice",
                    "127.0.0.1:4000",
                    "lab/temp",
                    1,
                    false,
                    null,
                    p.getBytes(StandardCharsets.UTF_8),
                    new LogEntry.Limits(3, 0, 0))));
      }
      store.apply(changes);
    }
  }

  @Test
  @DisplayName("add, list, show, set, download (json, ndjson, csv), clear and remove")
  void lifeCycle() throws Exception {
    CliRun added = run("stashes", "add", "temps", "--filter", "lab/+/temp", "--max-entries", "3");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).startsWith("stash 'temps' added: lab/+/temp (max 3 entries");
    append("temps", "20", "21", "22", "23");

    CliRun list = run("stashes", "list");
    assertThat(list.out()).contains("temps").contains("lab/+/temp");
    assertThat(list.out().lines().skip(1).findFirst().orElseThrow().split("\\s+"))
        .containsExactly("temps", "on", "3", "1", "lab/+/temp");
    assertThat(run("stashes", "show", "temps").out())
        .contains("entries:     3 (6 bytes)")
        .contains("dropped:     1");

    CliRun json = run("stashes", "download", "temps");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).startsWith("[\n{\"seq\":2,").contains("\"payload\":\"MjE=\"");
    assertThat(run("stashes", "download", "temps", "--format", "ndjson").out().lines()).hasSize(3);
    List<String> csv =
        run("stashes", "download", "temps", "--format", "csv").out().lines().toList();
    assertThat(csv.get(0)).startsWith("seq,receivedAt,clientId");
    assertThat(csv).hasSize(4);
    Path file = dir.resolve("out.ndjson");
    CliRun toFile =
        run("stashes", "download", "temps", "--format", "ndjson", "--output", file.toString());
    assertThat(toFile.err()).contains("3 entries written");
    assertThat(Files.readAllLines(file)).hasSize(3);

    CliRun set = run("stashes", "set", "temps", "--disabled", "--client-id", "device_1");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(run("stashes", "show", "temps").out())
        .contains("clients:     device_1")
        .contains("status:      off");

    assertThat(run("stashes", "clear", "temps").out())
        .isEqualTo("stash 'temps': 3 entries deleted\n");
    assertThat(run("stashes", "remove", "temps").out()).isEqualTo("stash 'temps' removed\n");
    assertThat(run("stashes", "show", "temps").code()).isEqualTo(1);
  }

  @Test
  @DisplayName("refusals are one line: a bad filter (2), a taken name (1), no such stash (1)")
  void refusals() {
    CliRun bad = run("stashes", "add", "x", "--filter", "lab/#/more");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip())
        .isEqualTo("switchboard: 'lab/#/more' is not a valid topic filter");
    assertThat(run("stashes", "add", "x", "--filter", "#").code()).isZero();
    CliRun taken = run("stashes", "add", "x", "--filter", "#");
    assertThat(taken.code()).isEqualTo(1);
    assertThat(taken.err().strip()).isEqualTo("switchboard: stash 'x' exists");
    CliRun none = run("stashes", "clear", "nope");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err().strip()).isEqualTo("switchboard: stash 'nope' does not exist");
    CliRun noHub = run("stashes", "add", "y", "--filter", "#", "--hub", "team9");
    assertThat(noHub.err().strip()).isEqualTo("switchboard: hub 'team9' does not exist");
    CliRun frame = run("stashes", "download", "x", "--frame", "yesterday");
    assertThat(frame.code()).isEqualTo(2);
    CliRun resend = run("stashes", "resend", "x", "--frame", "1h", "--api-key", "");
    assertThat(resend.code()).isEqualTo(2);
    assertThat(resend.err().strip())
        .isEqualTo("switchboard: give an API key: --api-key or SWITCHBOARD_API_KEY");
  }
}
