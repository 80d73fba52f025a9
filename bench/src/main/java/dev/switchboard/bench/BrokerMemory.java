package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's resident memory from {@code /proc/PID/status} (Linux). */
public final class BrokerMemory {
  private BrokerMemory() {}

  /** VmRSS of {@code pid} in kB; throws if the process or the field is not there. */
  public static long rssKb(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "cannot read the resident memory of process " + pid + ": " + e.getMessage());
    }
    throw new IllegalArgumentException("no VmRSS in " + status);
  }
}
