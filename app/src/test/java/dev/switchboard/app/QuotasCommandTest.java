package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.quota.SavedCounter;
import dev.switchboard.hub.quota.Window;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard quotas show|set}: settings in the registry, saved usage, one-line refusals.
 */
class QuotasCommandTest {
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.run(dir.resolve("data"), args);
  }

  @Test
  @DisplayName(
      "set the hub's defaults and a device's own, show them with the saved usage sorted by day;"
          + " a device follows its hub again")
  void setAndShow() {
    assertThat(run("devices", "add", "d1", "--password", "pw-d1-long-enough").code()).isZero();
    assertThat(run("devices", "add", "d2", "--password", "pw-d2-long-enough").code()).isZero();
    CliRun hub = run("quotas", "set", "--measurer-size", "512", "--per-day", "1000");
    assertThat(hub.code()).as(hub.err()).isZero();
    assertThat(hub.out()).contains("measurer 512").contains("day 1000");
    CliRun own = run("quotas", "set", "--device", "d2", "--per-day", "10", "--disconnect");
    assertThat(own.code()).as(own.err()).isZero();
    assertThat(own.out()).contains("day 10").contains("disconnect at a limit");
    try (RegistryStore registry =
        RegistryStore.open(StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db")))) {
      long day = Window.DAY.start(System.currentTimeMillis());
      registry
          .quotas()
          .saveCounters(List.of(new SavedCounter("default", "d2", Window.DAY, day, 7)));
    }

    CliRun show = run("quotas", "show", "--sort", "day");
    assertThat(show.code()).as(show.err()).isZero();
    List<String> rows = show.out().lines().toList();
    assertThat(rows.get(0)).contains("measurer 512").contains("day 1000");
    assertThat(rows.get(2).split("\\s+")).startsWith("d2", "7/10");
    assertThat(rows.get(3).split("\\s+")).startsWith("d1", "0/1000");

    assertThat(run("quotas", "set", "--device", "d2", "--follow-hub").code()).isZero();
    assertThat(run("quotas", "show").out()).doesNotContain("/10 ");
  }

  @Test
  @DisplayName(
      "bad values and unknown devices are one line with their exit code, and change nothing")
  void refusals() {
    CliRun negative = run("quotas", "set", "--per-minute", "-1");
    assertThat(negative.code()).isEqualTo(2);
    assertThat(negative.err()).contains("perMinute must be from 0");
    CliRun unknown = run("quotas", "set", "--device", "nobody", "--per-day", "1");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("device 'nobody' does not exist");
    CliRun badSort = run("quotas", "show", "--sort", "weekly");
    assertThat(badSort.code()).isEqualTo(2);
    assertThat(run("quotas", "show").out()).contains("devices' default largest -, per minute -");
  }
}
