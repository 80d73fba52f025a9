package dev.switchboard.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The java command line that runs {@link Main} in a child JVM from the tests' own class path, for
 * the tests that start a server as a process of its own (and kill it, or read what it prints).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * @param jvmOptions options added after native access, which every child gets as the launcher
   *     gives it
   * @return java, the options, the class path and {@link Main}; the command's arguments follow
   */
  public static List<String> command(String... jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED"); // as the launcher runs it
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    return cmd;
  }
}
