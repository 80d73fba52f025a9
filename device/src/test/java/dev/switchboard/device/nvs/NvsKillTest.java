package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.ESP_OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM writes to NVS as fast as it can and is killed with SIGKILL ({@code kill -9}) at a
 * random point, three times over the same partition: every write it reported done is there after
 * each kill, and at most the one being written is lost.
 */
class NvsKillTest {
  @TempDir Path dir;

  /** The child: sets "counter" and one of 40 strings to n, then prints n, forever. */
  public static final class Writer {
    public static void main(String[] args) {
      NvsFlash nvs = new NvsFlash(Path.of(args[0]));
      if (nvs.init() != ESP_OK) {
        System.exit(2);
      }
      NvsHandle[] h = new NvsHandle[1];
      nvs.open("storage", NvsOpenMode.READWRITE, h);
      long[] start = new long[1];
      long n = h[0].getU32("counter", start) == ESP_OK ? start[0] + 1 : 0;
      for (; ; n++) {
        if (h[0].setStr("s" + (n % 40), "value " + n) != ESP_OK
            || h[0].setU32("counter", n) != ESP_OK) {
          System.exit(3);
        }
        System.out.println(n);
      }
    }
  }

  @Test
  @DisplayName(
      "kill -9 during writes, three times: every reported write is kept, the partition opens")
  void killedWhileWriting() throws Exception {
    long lastReported = -1;
    for (int round = 0; round < 3; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Writer.class.getName(),
                  dir.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      int wanted = 2000 + ThreadLocalRandom.current().nextInt(3000);
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        String line;
        int seen = 0;
        while ((line = out.readLine()) != null && seen++ < wanted) {
          lastReported = Long.parseLong(line.trim());
        }
        child.destroyForcibly(); // SIGKILL on Linux
        child.waitFor();
      }
      assertThat(child.exitValue()).as("killed by signal 9").isEqualTo(137);

      NvsFlash nvs = new NvsFlash(dir);
      assertThat(nvs.init()).isEqualTo(ESP_OK);
      NvsHandle[] h = new NvsHandle[1];
      assertThat(nvs.open("storage", NvsOpenMode.READONLY, h)).isEqualTo(ESP_OK);
      long[] counter = new long[1];
      assertThat(h[0].getU32("counter", counter)).isEqualTo(ESP_OK);
      // the child kept writing after its last line was read: it is at least there, and each
      // string it wrote before the counter is there with the counter's value or the one after
      assertThat(counter[0]).isGreaterThanOrEqualTo(lastReported);
      String[] s = new String[1];
      long n = counter[0];
      assertThat(h[0].getStr("s" + (n % 40), s)).isEqualTo(ESP_OK);
      assertThat(s[0]).isEqualTo("value " + n);
      String[] next = new String[1];
      int err = h[0].getStr("s" + ((n + 1) % 40), next);
      assertThat(err).isEqualTo(ESP_OK);
      assertThat(next[0]).isIn(List.of("value " + (n + 1), "value " + (n + 1 - 40)));
      nvs.deinit();
      lastReported = counter[0];
    }
  }
}
