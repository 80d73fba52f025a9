package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard cluster status --url}'s answers when there is no node to ask. */
class ClusterCommandTest {
  @TempDir Path dir;

  @Test
  @DisplayName("--url that is not http(s) is refused with exit code 2, naming it")
  void notHttp() {
    CliRun r = CliRun.run(dir, "cluster", "status", "--url", "ftp://127.0.0.1:21");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("switchboard: --url ftp://127.0.0.1:21 is not an HTTP URL");
  }

  @Test
  @DisplayName("a node that does not answer: exit code 1, one line naming the URL asked")
  void nobodyThere() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CliRun r = CliRun.run(dir, "cluster", "status", "--url", "http://127.0.0.1:" + port);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("switchboard: http://127.0.0.1:" + port + "/api/v1/cluster cannot be reached")
        .hasLineCount(1);
  }
}
