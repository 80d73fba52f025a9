package dev.switchboard.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Real file-system conditions for tests, where this machine allows them: a small tmpfs to fill, a
 * read-only remount, an immutable file. Each skips the test (saying why) where it is not allowed,
 * typically when not running as root.
 */
final class FileSystems {
  private FileSystems() {}

  /** A tmpfs of {@code size} (e.g. {@code 4m}) mounted on {@code dir} until closed. */
  static Tmpfs mountTmpfs(Path dir, String size) {
    Result r =
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
    if (r.code != 0) {
      String why = "cannot mount a tmpfs here (needs root): " + r.output;
      System.out.println("skipped: " + why);
      Assumptions.abort(why);
    }
    return new Tmpfs(dir);
  }

  /** Sets or clears the immutable attribute, which stops writes by root too. */
  static void immutable(Path file, boolean on) {
    Result r = run("chattr", on ? "+i" : "-i", file.toString());
    if (r.code != 0 && on) {
      String why =
          "cannot make a file immutable here (chattr needs root and ext4/xfs): " + r.output;
      System.out.println("skipped: " + why);
      Assumptions.abort(why);
    }
  }

  static final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
      this.dir = dir;
    }

    void remount(boolean readOnly) {
      Result r = run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), dir.toString());
      if (r.code != 0) {
        throw new IllegalStateException("remount of " + dir + " failed: " + r.output);
      }
    }

    void resize(String size) {
      Result r = run("mount", "-o", "remount,size=" + size, dir.toString());
      if (r.code != 0) {
        throw new IllegalStateException("resize of " + dir + " failed: " + r.output);
      }
    }

    @Override
    public void close() {
      Result r = run("umount", dir.toString());
      if (r.code != 0) {
        run("umount", "-l", dir.toString());
      }
    }
  }

  private record Result(int code, String output) {}

  private static Result run(String... command) {
    List<String> c = new ArrayList<>(List.of(command));
    try {
      Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return new Result(p.waitFor(), out);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
