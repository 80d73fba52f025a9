package dev.switchboard.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Mosquitto broker ({@code /usr/sbin/mosquitto}, package {@code mosquitto}) as a child
 * process, for tests that drive a client against a real broker other than Switchboard.
 *
 * <p>Each instance has its own temporary directory with a generated {@code mosquitto.conf}, a
 * password file when users are given, and {@code mosquitto.log}. Every listener is on 127.0.0.1 and
 * a port that was free when the instance was built: a plain TCP listener always, a TLS listener and
 * a WebSocket listener when asked for. Persistence is off.
 *
 * <pre>{@code
 * @BeforeAll
 * static void mosquitto() {
 *   Assumptions.assumeTrue(MosquittoBroker.skipReason().isEmpty(),
 *       () -> MosquittoBroker.skipReason().orElseThrow());
 * }
 *
 * try (MosquittoBroker mosquitto =
 *     MosquittoBroker.builder().tls(pki, server).websockets().user("alice", "secret").start()) {
 *   ... mosquitto.port(), mosquitto.tlsPort(), mosquitto.wsPort() ...
 *   mosquitto.stop();   // clients see the broker go away
 *   mosquitto.start();  // back on the same ports, with the same configuration
 * }
 * }</pre>
 *
 * <p>The WebSocket listener of Debian 12's build (Mosquitto 2.0.11 with libwebsockets 4.1.6)
 * honours its bind address only together with {@code socket_domain ipv4}, which this class writes
 * for every listener; without it the WebSocket listener would listen on all interfaces. Mosquitto
 * serves MQTT over WebSocket on any path; clients usually ask for {@code /mqtt} and subprotocol
 * {@code mqtt}.
 *
 * <p>Not thread-safe; one test (or test class) owns an instance.
 */
public final class MosquittoBroker implements AutoCloseable {
  /** The address every listener binds. */
  public static final String HOST = "127.0.0.1";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final int LOG_TAIL_LINES = 30;

  /** Instances whose process may still run; killed when the JVM exits, should a test leak one. */
  private static final Set<MosquittoBroker> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> LIVE.forEach(MosquittoBroker::kill), "mosquitto-broker-fixture-cleanup"));
  }

  private final Path executable;
  private final Path dir;
  private final boolean ownsDir;
  private final Path configFile;
  private final Path logFile;
  private final Path outputFile;
  private final int port;
  private final int tlsPort;
  private final int wsPort;
  private volatile Process process;
  private boolean closed;

  private MosquittoBroker(Builder b) throws IOException {
    this.executable = mosquitto().orElseThrow(() -> new IllegalStateException(missing()));
    this.ownsDir = b.dir == null;
    this.dir = ownsDir ? Files.createTempDirectory("mosquitto-") : Files.createDirectories(b.dir);
    this.configFile = dir.resolve("mosquitto.conf");
    this.logFile = dir.resolve("mosquitto.log");
    this.outputFile = dir.resolve("mosquitto.out");
    this.port = freePort();
    this.tlsPort = b.tls == null ? -1 : freePort();
    this.wsPort = b.websockets ? freePort() : -1;
    Path passwordFile = b.users.isEmpty() ? null : writePasswordFile(b.users);
    Files.writeString(configFile, config(b, passwordFile), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- availability

  /**
   * Why tests that need Mosquitto cannot run here, or empty when they can: the {@code mosquitto}
   * package provides both {@code mosquitto} and {@code mosquitto_passwd}.
   */
  public static Optional<String> skipReason() {
    if (mosquitto().isEmpty()) {
      return Optional.of(missing());
    }
    if (mosquittoPasswd().isEmpty()) {
      return Optional.of(
          "mosquitto_passwd is not installed (it comes with Debian's mosquitto package)");
    }
    return Optional.empty();
  }

  /** Whether {@link #skipReason()} is empty. */
  public static boolean available() {
    return skipReason().isEmpty();
  }

  private static String missing() {
    return "Mosquitto is not installed: /usr/sbin/mosquitto not found"
        + " (sudo apt-get install mosquitto)";
  }

  private static Optional<Path> mosquitto() {
    return find("mosquitto", "/usr/sbin", "/usr/local/sbin");
  }

  private static Optional<Path> mosquittoPasswd() {
    return find("mosquitto_passwd", "/usr/bin", "/usr/local/bin");
  }

  /** {@code name} in one of {@code dirs}, else on the PATH. */
  private static Optional<Path> find(String name, String... dirs) {
    List<String> candidates = new ArrayList<>(List.of(dirs));
    String path = System.getenv("PATH");
    if (path != null) {
      candidates.addAll(List.of(path.split(":")));
    }
    return candidates.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  // ---------------------------------------------------------------- building

  public static Builder builder() {
    return new Builder();
  }

  /** What the broker listens on and whom it lets in. */
  public static final class Builder {
    private Path dir;
    private Tls tls;
    private boolean requireCertificate;
    private boolean useIdentityAsUsername;
    private boolean websockets;
    private boolean allowAnonymous = true;
    private final Map<String, String> users = new LinkedHashMap<>();
    private final List<String> extraConfig = new ArrayList<>();

    private record Tls(Path caFile, Path certFile, Path keyFile) {}

    private Builder() {}

    /**
     * Puts the configuration, password file and log in {@code dir} (e.g. a JUnit {@code @TempDir})
     * instead of a temporary directory of its own, which {@link #close()} deletes.
     */
    public Builder dir(Path dir) {
      this.dir = Objects.requireNonNull(dir);
      return this;
    }

    /**
     * Adds a TLS listener that presents {@code server} (issued by {@code pki} for 127.0.0.1) and,
     * when client certificates are asked for, trusts {@code pki}'s CA for them.
     */
    public Builder tls(TestPki pki, TestPki.Issued server) {
      return tls(pki.caFile(), server.certificateFile(), server.keyFile());
    }

    /**
     * Adds a TLS listener with these PEM files ({@code cafile}, {@code certfile}, {@code keyfile}).
     */
    public Builder tls(Path caFile, Path certFile, Path keyFile) {
      this.tls = new Tls(caFile, certFile, keyFile);
      return this;
    }

    /**
     * The TLS listener refuses clients without a certificate of the CA ({@code
     * require_certificate}).
     */
    public Builder requireCertificate() {
      this.requireCertificate = true;
      return this;
    }

    /**
     * The TLS listener requires a client certificate and takes its Common Name as the username
     * ({@code use_identity_as_username}); such clients need no password.
     */
    public Builder useIdentityAsUsername() {
      this.requireCertificate = true;
      this.useIdentityAsUsername = true;
      return this;
    }

    /** Adds a WebSocket listener ({@code protocol websockets}, plain, any path). */
    public Builder websockets() {
      this.websockets = true;
      return this;
    }

    /** Whether clients without a username get in ({@code allow_anonymous}); true by default. */
    public Builder allowAnonymous(boolean allow) {
      this.allowAnonymous = allow;
      return this;
    }

    /**
     * A user of the password file: a client that gives this username must give this password
     * (CONNACK 5, not authorized, otherwise), whether or not anonymous clients are allowed.
     */
    public Builder user(String username, String password) {
      if (username.isEmpty() || username.contains(":")) {
        throw new IllegalArgumentException(
            "a username for mosquitto_passwd is not empty and has no ':': " + username);
      }
      users.put(username, Objects.requireNonNull(password));
      return this;
    }

    /**
     * A line of mosquitto.conf that applies to the whole broker (e.g. {@code max_keepalive 10},
     * {@code retain_available false}); written before the listeners.
     */
    public Builder config(String line) {
      if (line.contains("\n")) {
        throw new IllegalArgumentException("one line at a time: " + line);
      }
      extraConfig.add(line);
      return this;
    }

    /**
     * Builds the instance and starts Mosquitto; returns once every listener accepts connections.
     */
    public MosquittoBroker start() {
      if (requireCertificate && tls == null) {
        throw new IllegalStateException("client certificates need a TLS listener: call tls(...)");
      }
      MosquittoBroker broker;
      try {
        broker = new MosquittoBroker(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare Mosquitto's files", e);
      }
      try {
        broker.start();
      } catch (RuntimeException | Error e) {
        broker.close();
        throw e;
      }
      return broker;
    }
  }

  private String config(Builder b, Path passwordFile) {
    List<String> lines = new ArrayList<>();
    lines.add("# written by " + MosquittoBroker.class.getName());
    // Only has an effect when run as root, when Mosquitto would otherwise switch to user
    // 'mosquitto', which cannot write the log in this directory.
    lines.add("user " + System.getProperty("user.name"));
    lines.add("per_listener_settings false");
    lines.add("persistence false");
    lines.add("log_dest file " + logFile);
    lines.add("log_type all");
    lines.add("connection_messages true");
    lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
    lines.add("allow_anonymous " + b.allowAnonymous);
    if (passwordFile != null) {
      lines.add("password_file " + passwordFile);
    }
    lines.addAll(b.extraConfig);
    lines.add("");
    listener(lines, port);
    if (b.tls != null) {
      lines.add("");
      listener(lines, tlsPort);
      lines.add("cafile " + b.tls.caFile().toAbsolutePath());
      lines.add("certfile " + b.tls.certFile().toAbsolutePath());
      lines.add("keyfile " + b.tls.keyFile().toAbsolutePath());
      lines.add("require_certificate " + b.requireCertificate);
      lines.add("use_identity_as_username " + b.useIdentityAsUsername);
    }
    if (b.websockets) {
      lines.add("");
      listener(lines, wsPort);
      lines.add("protocol websockets");
    }
    return String.join("\n", lines) + "\n";
  }

  private static void listener(List<String> lines, int port) {
    lines.add("listener " + port + " " + HOST);
    // Without it, libwebsockets 4.1 cannot match 127.0.0.1 to an interface and listens on all.
    lines.add("socket_domain ipv4");
  }

  private Path writePasswordFile(Map<String, String> users) throws IOException {
    Path file = dir.resolve("passwords");
    Path tool =
        mosquittoPasswd()
            .orElseThrow(
                () -> new IllegalStateException("mosquitto_passwd is not installed: " + missing()));
    boolean first = true;
    for (Map.Entry<String, String> user : users.entrySet()) {
      List<String> command = new ArrayList<>(List.of(tool.toString()));
      if (first) {
        command.add("-c"); // create (or overwrite) the file
      }
      command.addAll(List.of("-b", file.toString(), user.getKey(), user.getValue()));
      run(command);
      first = false;
    }
    return file;
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within 10 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            command.get(0) + " failed with exit code " + p.exitValue() + ": " + output.strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
  }

  /** A port on 127.0.0.1 that nothing listens on now. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- running

  /**
   * Starts Mosquitto, on the ports and with the configuration of this instance, and waits (up to 10
   * s) until every listener accepts a TCP connection.
   *
   * @throws IllegalStateException if it runs already, or if it exits or does not get ready in time
   *     (with the end of its log)
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("Mosquitto runs already (pid " + process.pid() + ")");
    }
    try {
      process =
          new ProcessBuilder(executable.toString(), "-c", configFile.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
    LIVE.add(this);
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (int p : ports()) {
      while (!accepts(p)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Mosquitto exited with code "
                  + process.exitValue()
                  + " before port "
                  + p
                  + " accepted connections"
                  + diagnostics());
        }
        if (System.nanoTime() > deadline) {
          kill();
          throw new IllegalStateException(
              "Mosquitto did not accept connections on port "
                  + p
                  + " within "
                  + READY_TIMEOUT
                  + diagnostics());
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          kill();
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Mosquitto", e);
        }
      }
    }
    if (!process.isAlive()) {
      // Another process took one of the ports between freePort() and Mosquitto's bind.
      throw new IllegalStateException(
          "Mosquitto exited with code " + process.exitValue() + diagnostics());
    }
  }

  private List<Integer> ports() {
    return Stream.of(port, tlsPort, wsPort).filter(p -> p > 0).toList();
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Stops Mosquitto (SIGTERM, then SIGKILL after 5 s) and waits until it has exited; its clients
   * lose their connections. {@link #start()} brings it back on the same ports. Does nothing when it
   * is not running.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
    LIVE.remove(this);
  }

  /** SIGKILL at once, e.g. from the shutdown hook. */
  private void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /** Whether the Mosquitto process is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The process id, while it runs. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("Mosquitto is not running");
    }
    return process.pid();
  }

  /**
   * Stops Mosquitto and deletes the temporary directory (unless the builder was given one). Safe to
   * call more than once.
   */
  @Override
  public synchronized void close() {
    stop();
    if (!closed && ownsDir) {
      deleteQuietly(dir);
    }
    closed = true;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory that stays behind is harmless
    }
  }

  // ---------------------------------------------------------------- accessors

  /** {@value #HOST}. */
  public String host() {
    return HOST;
  }

  /** The plain MQTT (TCP) listener's port. */
  public int port() {
    return port;
  }

  /** The TLS listener's port; only with {@link Builder#tls}. */
  public int tlsPort() {
    if (tlsPort < 0) {
      throw new IllegalStateException("no TLS listener: build with tls(...)");
    }
    return tlsPort;
  }

  /** The WebSocket listener's port; only with {@link Builder#websockets()}. */
  public int wsPort() {
    if (wsPort < 0) {
      throw new IllegalStateException("no WebSocket listener: build with websockets()");
    }
    return wsPort;
  }

  /** Mosquitto's log (all log types, connection messages included). */
  public Path logFile() {
    return logFile;
  }

  /** The generated mosquitto.conf. */
  public Path configFile() {
    return configFile;
  }

  /**
   * The last lines of Mosquitto's log and of its standard output and error, for failure messages.
   */
  public String logTail() {
    return tail(logFile) + tail(outputFile);
  }

  private String diagnostics() {
    return "\n--- " + configFile + "\n" + read(configFile) + logTail();
  }

  private static String tail(Path file) {
    if (!Files.exists(file)) {
      return "";
    }
    List<String> lines = read(file).lines().toList();
    return "--- "
        + file
        + " (last "
        + LOG_TAIL_LINES
        + " lines)\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()))
        + "\n";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }

  @Override
  public String toString() {
    return "MosquittoBroker[port=" + port + ", tlsPort=" + tlsPort + ", wsPort=" + wsPort + "]";
  }
}
