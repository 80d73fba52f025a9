package dev.switchboard.bench.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A broker running in a child process on a loopback port; closing it stops it (SIGTERM, then KILL).
 */
public final class BrokerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  BrokerProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Starts {@code command} with its output in {@code log} and waits until it listens on {@code
   * port}; a broker that dies, does not listen in time, or is waited for by an interrupted thread
   * is stopped and the reason thrown.
   */
  static BrokerProcess start(
      String name, ProcessBuilder command, int port, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    command.redirectErrorStream(true);
    command.redirectOutput(log.toFile());
    BrokerProcess p = new BrokerProcess(name, command.start(), port, log);
    try {
      p.awaitListening(port, timeoutSeconds);
      return p;
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /**
   * Waits until {@code port} on 127.0.0.1 accepts connections (the broker's, or another listener of
   * its process); throws with the log's tail if the broker died or the time ran out.
   */
  public void awaitListening(int port, long timeoutSeconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + ": " + logTail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        if (s.getLocalPort() != port) {
          return;
        }
        // A TCP self-connect: the probe got the very port it was probing as its own, which
        // happens with ports from the ephemeral range; nobody is listening yet.
        Thread.sleep(50);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException(
        name
            + " did not listen on 127.0.0.1:"
            + port
            + " within "
            + timeoutSeconds
            + " s: "
            + logTail());
  }

  /**
   * Why the process ended, in a few words: a JVM started with -XX:+ExitOnOutOfMemoryError names the
   * error in its output before it exits.
   */
  String deathReason() {
    if (process.isAlive()) {
      return "still running";
    }
    try {
      if (Files.exists(log) && Files.readString(log).contains("OutOfMemoryError")) {
        return "out of memory";
      }
    } catch (IOException e) {
      // The exit code below is all there is to say.
    }
    return "exited with code " + process.exitValue();
  }

  /** Kills the process at once (a broker that failed a run is not given time to wind down). */
  void kill() {
    if (!process.isAlive()) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String logTail() {
    try {
      String text = Files.exists(log) ? Files.readString(log) : "";
      text = text.strip();
      return text.length() > 600 ? "..." + text.substring(text.length() - 600) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
