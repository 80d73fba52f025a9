package dev.switchboard.broker.interop;

import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.session.Session;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * What the interop tests share: unique names, a thread-safe inbox for Java clients, checks that an
 * external tool is installed, and a runner for external client processes that are always killed.
 */
final class InteropSupport {
  /** How long any single expectation may take; generous for a loaded 2-core machine. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Debian's interpreter: the pyenv python3 on PATH lacks paho-mqtt. */
  static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

  private InteropSupport() {}

  /** Awaitility with this suite's timeout, polling often so that tests stay fast. */
  static ConditionFactory eventually() {
    return await()
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .pollInSameThread();
  }

  /** A step that may throw, e.g. a blocking client call. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  /**
   * Runs blocking steps at once, each on its own virtual thread, and waits for all of them. Paho
   * Java spends about 300 ms in every connect (its threads start with 100 ms sleeps), so clients
   * connect side by side to keep the suite fast.
   */
  static void inParallel(Step... steps) throws Exception {
    List<Thread> threads = new ArrayList<>(steps.length);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (Step step : steps) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      step.run();
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
    }
    for (Thread t : threads) {
      if (!t.join(TIMEOUT.multipliedBy(2))) {
        throw new AssertionError(
            "a parallel step did not finish within " + TIMEOUT.multipliedBy(2));
      }
    }
    if (!failures.isEmpty()) {
      Throwable first = failures.get(0);
      if (first instanceof Exception e) {
        throw e;
      }
      if (first instanceof Error e) {
        throw e;
      }
      throw new AssertionError(first);
    }
  }

  // ---------------------------------------------------------------- names

  /** A topic no other test uses, so tests may share one broker (and its retained store). */
  static String topic(String name) {
    return "interop/" + name + "/" + randomHex(8);
  }

  /** A client id of at most 23 characters, so that MQTT 3.1 accepts it too. */
  static String clientId(String prefix) {
    String p = prefix.length() > 14 ? prefix.substring(0, 14) : prefix;
    return p + "-" + randomHex(8);
  }

  private static String randomHex(int digits) {
    long bits = ThreadLocalRandom.current().nextLong();
    String hex = Long.toHexString(bits | Long.MIN_VALUE);
    return hex.substring(hex.length() - digits);
  }

  // ---------------------------------------------------------------- received messages

  /** One application message as a client saw it. */
  record Received(String topic, String payload, int qos, boolean retained) {
    static Received of(String topic, byte[] payload, int qos, boolean retained) {
      return new Received(topic, new String(payload, StandardCharsets.UTF_8), qos, retained);
    }
  }

  /** Messages a client's callback hands over from its own threads, in arrival order. */
  static final class Inbox<T> {
    private final List<T> items = new CopyOnWriteArrayList<>();

    void add(T item) {
      items.add(item);
    }

    List<T> all() {
      return List.copyOf(items);
    }

    int size() {
      return items.size();
    }

    /** Waits for at least {@code count} items and returns all of them. */
    List<T> await(int count) {
      return await(count, () -> null);
    }

    /**
     * Waits for at least {@code count} items, or fails early once {@code problem} names a reason
     * they cannot come (e.g. the client was disconnected).
     */
    List<T> await(int count, Supplier<String> problem) {
      try {
        eventually().until(() -> items.size() >= count || problem.get() != null);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "expected " + count + " message(s) within " + TIMEOUT + ", got " + items, e);
      }
      if (items.size() < count) {
        throw new AssertionError(
            "expected " + count + " message(s), got " + items + " and then: " + problem.get());
      }
      return all();
    }

    /** Waits for the first item that {@code matches} and returns the items that came before it. */
    List<T> awaitAndTakeBefore(Predicate<T> matches) {
      try {
        eventually().until(() -> items.stream().anyMatch(matches));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("no matching message within " + TIMEOUT + ", got " + items, e);
      }
      List<T> before = new ArrayList<>();
      for (T item : items) {
        if (matches.test(item)) {
          break;
        }
        before.add(item);
      }
      return before;
    }
  }

  /** Things to close after a test, last registered first, whatever fails on the way. */
  static final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    <T extends AutoCloseable> T register(T resource) {
      resources.push(resource);
      return resource;
    }

    @Override
    public void close() {
      while (!resources.isEmpty()) {
        try {
          resources.pop().close();
        } catch (Exception e) {
          // Cleanup of a client that already failed or is gone: nothing a test can assert on.
        }
      }
    }
  }

  // ---------------------------------------------------------------- broker state

  /**
   * Waits until the broker routes {@code topic} to the session of {@code clientId}: how tests know
   * that an external client, whose output says nothing before its first message, has subscribed.
   */
  static void awaitSubscribed(Broker broker, String clientId, String topic) {
    try {
      eventually().until(() -> routesTo(broker, clientId, topic));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(clientId + " did not subscribe to " + topic + " in " + TIMEOUT, e);
    }
  }

  /**
   * Like {@link #awaitSubscribed(Broker, String, String)} for an external client, which may also
   * have finished already (e.g. {@code -C 1} satisfied by a retained message); fails with its
   * output otherwise.
   */
  static void awaitSubscribed(
      Broker broker, String clientId, String topic, ExternalProcess process) {
    try {
      eventually().until(() -> routesTo(broker, clientId, topic) || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          clientId
              + " did not subscribe to "
              + topic
              + " in "
              + TIMEOUT
              + ": "
              + process.describe(),
          e);
    }
  }

  /** Waits until {@code clientId} has a session with a connection attached. */
  static void awaitOnline(Broker broker, String clientId) {
    try {
      eventually()
          .until(
              () -> {
                Session s = broker.sessions().get(clientId);
                return s != null && s.isOnline();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(clientId + " did not connect within " + TIMEOUT, e);
    }
  }

  private static boolean routesTo(Broker broker, String clientId, String topic) {
    AtomicBoolean found = new AtomicBoolean();
    broker
        .subscriptions()
        .match(
            topic,
            new SubscriptionIndex.MatchSink<>() {
              @Override
              public void subscriber(Subscriber subscriber, String filterKey) {
                if (subscriber.clientId().equals(clientId)) {
                  found.set(true);
                }
              }

              @Override
              public void sharedGroup(SubscriptionIndex.SharedGroup<Subscriber> group) {
                for (Subscriber member : group.members()) {
                  if (member.clientId().equals(clientId)) {
                    found.set(true);
                  }
                }
              }
            });
    return found.get();
  }

  // ---------------------------------------------------------------- tools

  /** The executable called {@code command} on PATH, if there is one. */
  static Optional<Path> findOnPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Why tests that need {@code command} cannot run here, or empty when it is on PATH. Tests check
   * it in {@code @BeforeEach} with {@link #assumeAvailable}, so that each is reported as skipped
   * with the reason (an assumption failing in {@code @BeforeAll} makes Surefire report none).
   */
  static Optional<String> missingCommand(String command, String packageHint) {
    return findOnPath(command).isPresent()
        ? Optional.empty()
        : Optional.of(
            command + " is not on PATH; install " + packageHint + " to run these interop tests");
  }

  /** Prints why a test class will skip its tests, once, for whoever reads the test output. */
  static Optional<String> reportMissing(Optional<String> missing) {
    missing.ifPresent(reason -> System.out.println("SKIPPED: " + reason));
    return missing;
  }

  /** Skips the calling test if {@code missing} names a reason; JUnit reports it as the cause. */
  static void assumeAvailable(Optional<String> missing) {
    Assumptions.assumeTrue(missing.isEmpty(), missing.orElse(""));
  }

  /** The first line {@code command} prints, or empty if it fails or is not there. */
  static Optional<String> firstLineOf(List<String> command) {
    try (ExternalProcess p = ExternalProcess.start("probe", command)) {
      if (p.awaitExit(TIMEOUT) != 0 || p.stdout().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(p.stdout().get(0).trim());
    } catch (IOException | RuntimeException | AssertionError e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- external processes

  /**
   * An external client: its stdout and stderr collected line by line as they come, and a {@link
   * #close()} that kills it (SIGKILL) and waits, so that no test leaves one behind.
   */
  static final class ExternalProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private ExternalProcess(String name, List<String> command, Process process) {
      this.name = name;
      this.command = List.copyOf(command);
      this.process = process;
      this.stdoutReader = reader(name + "-stdout", process.getInputStream(), stdout);
      this.stderrReader = reader(name + "-stderr", process.getErrorStream(), stderr);
    }

    /** Runs a command that ends by itself (a publisher) and fails unless it exits with 0. */
    static ExternalProcess run(String name, List<String> command) throws IOException {
      try (ExternalProcess p = start(name, command)) {
        p.awaitSuccess();
        return p;
      }
    }

    static ExternalProcess start(String name, List<String> command) throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      Process process = pb.start();
      process.getOutputStream().close(); // no client here reads stdin; EOF at once
      return new ExternalProcess(name, command, process);
    }

    private static Thread reader(String threadName, InputStream in, List<String> sink) {
      Thread t =
          Thread.ofPlatform()
              .name(threadName)
              .daemon()
              .start(
                  () -> {
                    try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = r.readLine()) != null) {
                        sink.add(line);
                      }
                    } catch (IOException e) {
                      // the process was killed; what was read is kept
                    }
                  });
      return t;
    }

    List<String> stdout() {
      return List.copyOf(stdout);
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** Waits for a stdout line that {@code matches}; fails with everything the process said. */
    String awaitLine(Predicate<String> matches) {
      try {
        eventually().until(() -> stdout.stream().anyMatch(matches) || !process.isAlive());
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("no expected line within " + TIMEOUT + " from " + describe(), e);
      }
      if (!process.isAlive()) {
        drainReaders(); // it may have printed the line just before it ended
      }
      return stdout.stream()
          .filter(matches)
          .findFirst()
          .orElseThrow(
              () -> new AssertionError("process ended without the expected line: " + describe()));
    }

    /** Waits for the process to end; kills it and fails if it takes longer than {@code limit}. */
    int awaitExit(Duration limit) {
      try {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          kill();
          throw new AssertionError("still running after " + limit + ", killed: " + describe());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        throw new AssertionError("interrupted while waiting for " + describe(), e);
      }
      drainReaders();
      return process.exitValue();
    }

    /** Waits for a successful exit; fails with the output otherwise. */
    void awaitSuccess() {
      int code = awaitExit(TIMEOUT);
      if (code != 0) {
        throw new AssertionError("exit code " + code + " from " + describe());
      }
    }

    /** SIGKILL: the client gets no chance to send DISCONNECT; the kernel closes its socket. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** After the process ended, lets the readers take its last lines. */
    private void drainReaders() {
      try {
        stdoutReader.join(2000);
        stderrReader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String describe() {
      return name
          + " "
          + command
          + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
          + "\n  stdout: "
          + stdout
          + "\n  stderr: "
          + stderr;
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        kill();
      }
    }
  }
}
