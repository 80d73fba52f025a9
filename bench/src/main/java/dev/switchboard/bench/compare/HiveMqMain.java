package dev.switchboard.bench.compare;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the JVM that {@link HiveMqLauncher} starts: HiveMQ Community Edition, embedded,
 * from the configuration folder the launcher wrote, until SIGTERM.
 *
 * <p>It uses nothing of Switchboard's, so that this JVM runs HiveMQ's code only.
 *
 * <p>Arguments: the configuration folder (config.xml, logback.xml), the data folder and the
 * extensions folder (empty: no extension, anonymous clients allowed, as the embedded edition does
 * by default).
 */
public final class HiveMqMain {
  /** The line printed once HiveMQ listens; the launcher's log shows it. */
  static final String READY = "hivemq ready";

  private HiveMqMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: HiveMqMain CONFIG_DIR DATA_DIR EXTENSIONS_DIR");
      System.exit(2);
    }
    Path config = Path.of(args[0]);
    Path data = Files.createDirectories(Path.of(args[1]));
    Path extensions = Files.createDirectories(Path.of(args[2]));
    EmbeddedHiveMQ hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(config)
            .withDataFolder(data)
            .withExtensionsFolder(extensions)
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM runs the shutdown hooks: stop HiveMQ the way it stops itself, then let main end.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    hivemq.stop().get(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // Exiting anyway: the process ends with the JVM.
                  } finally {
                    stopped.countDown();
                  }
                },
                "hivemq-stop"));
    try {
      hivemq.start().join();
    } catch (RuntimeException e) {
      System.err.println("hivemq failed to start: " + e);
      System.exit(1);
    }
    System.out.println(READY);
    System.out.flush();
    stopped.await();
  }
}
