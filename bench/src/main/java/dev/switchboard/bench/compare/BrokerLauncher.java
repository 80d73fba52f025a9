package dev.switchboard.bench.compare;

import dev.switchboard.bench.ClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/** Starts one kind of broker in a child process, on a loopback port, with the shared settings. */
public interface BrokerLauncher {
  String name();

  /** Starts the broker on {@code port}, working in {@code dir}, and waits until it listens. */
  BrokerProcess start(int port, Path dir) throws IOException, InterruptedException;

  /**
   * What the generator's clients need to be let in by this broker: {@code base} as it is for a
   * broker that lets anonymous clients in; with the credentials of the account it set up for one
   * that does not.
   */
  default ClientOptions clientOptions(ClientOptions base) {
    return base;
  }

  /** The settings both brokers get, so that they are compared on equal terms. */
  int MAX_INFLIGHT = 128;

  int MAX_QUEUED_MESSAGES = 1000;

  long MAX_QUEUED_BYTES = 64L << 20;

  /** A port that was free on 127.0.0.1 a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
