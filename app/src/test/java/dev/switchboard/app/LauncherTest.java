package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./switchboard} launcher's JVM options (issue 21, defect 6): a bounded heap and direct
 * memory by default, {@code SWITCHBOARD_HEAP} and {@code SWITCHBOARD_JAVA_OPTS} to change them,
 * seen through {@code --print-java-command}, which prints the command instead of running it (and
 * never builds). And that the direct memory limit binds the Netty allocator the broker's channels
 * use.
 */
class LauncherTest {
  private static final Path LAUNCHER =
      Path.of("").toAbsolutePath().getParent().resolve("switchboard");
  private static final Pattern HEAP = Pattern.compile("-Xmx(\\d+)m");
  private static final Pattern DIRECT = Pattern.compile("-XX:MaxDirectMemorySize=(\\d+)m");

  @TempDir Path dir;

  private record Run(int exitCode, List<String> command, String stderr) {
    String option(Pattern p) {
      return command.stream().filter(p.asMatchPredicate()).findFirst().orElse(null);
    }

    long mib(Pattern p) {
      String opt = option(p);
      assertThat(opt).as("an option like %s in %s", p, command).isNotNull();
      Matcher m = p.matcher(opt);
      assertThat(m.matches()).isTrue();
      return Long.parseLong(m.group(1));
    }
  }

  /** {@code ./switchboard --print-java-command start --dev} with {@code env} added. */
  private Run printCommand(Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", LAUNCHER.toString(), "--print-java-command", "start", "--dev")
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // the JDK running the tests
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
    List<String> command = out.isBlank() ? List.of() : List.of(out.strip().split(" "));
    return new Run(p.exitValue(), command, Files.readString(dir.resolve("stderr.txt")));
  }

  @Test
  void byDefaultTheHeapIsAQuarterOfTheMemoryWithinBoundsAndDirectMemoryHalfOfIt() throws Exception {
    assertThat(LAUNCHER).isRegularFile();
    Run run = printCommand(Map.of());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).as("nothing built, nothing said").isEmpty();
    assertThat(run.command().getFirst()).endsWith("/bin/java");
    assertThat(run.command())
        .contains("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", Main.class.getName())
        .endsWith("start", "--dev");
    long heap = run.mib(HEAP);
    assertThat(heap).isBetween(256L, 1024L);
    assertThat(run.mib(DIRECT)).isEqualTo(heap / 2);
  }

  @Test
  void compactHeadersAndNettysUnsafeAreOnByDefaultOnJdksThatHaveThemAndLeftToJavaOptsOtherwise()
      throws Exception {
    Run defaults = printCommand(Map.of());
    assertThat(defaults.exitCode()).as(defaults.stderr()).isZero();
    if (Runtime.version().feature() >= 25) {
      assertThat(defaults.command()).contains("-XX:+UseCompactObjectHeaders");
    } else {
      // JDK 21 to 24 do not know it as a product option and would refuse to start
      assertThat(defaults.command()).doesNotContain("-XX:+UseCompactObjectHeaders");
    }
    if (Runtime.version().feature() >= 23) {
      // Netty's direct buffers as on JDK 21; JDK 21 and 22 do not know the option
      assertThat(defaults.command()).contains("--sun-misc-unsafe-memory-access=allow");
    } else {
      assertThat(defaults.command()).doesNotContain("--sun-misc-unsafe-memory-access=allow");
    }
    Run own = printCommand(Map.of("SWITCHBOARD_JAVA_OPTS", "-XX:+UseSerialGC"));
    assertThat(own.exitCode()).as(own.stderr()).isZero();
    assertThat(own.command()).contains("-XX:+UseSerialGC");
    assertThat(own.command())
        .doesNotContain(
            "-XX:+UseCompactObjectHeaders",
            "-XX:+UseG1GC",
            "--sun-misc-unsafe-memory-access=allow");
  }

  @Test
  void switchboardHeapSetsTheHeapAndDirectMemoryFollows() throws Exception {
    Run run = printCommand(Map.of("SWITCHBOARD_HEAP", "2g"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.mib(HEAP)).isEqualTo(2048);
    assertThat(run.mib(DIRECT)).isEqualTo(1024);
    assertThat(run.command()).contains("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");

    Run small = printCommand(Map.of("SWITCHBOARD_HEAP", "300M"));
    assertThat(small.mib(HEAP)).isEqualTo(300);
    assertThat(small.mib(DIRECT)).isEqualTo(150);
  }

  @Test
  void javaOptsReplaceTheDefaultsAndKeepTheSizesUnlessTheySizeTheHeap() throws Exception {
    Run gcOnly = printCommand(Map.of("SWITCHBOARD_JAVA_OPTS", "-XX:+UseSerialGC -Xss512k"));
    assertThat(gcOnly.exitCode()).as(gcOnly.stderr()).isZero();
    assertThat(gcOnly.command())
        .contains("-XX:+UseSerialGC", "-Xss512k")
        .doesNotContain("-XX:+UseG1GC");
    assertThat(gcOnly.mib(HEAP)).isBetween(256L, 1024L);
    assertThat(gcOnly.option(DIRECT)).isNotNull();

    Run sized = printCommand(Map.of("SWITCHBOARD_JAVA_OPTS", "-Xmx3g", "SWITCHBOARD_HEAP", "2g"));
    assertThat(sized.exitCode()).as(sized.stderr()).isZero();
    assertThat(sized.command()).contains("-Xmx3g");
    assertThat(sized.option(HEAP)).as("no heap of the launcher's").isNull();
    assertThat(sized.option(DIRECT)).as("direct memory as the JVM sizes it: the heap").isNull();
  }

  @Test
  void aHeapThatIsNotASizeIsOneLineAndExitCodeOne() throws Exception {
    for (String bad : List.of("banana", "2", "2gb", "-1g", "32m")) {
      Run run = printCommand(Map.of("SWITCHBOARD_HEAP", bad));
      assertThat(run.exitCode()).as(bad).isEqualTo(1);
      assertThat(run.command()).as(bad).isEmpty();
      assertThat(run.stderr().strip().lines()).as(bad).hasSize(1);
      assertThat(run.stderr()).startsWith("switchboard: SWITCHBOARD_HEAP=" + bad + " ");
    }
  }

  @Test
  void theDirectMemoryLimitBindsNettysDefaultAllocator() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:MaxDirectMemorySize=32m");
    cmd.add("--enable-native-access=ALL-UNNAMED"); // as the launcher runs it
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DirectMemoryProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    // the probe's last line: "<netty's limit> <bytes allocated before the failure> <failure>"
    String[] last = out.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
    assertThat(Long.parseLong(last[0])).as(out).isEqualTo(32L << 20);
    assertThat(Long.parseLong(last[1])).as(out).isPositive().isLessThanOrEqualTo(32L << 20);
    assertThat(last[2]).as("refused at the limit: %s", out).isNotEqualTo("none");
  }
}
