package dev.switchboard.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary directories the benchmarks start their brokers in. */
public final class ScratchDirectory {
  private ScratchDirectory() {}

  /**
   * Deletes {@code root} and everything below it, as far as it can: a temporary directory left
   * behind is harmless, and must not hide the figures of the runs that used it.
   */
  public static void delete(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // left behind: see above
    }
  }
}
