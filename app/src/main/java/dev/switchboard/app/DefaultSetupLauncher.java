package dev.switchboard.app;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.CommandLauncher;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Switchboard for {@code bench compare --setup default}: as {@code switchboard start} sets it up on
 * a fresh data directory, not as the peers are. Clients are let in only by a device's password
 * (Argon2id, the registry), an access rule is evaluated on every PUBLISH and SUBSCRIBE, the store
 * is strict, $SYS is published and the HTTP API runs beside the broker (on a free port: its
 * watching of every publish for the topic tree is part of what users run). Only the TLS and
 * WebSocket listeners are off (the scenarios use plain TCP; HTTPS goes with TLS) and the queue
 * bounds are the ones every broker compare starts gets.
 *
 * <p>Before the broker starts, a device {@value #DEVICE} (any client id: an app account, as the
 * generator's clients have ids of their own) with a password drawn at random, and a rule allowing
 * it {@code bench/#}, are added with {@code switchboard devices}. Once it listens, one login with
 * that password stands for the device having logged in before the run: the registry's cache of
 * recent successful checks then spares the others the 40 ms Argon2id hash, as it does for a fleet
 * that reconnects, and the login throttle sees no checks piling up from one address.
 */
final class DefaultSetupLauncher implements BrokerLauncher {
  static final String DEVICE = "bench";

  private static final String NAME = "switchboard-default";

  private final List<String> command;
  private final Map<String, String> env;
  private final String password = randomPassword();
  private volatile int httpPort;

  DefaultSetupLauncher(List<String> command, Map<String, String> limits) {
    this.command = List.copyOf(command);
    Map<String, String> e = new HashMap<>(limits);
    e.put("SWITCHBOARD_LISTENERS_MQTTS_PORT", "off");
    e.put("SWITCHBOARD_LISTENERS_WS_PORT", "off");
    e.put("SWITCHBOARD_LISTENERS_WSS_PORT", "off");
    e.put("SWITCHBOARD_HTTP_HTTPS__PORT", "off"); // HTTPS goes with TLS; HTTP is on (start)
    this.env = Map.copyOf(e);
  }

  /** The HTTP API's port of the process started last. */
  int httpPort() {
    return httpPort;
  }

  private static String randomPassword() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes); // getSeed could wait for the system's entropy
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ClientOptions clientOptions(ClientOptions base) {
    return base.withCredentials(DEVICE, password);
  }

  @Override
  public BrokerProcess start(int port, Path dir) throws IOException, InterruptedException {
    Path data = dir.resolve("data"); // where CommandLauncher points the broker
    devices(data, "add", DEVICE, "--password", password, "--strict-client-id=false");
    devices(
        data,
        "rules",
        "add",
        "--device",
        DEVICE,
        "--filter",
        "bench/#",
        "--action",
        "allow",
        "--label",
        "bench compare --setup default");
    // the HTTP API on, as users run it, on a free port of its own
    Map<String, String> withHttp = new HashMap<>(env);
    httpPort = BrokerLauncher.freePort();
    withHttp.put("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort));
    BrokerProcess p = new CommandLauncher(NAME, command, withHttp).start(port, dir);
    try {
      p.awaitListening(httpPort, 30); // the HTTP API starts after the MQTT listeners
      logInOnce(port);
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** {@code switchboard devices ARGS --data-dir DATA}, in this JVM; its output if it fails. */
  private static void devices(Path data, String... args) throws IOException {
    StringWriter said = new StringWriter();
    CommandLine cli = new CommandLine(new DevicesCommand());
    cli.setOut(new PrintWriter(said));
    cli.setErr(new PrintWriter(said));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data-dir";
    all[args.length + 1] = data.toString();
    int code = cli.execute(all);
    if (code != 0) {
      throw new IOException(
          "cannot set up the bench device (switchboard devices "
              + args[0]
              + "): "
              + said.toString().strip());
    }
  }

  /** One MQTT 3.1.1 login as the device, then DISCONNECT; throws unless CONNACK accepts it. */
  private void logInOnce(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(connect("bench-setup", DEVICE, password));
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] connAck = new byte[4];
      in.readFully(connAck);
      if (connAck[0] != 0x20 || connAck[3] != 0) {
        throw new IOException(
            "the broker refused the bench device's login: CONNACK "
                + HexFormat.of().formatHex(connAck));
      }
      out.write(new byte[] {(byte) 0xE0, 0});
      out.flush();
    }
  }

  /** A CONNECT of MQTT 3.1.1 with a clean session and, unless null, a user name and password. */
  static byte[] connect(String clientId, String username, String password) {
    byte[] secret = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    Connect connect =
        new Connect(
            MqttVersion.V3_1_1, clientId, true, 60, username, secret, null, MqttProperties.EMPTY);
    ByteBuf encoded =
        MqttCodec.encode(UnpooledByteBufAllocator.DEFAULT, connect, MqttVersion.V3_1_1);
    try {
      return ByteBufUtil.getBytes(encoded);
    } finally {
      encoded.release();
    }
  }
}
