package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setting up the generator's network: a bad TLS setting is one clear error and costs nothing. */
class TransportTest {
  @TempDir Path dir;

  private static long openFiles() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  @Test
  void aCaFileWithoutCertificatesIsRefusedWithoutLeavingEventLoopsBehind() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    ClientOptions defaults = ClientOptions.defaults("t-");
    ClientOptions options =
        new ClientOptions(
            null, null, defaults.version(), "t-", 60, java.util.List.of(), false, notPem);
    Endpoint tls = Endpoint.parse("mqtts://127.0.0.1:8883");

    long before = openFiles();
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> new Transport(tls, options, 4))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cannot set up TLS: ");
    }
    // Each epoll event loop holds three descriptors (epoll, eventfd, timerfd) from its creation:
    // ten refused set-ups that left 4 loops each behind would leave 120 open.
    assertThat(openFiles() - before).isLessThan(20);
  }

  @Test
  void publishersOnAnotherEndpointArePlainTcpOnly() {
    ClientOptions options = ClientOptions.defaults("t-");
    Endpoint tls = Endpoint.parse("mqtts://127.0.0.1:8883");
    Endpoint tcp = Endpoint.tcp("127.0.0.1", 1884);
    assertThatThrownBy(() -> new Transport(tls, tcp, options, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("publishers on another endpoint: plain TCP only");
    new Transport(Endpoint.tcp("127.0.0.1", 1883), tcp, options, 1).close();
  }
}
