package dev.switchboard.store.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server for tests: its own data directory in a fresh temporary directory,
 * on a free port of 127.0.0.1, with fsync on (tests check durability), password authentication over
 * TCP. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user.
 *
 * <pre>{@code
 * static PostgresServer postgres;
 * @BeforeAll static void start() { postgres = PostgresServer.startOrSkip(); }
 * @AfterAll static void stop() { postgres.close(); }
 * }</pre>
 *
 * One server per test class; {@link #newDatabase()} gives each test an empty database of its own.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String USER = "switchboard";
  private static final String PASSWORD = "switchboard-test";
  private static final String DATABASE = "switchboard";
  private static final String RUN_AS = "postgres";

  private final Path bin;
  private final Path root;
  private final Path data;
  private final int port;
  private final boolean asRoot;
  private final AtomicInteger databases = new AtomicInteger();
  private final Thread shutdownHook;
  private boolean closed;

  private PostgresServer(Path bin, Path root, int port, boolean asRoot) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.port = port;
    this.asRoot = asRoot;
    this.shutdownHook = new Thread(this::stopServer, "postgres-test-server-stop");
  }

  /**
   * Starts a server, or skips the calling test (a JUnit assumption) when PostgreSQL is not
   * installed here. A server that is installed but fails to start fails the test.
   */
  public static PostgresServer startOrSkip() {
    Optional<String> missing = whyUnavailable();
    if (missing.isPresent()) {
      System.out.println("PostgreSQL tests skipped: " + missing.get());
      Assumptions.abort("PostgreSQL tests skipped: " + missing.get());
    }
    return start();
  }

  /**
   * Starts a server.
   *
   * @throws IllegalStateException when PostgreSQL is not installed or does not start
   */
  public static PostgresServer start() {
    Optional<String> missing = whyUnavailable();
    if (missing.isPresent()) {
      throw new IllegalStateException("PostgreSQL unavailable: " + missing.get());
    }
    Path bin = findBinaries().orElseThrow();
    boolean asRoot = isRoot();
    Path root;
    try {
      root = Files.createTempDirectory("switchboard-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostgresServer server = new PostgresServer(bin, root, freePort(), asRoot);
    try {
      server.initAndStart();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Why no server can be started here, or empty if one can. */
  public static Optional<String> whyUnavailable() {
    if (findBinaries().isEmpty()) {
      return Optional.of(
          "no PostgreSQL binaries (initdb, pg_ctl) found via pg_config --bindir or in"
              + " /usr/lib/postgresql/*/bin; install Debian's postgresql package");
    }
    if (isRoot()) {
      if (!Files.isExecutable(Path.of("/usr/sbin/runuser"))
          && !Files.isExecutable(Path.of("/sbin/runuser"))) {
        return Optional.of("running as root and runuser is missing to run PostgreSQL as postgres");
      }
      try {
        Process p = new ProcessBuilder("id", "-u", RUN_AS).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
          return Optional.of("running as root and there is no '" + RUN_AS + "' user to run it as");
        }
      } catch (IOException e) {
        return Optional.of("cannot run id: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.empty();
  }

  /** The folder holding initdb, pg_ctl and postgres, newest version first. */
  public static Optional<Path> findBinaries() {
    List<Path> candidates = new ArrayList<>();
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0 && !out.isEmpty()) {
        candidates.add(Path.of(out));
      }
    } catch (IOException e) {
      // No pg_config on the PATH: look in Debian's place.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions
            .map(v -> v.resolve("bin"))
            .sorted(Comparator.comparing(PostgresServer::versionOf).reversed())
            .forEach(candidates::add);
      } catch (IOException e) {
        // Unreadable: as if absent.
      }
    }
    return candidates.stream()
        .filter(
            d ->
                Files.isExecutable(d.resolve("initdb"))
                    && Files.isExecutable(d.resolve("pg_ctl"))
                    && Files.isExecutable(d.resolve("postgres")))
        .findFirst();
  }

  private static int versionOf(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void initAndStart() {
    try {
      Path pwfile = root.resolve("pwfile");
      Files.writeString(pwfile, PASSWORD + "\n");
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      if (asRoot) {
        run(List.of("chown", "-R", RUN_AS + ":", root.toString()), false);
      }
      run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              USER,
              "--pwfile=" + pwfile,
              "--auth-host=scram-sha-256",
              "--auth-local=trust",
              "--encoding=UTF8",
              "--locale=C",
              // Only initdb's own flush of its files; the server below runs with fsync on.
              "--no-sync"),
          true);
      String conf =
          String.join(
              "\n",
              "",
              "listen_addresses = '127.0.0.1'",
              "port = " + port,
              "unix_socket_directories = '" + root + "'",
              "fsync = on",
              "synchronous_commit = on",
              "full_page_writes = on",
              "max_connections = 40",
              "shared_buffers = 16MB",
              "logging_collector = off",
              "");
      Files.writeString(
          data.resolve("postgresql.conf"),
          conf,
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-l",
              root.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "start"),
          true);
      try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL test server: " + e.getMessage(), e);
    }
  }

  private void run(List<String> command, boolean asServerUser) {
    List<String> full = new ArrayList<>();
    if (asRoot && asServerUser) {
      full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
    }
    full.addAll(command);
    try {
      Process p =
          new ProcessBuilder(full).redirectErrorStream(true).directory(root.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", full));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", full)
                + " exited with "
                + p.exitValue()
                + ": "
                + new String(out, StandardCharsets.UTF_8)
                + serverLog());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", full), e);
    }
  }

  private String serverLog() {
    Path log = root.resolve("server.log");
    try {
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/switchboard}, an empty database made at start. */
  public String jdbcUrl() {
    return url(DATABASE);
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  public int port() {
    return port;
  }

  /** A new, empty database on this server; its URL. */
  public String newDatabase() {
    String name = "test_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Stops the server at once (no checkpoint: as a crash would) and deletes its directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopServer();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // The JVM is already shutting down, or the hook was never added.
    }
    deleteRecursively(root);
  }

  private void stopServer() {
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-m",
                "immediate",
                "-w",
                "stop"),
            true);
      } catch (RuntimeException e) {
        System.err.println("PostgreSQL test server did not stop: " + e.getMessage());
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("cannot delete " + dir + ": " + e.getMessage());
    }
  }
}
