package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench compare --setup default}: Switchboard in a process of its own, set up as {@code
 * switchboard start} sets it up (the HTTP API beside it), lets in only the generator's device.
 */
class DefaultSetupLauncherTest {
  @TempDir Path dir;

  /** The CONNACK return code of a 3.1.1 CONNECT with these credentials (null: none). */
  private static int connAckCode(int port, String username, String password) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      byte[] connect =
          username == null
              ? new byte[] {
                0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 4, 'a', 'n', 'o', 'n'
              }
              : DefaultSetupLauncher.connect("t-" + username, username, password);
      s.getOutputStream().write(connect);
      byte[] ack = new byte[4];
      new DataInputStream(s.getInputStream()).readFully(ack);
      assertThat(ack[0]).as("CONNACK").isEqualTo((byte) 0x20);
      return ack[3];
    }
  }

  @Test
  void onlyTheBenchDeviceWithItsPasswordGetsIn() throws Exception {
    BrokerLauncher launcher = SwitchboardProcess.defaultSetupLauncher();
    ClientOptions options = launcher.clientOptions(ClientOptions.defaults("t-"));
    assertThat(options.username()).isEqualTo(DefaultSetupLauncher.DEVICE);
    assertThat(options.password()).isNotBlank();
    int port = BrokerLauncher.freePort();

    try (BrokerProcess p = launcher.start(port, dir)) {
      assertThat(connAckCode(port, options.username(), options.password()))
          .as("the device, with any client id")
          .isZero();
      assertThat(connAckCode(port, options.username(), options.password() + "x"))
          .as("a wrong password: bad user name or password")
          .isEqualTo(4);
      assertThat(connAckCode(port, null, null)).as("anonymous: not authorized").isEqualTo(5);
      HttpResponse<String> live =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + ((DefaultSetupLauncher) launcher).httpPort()
                                  + "/health/live"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode())
          .as("the HTTP API runs beside it, as users run it")
          .isEqualTo(200);
    }
  }
}
