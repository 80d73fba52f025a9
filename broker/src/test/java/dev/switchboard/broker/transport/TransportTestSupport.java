package dev.switchboard.broker.transport;

import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;

/** What the transport tests share: raw MQTT bytes, a capturing authenticator, external tools. */
final class TransportTestSupport {
  /** How long one expectation may take on a loaded 2-core machine; never what a test asserts. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** Debian's interpreter: the pyenv python3 on PATH lacks paho-mqtt. */
  static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

  private TransportTestSupport() {}

  static ConditionFactory eventually() {
    return await()
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .pollInSameThread();
  }

  static String unique(String prefix) {
    return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }

  // ---------------------------------------------------------------- raw MQTT

  /** An MQTT 3.1.1 CONNECT with clean session, keep alive 60 and this client id (ASCII). */
  static byte[] connect(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x10);
    b.write(12 + id.length); // ids in tests are short: one length byte
    b.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60});
    b.write(id.length >> 8);
    b.write(id.length & 0xff);
    b.writeBytes(id);
    return b.toByteArray();
  }

  /** The 3.1.1 CONNACK that accepts a clean session. */
  static final byte[] CONNACK_ACCEPTED = {0x20, 2, 0, 0};

  /** A PINGREQ, and what the broker answers. */
  static final byte[] PINGREQ = {(byte) 0xC0, 0};

  static final byte[] PINGRESP = {(byte) 0xD0, 0};

  /** Reads exactly {@code n} bytes, or fewer when the peer closes first. */
  static byte[] read(Socket s, int n) throws IOException {
    s.setSoTimeout((int) TIMEOUT.toMillis());
    return s.getInputStream().readNBytes(n);
  }

  /**
   * Whether the peer closes the connection (end of stream or reset) before {@link #TIMEOUT}; bytes
   * it sends first (a TLS alert, an HTTP error) are skipped.
   */
  static boolean closedByPeer(Socket s) throws IOException {
    s.setSoTimeout((int) TIMEOUT.toMillis());
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // skip
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  // ---------------------------------------------------------------- authenticator

  /** Lets everyone in and keeps who came, for tests that look at identities. */
  static final class CapturingAuthenticator implements Authenticator {
    final List<ClientIdentity> identities = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<AuthResult> authenticate(ClientIdentity identity, byte[] password) {
      identities.add(identity);
      return CompletableFuture.completedFuture(
          AuthResult.accept(Principal.of(identity.username())));
    }

    ClientIdentity await(String clientId) {
      eventually().until(() -> identities.stream().anyMatch(i -> i.clientId().equals(clientId)));
      return identities.stream().filter(i -> i.clientId().equals(clientId)).findFirst().get();
    }
  }

  // ---------------------------------------------------------------- external tools

  /** The executable called {@code command} on PATH, if there is one. */
  static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Why python3-paho-mqtt cannot be used here, or empty when it can. */
  static Optional<String> missingPythonPaho() {
    if (!Files.isExecutable(SYSTEM_PYTHON)) {
      return Optional.of(SYSTEM_PYTHON + " is missing; install python3-paho-mqtt");
    }
    try {
      Result r = run(List.of(SYSTEM_PYTHON.toString(), "-c", "import paho.mqtt.client"), TIMEOUT);
      return r.exit() == 0
          ? Optional.empty()
          : Optional.of("python3 cannot import paho.mqtt.client; install python3-paho-mqtt");
    } catch (IOException e) {
      return Optional.of("python3 cannot be run: " + e.getMessage());
    }
  }

  /** What an external command did. */
  record Result(int exit, String stdout, String stderr) {
    String describe() {
      return "exit " + exit + ", stdout: " + stdout.strip() + ", stderr: " + stderr.strip();
    }
  }

  /** Runs a command to its end (killed after {@code timeout}), collecting its output. */
  static Result run(List<String> command, Duration timeout) throws IOException {
    Path out = Files.createTempFile("sb-out", ".txt");
    Path err = Files.createTempFile("sb-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      return finish(p, out, err, timeout);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Result finish(Process p, Path out, Path err, Duration timeout) throws IOException {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        return new Result(-1, Files.readString(out), Files.readString(err) + " (killed: timeout)");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A started command whose output goes to files; {@link #close()} kills it. */
  static final class Background implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    Background(List<String> command) throws IOException {
      out = Files.createTempFile("sb-out", ".txt");
      err = Files.createTempFile("sb-err", ".txt");
      process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
    }

    String stdout() throws IOException {
      return Files.readString(out);
    }

    boolean isAlive() {
      return process.isAlive();
    }

    Result await(Duration timeout) throws IOException {
      return finish(process, out, err, timeout);
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      try {
        process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
