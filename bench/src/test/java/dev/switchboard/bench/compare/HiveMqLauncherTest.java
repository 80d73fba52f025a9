package dev.switchboard.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HiveMQ CE in a JVM of its own, started and stopped by its launcher. */
class HiveMqLauncherTest {
  @TempDir Path dir;

  @Test
  void startsHiveMqOnALoopbackPortRoundTripsAMessageAndStopsIt() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    HiveMqLauncher launcher =
        new HiveMqLauncher(
            java, System.getProperty("java.class.path"), HiveMqLauncher.DEFAULT_JVM_OPTIONS);

    BrokerProcess p = launcher.start(BrokerLauncher.freePort(), dir);
    ProcessHandle handle = ProcessHandle.of(p.pid()).orElseThrow();
    try {
      assertThat(p.name()).isEqualTo("hivemq");
      assertThat(Files.readString(dir.resolve("hivemq-conf/config.xml")))
          .contains("<port>" + p.port() + "</port>")
          .contains("<bind-address>127.0.0.1</bind-address>")
          .contains("<mode>in-memory</mode>");

      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", p.port()), 5000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());

        out.write(connect("roundtrip"));
        assertThat(readPacket(in)).as("CONNACK, accepted").containsExactly(0x20, 0, 0);

        out.write(subscribe(1, "cmp/hivemq"));
        assertThat(readPacket(in)).as("SUBACK, QoS 0 granted").containsExactly(0x90, 0, 1, 0);

        out.write(publish("cmp/hivemq", "hello"));
        byte[] echoed = readPacket(in);
        assertThat(echoed[0] & 0xF0).as("a PUBLISH").isEqualTo(0x30);
        assertThat(new String(echoed, 1 + 2 + "cmp/hivemq".length(), 5, StandardCharsets.UTF_8))
            .isEqualTo("hello");

        out.write(new byte[] {(byte) 0xE0, 0});
      }
    } finally {
      p.close();
    }

    assertThat(handle.isAlive()).as("HiveMQ's JVM stopped").isFalse();
    assertThat(Files.readString(dir.resolve("hivemq.log"))).contains(HiveMqMain.READY);
  }

  /** A packet without its remaining length: the first byte, then the rest. */
  private static byte[] readPacket(DataInputStream in) throws IOException {
    int first = in.readUnsignedByte();
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      length |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] packet = new byte[1 + length];
    packet[0] = (byte) first;
    in.readFully(packet, 1, length);
    return packet;
  }

  private static byte[] connect(String clientId) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, "MQTT");
    body.write(4); // 3.1.1
    body.write(0x02); // clean session
    body.write(0);
    body.write(60); // keep alive
    writeString(body, clientId);
    return packet(0x10, body.toByteArray());
  }

  private static byte[] subscribe(int packetId, String filter) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId);
    writeString(body, filter);
    body.write(0);
    return packet(0x82, body.toByteArray());
  }

  private static byte[] publish(String topic, String payload) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, topic);
    body.write(payload.getBytes(StandardCharsets.UTF_8));
    return packet(0x30, body.toByteArray());
  }

  private static void writeString(ByteArrayOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length);
    out.write(b);
  }

  /** Fixed header and body; every body here is shorter than 128 bytes. */
  private static byte[] packet(int type, byte[] body) {
    byte[] p = new byte[2 + body.length];
    p[0] = (byte) type;
    p[1] = (byte) body.length;
    System.arraycopy(body, 0, p, 2, body.length);
    return p;
  }
}
