package dev.switchboard.app;

import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.HiveMqLauncher;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How {@code bench compare --peer hivemq} starts HiveMQ CE: the running JVM's java, with HiveMQ and
 * the libraries it needs beyond this distribution's (resolved by the bench module and copied by the
 * build to {@code target/hivemq-lib} beside {@code target/lib}) ahead of this distribution's class
 * path. The broker's own class path never has them.
 */
final class HiveMqProcess {
  /** Replaces {@link HiveMqLauncher#DEFAULT_JVM_OPTIONS} (e.g. for another heap size). */
  static final String JAVA_OPTS_VARIABLE = "SWITCHBOARD_HIVEMQ_JAVA_OPTS";

  private HiveMqProcess() {}

  /** The launcher, or null when this build has no target/hivemq-lib (it is made by package). */
  static BrokerLauncher launcher() {
    Path lib = libDirectory();
    if (lib == null || !Files.isDirectory(lib)) {
      return null;
    }
    // HiveMQ's libraries first: where a version differs from the rest of the class path's
    // (JCTools), HiveMQ's is the one it runs with.
    String classPath =
        lib.resolve("*") + File.pathSeparator + System.getProperty("java.class.path");
    String opts = System.getenv(JAVA_OPTS_VARIABLE);
    List<String> options =
        opts == null || opts.isBlank()
            ? HiveMqLauncher.DEFAULT_JVM_OPTIONS
            : Arrays.stream(opts.trim().split("\\s+")).toList();
    return new HiveMqLauncher(SwitchboardProcess.java(), classPath, options);
  }

  /** target/hivemq-lib beside the app's jar (or its target/classes). */
  private static Path libDirectory() {
    try {
      Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = self.getParent();
      return target == null ? null : target.resolve("hivemq-lib");
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
