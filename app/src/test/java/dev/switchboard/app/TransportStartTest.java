package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard start} with all four listeners, as a process: the banner lists them and the
 * self-signed certificate's fingerprint, each listener answers MQTT, and the certificate is the
 * same at the next start. Bad TLS settings are one line and exit code 2.
 */
@DisplayName("switchboard start: MQTT, MQTTS, WS and WSS")
class TransportStartTest {
  @TempDir Path dir;

  private static final byte[] CONNECT = {
    0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 't'
  };
  private static final byte[] CONNACK = {0x20, 2, 0, 0};

  private Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    if (args.length > 0 && args[0].equals("start")) {
      cmd.add("--dev"); // 127.0.0.1, anonymous: authentication is AccessControlProcessTest's
      cmd.addAll(List.of("--http-port", "off", "--https-port", "off"));
    }
    return new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  /**
   * The banner: its lines up to and including the TLS line. Log lines may come before it when a
   * test logback configuration is on the class path; they are skipped.
   */
  private static List<String> banner(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.matches("(mqtt|mqtts|ws|wss)://.*") || line.startsWith("tls: ")) {
        lines.add(line);
      }
      if (line.startsWith("tls: ")) {
        break;
      }
    }
    return lines;
  }

  private static int port(String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    int colon = rest.lastIndexOf(':');
    int slash = rest.indexOf('/', colon);
    return Integer.parseInt(
        slash < 0 ? rest.substring(colon + 1) : rest.substring(colon + 1, slash));
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    X509Certificate c;
    try (var in = Files.newInputStream(certificate)) {
      c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("switchboard", c);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A WebSocket client that sends a CONNECT and completes with the first binary message. */
  private static byte[] mqttOverWebSocket(HttpClient http, URI uri) throws Exception {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .subprotocols("mqtt")
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    answer.complete(b);
                    return null;
                  }
                })
            .get(15, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("mqtt");
    ws.sendBinary(ByteBuffer.wrap(CONNECT), true).get(15, TimeUnit.SECONDS);
    byte[] got = answer.get(15, TimeUnit.SECONDS);
    ws.abort();
    return got;
  }

  @Test
  @DisplayName("all four listeners come up on free ports; the certificate is made once")
  void allFourListeners() throws Exception {
    Path data = dir.resolve("data");
    String[] args = {
      "start",
      "--mqtt-port",
      "0",
      "--mqtts-port",
      "0",
      "--ws-port",
      "0",
      "--wss-port",
      "0",
      "--data-dir",
      data.toString()
    };
    Process p = start(args);
    String fingerprint;
    try {
      List<String> lines = banner(p);
      assertThat(lines).hasSize(5);
      assertThat(lines.get(0)).matches("mqtt://127\\.0\\.0\\.1:\\d+");
      assertThat(lines.get(1)).matches("mqtts://127\\.0\\.0\\.1:\\d+");
      assertThat(lines.get(2)).matches("ws://127\\.0\\.0\\.1:\\d+/mqtt");
      assertThat(lines.get(3)).matches("wss://127\\.0\\.0\\.1:\\d+/mqtt");
      Path cert = data.resolve("tls").resolve("self-signed.crt");
      assertThat(lines.get(4))
          .startsWith("tls: self-signed certificate " + cert + ", SHA-256 fingerprint ")
          .matches(".*fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}");
      fingerprint = lines.get(4).substring(lines.get(4).lastIndexOf(' ') + 1);

      try (Socket s = new Socket("127.0.0.1", port(lines.get(0)))) {
        s.setSoTimeout(15_000);
        s.getOutputStream().write(CONNECT);
        assertThat(s.getInputStream().readNBytes(4)).containsExactly(CONNACK);
      }
      SSLContext tls = trusting(cert);
      try (SSLSocket s =
          (SSLSocket) tls.getSocketFactory().createSocket("localhost", port(lines.get(1)))) {
        s.setSoTimeout(15_000);
        s.getOutputStream().write(CONNECT);
        assertThat(s.getInputStream().readNBytes(4)).containsExactly(CONNACK);
        byte[] served = s.getSession().getPeerCertificates()[0].getEncoded();
        assertThat(
                HexFormat.ofDelimiter(":")
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(served)))
            .isEqualTo(fingerprint);
      }
      try (HttpClient http = HttpClient.newHttpClient()) {
        assertThat(mqttOverWebSocket(http, URI.create(lines.get(2)))).containsExactly(CONNACK);
      }
      try (HttpClient https = HttpClient.newBuilder().sslContext(tls).build()) {
        URI wss = URI.create(lines.get(3).replace("127.0.0.1", "localhost"));
        assertThat(mqttOverWebSocket(https, wss)).containsExactly(CONNACK);
      }
      p.destroy();
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(stderr()).doesNotContain("Exception");
    } finally {
      p.destroyForcibly();
    }

    Process again = start(args);
    try {
      List<String> lines = banner(again);
      assertThat(lines.get(lines.size() - 1)).as("the same certificate").endsWith(fingerprint);
    } finally {
      again.destroy();
      again.waitFor(15, TimeUnit.SECONDS);
      again.destroyForcibly();
    }
  }

  @Test
  @DisplayName("bad TLS settings: one line naming the setting, exit code 2")
  void badTlsSettings() throws Exception {
    Path notKey = dir.resolve("key.pem");
    Files.writeString(notKey, "not a key\n");
    Path conf = dir.resolve("bad.conf");
    Files.writeString(
        conf,
        "switchboard.tls { certificate = \"%s\", key = \"%s\" }"
            .formatted(dir.resolve("missing.crt"), notKey));
    for (List<String> extra :
        List.of(
            List.of("--config", conf.toString()),
            List.of("--mqtts-port", "99999"),
            List.of("--wss-port", "wss"))) {
      List<String> args = new ArrayList<>(List.of("start", "--mqtt-port", "0", "--ws-port", "off"));
      args.addAll(extra);
      if (!extra.contains("--mqtts-port")) {
        args.addAll(List.of("--mqtts-port", "0"));
      }
      if (!extra.contains("--wss-port")) {
        args.addAll(List.of("--wss-port", "off"));
      }
      args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
      Process p = start(args.toArray(String[]::new));
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String err = stderr();
      assertThat(p.exitValue()).as(err).isEqualTo(2);
      assertThat(err.strip().lines()).as(err).hasSize(1);
      assertThat(err).doesNotContain("\tat ");
      String expected =
          extra.contains("--config")
              ? "switchboard.tls.certificate"
              : extra.contains("--mqtts-port")
                  ? "switchboard.listeners.mqtts.port"
                  : "switchboard.listeners.wss.port";
      assertThat(err).contains(expected);
    }
  }
}
