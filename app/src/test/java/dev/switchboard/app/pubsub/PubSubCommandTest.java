package dev.switchboard.app.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.MosquittoBroker;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code switchboard pub} and {@code switchboard sub}, run in-process through picocli against our
 * broker (TCP, WebSocket, secure WebSocket) and Debian's Mosquitto (TLS, passwords): what they
 * print and the exit codes, which are mosquitto_pub's and mosquitto_sub's.
 */
class PubSubCommandTest {
  @TempDir static Path dir;

  static TestPki pki;
  static TestPki.Issued server;
  static TestBroker broker;
  static MosquittoBroker mosquitto;

  /** Topics are unique per use, so that tests never see each other's messages. */
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @BeforeAll
  static void brokers() throws Exception {
    pki = TestPki.create(dir, "ca");
    server = pki.server("server", "127.0.0.1", "localhost");
    broker =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.ws("ws", 0))
                    .withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.files(server.certificateFile(), server.keyFile())));
    if (MosquittoBroker.available()) {
      mosquitto =
          MosquittoBroker.builder()
              .dir(dir.resolve("mosquitto"))
              .tls(pki, server)
              .user("alice", "secret")
              .allowAnonymous(false)
              .start();
    }
  }

  @AfterAll
  static void stop() {
    if (mosquitto != null) {
      mosquitto.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static void assumeMosquitto() {
    Assumptions.assumeTrue(
        mosquitto != null, () -> MosquittoBroker.skipReason().orElse("Mosquitto did not start"));
  }

  private static String topic(String name) {
    return "cli/" + name + "/" + TOPICS.incrementAndGet();
  }

  private static String port() {
    return Integer.toString(broker.port());
  }

  // ------------------------------------------------------------------ running the commands

  /** What a command printed and returned. */
  record Run(int code, byte[] stdout, String out, String err) {
    String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** A command running on another thread, its output readable while it runs. */
  record Running(CompletableFuture<Run> result, StringWriter err) {
    Run get() throws Exception {
      return result.get(15, TimeUnit.SECONDS);
    }
  }

  private static Run pub(String... args) {
    return pubWithInput(new byte[0], args);
  }

  private static Run pubWithInput(byte[] stdin, String... args) {
    PubCommand pub = new PubCommand();
    pub.stdin = new ByteArrayInputStream(stdin);
    return execute(pub, new ByteArrayOutputStream(), new StringWriter(), args);
  }

  private static Run sub(String... args) {
    return execute(new SubCommand(), new ByteArrayOutputStream(), new StringWriter(), args);
  }

  /** Starts {@code sub -d ...} and returns once its subscription is acknowledged. */
  private static Running subscribed(String... args) {
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("-d");
    SubCommand sub = new SubCommand();
    CompletableFuture<Run> result =
        CompletableFuture.supplyAsync(
            () -> execute(sub, new ByteArrayOutputStream(), err, all.toArray(String[]::new)));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> err.toString().contains("Subscribed (mid:") || result.isDone());
    return new Running(result, err);
  }

  private static Run execute(
      Object command, ByteArrayOutputStream stdout, StringWriter err, String... args) {
    if (command instanceof SubCommand s) {
      s.stdout = stdout;
    }
    CommandLine cmd = MosquittoUsage.forCommand(new CommandLine(command));
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, stdout.toByteArray(), out.toString(), err.toString());
  }

  /** The stderr of a -d run without its debug lines. */
  private static List<String> errors(Run r) {
    return r.err()
        .lines()
        .filter(l -> !l.startsWith("Client ") && !l.startsWith("Subscribed (mid:"))
        .toList();
  }

  // ------------------------------------------------------------------ publishing and receiving

  @ParameterizedTest(name = "QoS {0}")
  @ValueSource(ints = {0, 1, 2})
  @DisplayName("pub -q N -m: sub -C 1 -v prints 'topic payload' and both exit 0")
  void publishAtEachQos(int qos) throws Exception {
    String t = topic("qos" + qos);
    Running sub = subscribed("-p", port(), "-h", "127.0.0.1", "-t", t, "-C", "1", "-v", "-q", "2");

    Run pub = pub("-p", port(), "-h", "127.0.0.1", "-t", t, "-m", "hello " + qos, "-q", "" + qos);

    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(pub.err()).isEmpty();
    Run received = sub.get();
    assertThat(received.code()).as(received.err()).isZero();
    assertThat(received.stdoutText()).isEqualTo(t + " hello " + qos + "\n");
    assertThat(errors(received)).isEmpty();
  }

  @Test
  @DisplayName("pub -q 2 -d waits for PUBCOMP before it disconnects")
  void qos2WaitsForPubcomp() {
    Run pub = pub("-p", port(), "-h", "127.0.0.1", "-t", topic("q2"), "-m", "x", "-q", "2", "-d");

    assertThat(pub.code()).isZero();
    assertThat(pub.err()).contains("sending PUBLISH (d0, q2, r0, m").contains("received PUBCOMP");
  }

  @Test
  @DisplayName("pub -l sends one message per line of stdin; an empty line is an empty message")
  void linesFromStdin() throws Exception {
    String t = topic("lines");
    Running sub = subscribed("-p", port(), "-t", t, "-C", "3", "-v", "-q", "1");

    Run pub =
        pubWithInput(
            "one\n\nthree".getBytes(StandardCharsets.UTF_8),
            "-p",
            port(),
            "-t",
            t,
            "-l",
            "-q",
            "1");

    assertThat(pub.code()).as(pub.err()).isZero();
    Run received = sub.get();
    assertThat(received.code()).isZero();
    // mosquitto_sub -v prints an empty payload as "(null)"
    assertThat(received.stdoutText()).isEqualTo(t + " one\n" + t + " (null)\n" + t + " three\n");
  }

  @Test
  @DisplayName("pub -l -q 1 -M 5: two thousand lines arrive, all and in order")
  void manyLines() throws Exception {
    String t = topic("many");
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      input.append(i).append('\n');
    }
    Running sub = subscribed("-p", port(), "-t", t, "-C", "2000", "-q", "1");

    Run pub =
        pubWithInput(
            input.toString().getBytes(StandardCharsets.UTF_8),
            "-p",
            port(),
            "-t",
            t,
            "-l",
            "-q",
            "1",
            "-M",
            "5");

    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(sub.get().stdoutText()).isEqualTo(input.toString());
  }

  @Test
  @DisplayName("-c -i: a persistent session gets the QoS 1 message sent while it was away")
  void persistentSession() throws Exception {
    String t = topic("session");
    String id = "cli-session-" + TOPICS.incrementAndGet();
    Run first = sub("-p", port(), "-t", t, "-q", "1", "-c", "-i", id, "-E");
    assertThat(first.code()).as(first.err()).isZero();

    assertThat(pub("-p", port(), "-t", t, "-m", "while away", "-q", "1").code()).isZero();

    Run back = sub("-p", port(), "-t", t, "-q", "1", "-c", "-i", id, "-C", "1", "-W", "5");
    assertThat(back.code()).as(back.err()).isZero();
    assertThat(back.stdoutText()).isEqualTo("while away\n");
  }

  @Test
  @DisplayName("pub -f sends a file's bytes as they are; sub -N prints them as they are")
  void fileBytes() throws Exception {
    byte[] bytes = new byte[3000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Path file = Files.write(dir.resolve("payload.bin"), bytes);
    String t = topic("file");
    Running sub = subscribed("-p", port(), "-t", t, "-C", "1", "-N");

    Run pub = pub("-p", port(), "-t", t, "-f", file.toString());

    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(sub.get().stdout()).isEqualTo(bytes);
  }

  @Test
  @DisplayName("pub -s sends the whole of stdin as one message")
  void wholeStdin() throws Exception {
    String t = topic("stdin");
    Running sub = subscribed("-p", port(), "-t", t, "-C", "1");

    Run pub = pubWithInput("a\nb\n".getBytes(StandardCharsets.UTF_8), "-p", port(), "-t", t, "-s");

    assertThat(pub.code()).isZero();
    assertThat(sub.get().stdoutText()).isEqualTo("a\nb\n\n");
  }

  @Test
  @DisplayName("pub -n sends an empty message (sub -F '%l %t')")
  void nullMessage() throws Exception {
    String t = topic("null");
    Running sub = subscribed("-p", port(), "-t", t, "-C", "1", "-F", "%l %t");

    Run pub = pub("-p", port(), "-t", t, "-n");

    assertThat(pub.code()).isZero();
    assertThat(sub.get().stdoutText()).isEqualTo("0 " + t + "\n");
  }

  @Test
  @DisplayName("pub -r retains; sub -R skips the stale message; --retained-only prints it")
  void retained() throws Exception {
    String t = topic("retained");
    assertThat(pub("-p", port(), "-t", t, "-m", "old", "-r", "-q", "1").code()).isZero();

    Running fresh = subscribed("-p", port(), "-t", t, "-C", "1", "-R", "-F", "%r %p");
    assertThat(pub("-p", port(), "-t", t, "-m", "new").code()).isZero();
    assertThat(fresh.get().stdoutText()).isEqualTo("0 new\n");

    Run stale = sub("-p", port(), "-t", t, "-C", "1", "-F", "%r %p", "-W", "5");
    assertThat(stale.stdoutText()).isEqualTo("1 old\n");

    // an empty retained message clears it. Retained messages come right after the SUBACK, so a
    // live message published once the subscription is acknowledged comes after any of them:
    // --retained-only exits at it, printing nothing for it, and so prints only retained messages.
    assertThat(pub("-p", port(), "-t", t, "-r", "-n").code()).isZero();
    Running cleared = subscribed("-p", port(), "-t", t, "--retained-only", "-F", "%r %p");
    assertThat(pub("-p", port(), "-t", t, "-m", "live marker").code()).isZero();
    Run none = cleared.get();
    assertThat(none.code()).isZero();
    assertThat(none.stdoutText()).as("no retained message left after clearing").isEmpty();
  }

  @Test
  @DisplayName("sub -T filters topics out; -C counts only what is printed")
  void filterOut() throws Exception {
    String t = topic("filter");
    Running sub = subscribed("-p", port(), "-t", t + "/#", "-T", t + "/noise", "-C", "1", "-v");

    pub("-p", port(), "-t", t + "/noise", "-m", "skip", "-q", "1");
    pub("-p", port(), "-t", t + "/signal", "-m", "keep", "-q", "1");

    assertThat(sub.get().stdoutText()).isEqualTo(t + "/signal keep\n");
  }

  @Test
  @DisplayName("sub -W 1 with nothing arriving: 'Timed out', exit 27 (MOSQ_ERR_TIMEOUT)")
  void timeout() {
    Run r = sub("-p", port(), "-t", topic("quiet"), "-W", "1");

    assertThat(r.code()).isEqualTo(27);
    assertThat(r.err()).isEqualTo("Timed out\n");
  }

  @Test
  @DisplayName("sub: a SUBACK that refuses every filter: 'All subscription requests were denied.'")
  void subscriptionDenied() {
    try (TestBroker noWildcards = TestBroker.start(c -> c.withFeatures(true, false, true, true))) {
      Run r = sub("-p", Integer.toString(noWildcards.port()), "-t", "a/#", "-W", "5");

      // mosquitto_sub 2.0 exits 0 here
      assertThat(r.code()).isZero();
      assertThat(r.err()).isEqualTo("All subscription requests were denied.\n");
    }
  }

  // ------------------------------------------------------------------ MQTT 5

  @Test
  @DisplayName("-V 5 -D publish user-property/content-type: the subscriber prints them (-F %P %C)")
  void mqtt5Properties() throws Exception {
    String t = topic("v5");
    Running sub =
        subscribed("-p", port(), "-V", "5", "-t", t, "-C", "1", "-F", "%t %p [%P] [%C] [%E]");

    Run pub =
        pub(
            "-p",
            port(),
            "-V",
            "5",
            "-t",
            t,
            "-m",
            "hi",
            "-q",
            "1",
            "-D",
            "publish",
            "user-property",
            "origin",
            "cli",
            "-D",
            "publish",
            "user-property",
            "lab",
            "7",
            "-D",
            "publish",
            "content-type",
            "text/plain",
            "-D",
            "publish",
            "message-expiry-interval",
            "60",
            "-D",
            "connect",
            "session-expiry-interval",
            "0");

    assertThat(pub.code()).as(pub.err()).isZero();
    String line = sub.get().stdoutText();
    assertThat(line).startsWith(t + " hi [origin:cli lab:7] [text/plain] [");
    // the broker counts the expiry down while it holds the message
    assertThat(line).matches("(?s).*\\[(60|59)\\]\n");
  }

  @Test
  @DisplayName("-D alone makes the client MQTT 5 (the broker assigns the id in CONNACK)")
  void propertyImpliesV5() {
    Run pub =
        pub(
            "-p",
            port(),
            "-t",
            topic("implied"),
            "-m",
            "x",
            "-d",
            "-D",
            "publish",
            "user-property",
            "k",
            "v");

    assertThat(pub.code()).isZero();
    assertThat(pub.err()).contains("(MQTT 5)");
  }

  // ------------------------------------------------------------------ transports

  @Test
  @DisplayName("--url ws:// and wss:// (ESP-MQTT's form; the path is the WebSocket path)")
  void webSockets() throws Exception {
    String t = topic("ws");
    int ws = broker.broker().port("ws");
    int wss = broker.broker().port("wss");
    Running sub = subscribed("--url", "ws://127.0.0.1:" + ws + "/mqtt", "-t", t, "-C", "1", "-v");

    Run pub =
        pub(
            "--url",
            "wss://127.0.0.1:" + wss,
            "--cafile",
            pki.caFile().toString(),
            "-t",
            t,
            "-m",
            "over wss",
            "-q",
            "1");

    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(sub.get().stdoutText()).isEqualTo(t + " over wss\n");
  }

  @Test
  @DisplayName("--capath, -I, a will and -k: accepted and used (wss with MQTT 5)")
  void moreConnectFlags() throws Exception {
    Path capath = Files.createDirectories(dir.resolve("capath"));
    Files.copy(pki.caFile(), capath.resolve("lab-ca.crt"));
    String t = topic("flags");
    Running sub = subscribed("-p", port(), "-t", t, "-C", "1", "-v");

    Run pub =
        pub(
            "-L",
            "wss://127.0.0.1:" + broker.broker().port("wss") + "/mqtt",
            "--capath",
            capath.toString(),
            "-V",
            "mqttv5",
            "-I",
            "cli-",
            "-k",
            "30",
            "--will-topic",
            t + "/will",
            "--will-payload",
            "gone",
            "--will-qos",
            "1",
            "-t",
            t,
            "-m",
            "flags",
            "-d");

    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(pub.err()).contains("Client cli-" + ProcessHandle.current().pid() + " ");
    assertThat(sub.get().stdoutText()).isEqualTo(t + " flags\n");
  }

  @Test
  @DisplayName("-L mqtts://user:password@host:port/topic --cafile against Mosquitto's TLS")
  void mqttsUrlAgainstMosquitto() throws Exception {
    assumeMosquitto();
    String t = topic("tls");
    Running sub =
        subscribed(
            "-p",
            "" + mosquitto.port(),
            "-h",
            "127.0.0.1",
            "-u",
            "alice",
            "-P",
            "secret",
            "-t",
            t,
            "-C",
            "1",
            "-v");

    Run pub =
        pub(
            "-L",
            "mqtts://alice:secret@127.0.0.1:" + mosquitto.tlsPort() + "/" + t,
            "--cafile",
            pki.caFile().toString(),
            "-m",
            "over tls",
            "-q",
            "1");

    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(sub.get().stdoutText()).isEqualTo(t + " over tls\n");
  }

  @Test
  @DisplayName("TLS: a CA that did not sign the broker's certificate: mosquitto's line, exit 1")
  void untrustedBroker() throws Exception {
    TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other")), "other");
    int wss = broker.broker().port("wss");

    Run r =
        pub(
            "-L",
            "wss://127.0.0.1:" + wss + "/mqtt",
            "--cafile",
            other.caFile().toString(),
            "-t",
            "x",
            "-m",
            "x");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Unable to connect (A TLS error occurred.).\n");
  }

  // ------------------------------------------------------------------ refusals and errors

  @Test
  @DisplayName("a wrong password: mosquitto's message, exit 5 (MQTT 3.1.1) or 135 (MQTT 5)")
  void wrongPassword() {
    assumeMosquitto();
    String p = "" + mosquitto.port();

    Run pub = pub("-p", p, "-u", "alice", "-P", "wrong", "-t", "x", "-m", "x");
    assertThat(pub.code()).isEqualTo(5);
    assertThat(pub.err())
        .isEqualTo(
            "Connection error: Connection Refused: not authorised.\n"
                + "Error: The connection was refused.\n");

    Run sub = sub("-p", p, "-u", "alice", "-P", "wrong", "-t", "x");
    assertThat(sub.code()).isEqualTo(5);
    assertThat(sub.err()).isEqualTo("Connection error: Connection Refused: not authorised.\n");

    Run v5 = sub("-p", p, "-u", "alice", "-P", "wrong", "-t", "x", "-V", "5");
    assertThat(v5.code()).isEqualTo(135);
    assertThat(v5.err()).isEqualTo("Connection error: Not authorized\n");

    Run quiet = pub("-p", p, "-u", "alice", "-P", "wrong", "-t", "x", "-m", "x", "--quiet");
    assertThat(quiet.code()).isEqualTo(5);
    assertThat(quiet.err()).isEmpty();
  }

  @Test
  @DisplayName("nothing listening: 'Error: Connection refused', exit 1")
  void nothingListening() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }

    Run pub = pub("-h", "127.0.0.1", "-p", "" + closed, "-t", "x", "-m", "x");
    assertThat(pub.code()).isEqualTo(1);
    assertThat(pub.err()).isEqualTo("Error: Connection refused\n");

    Run sub = sub("-h", "127.0.0.1", "-p", "" + closed, "-t", "x");
    assertThat(sub.code()).isEqualTo(1);
    assertThat(sub.err()).isEqualTo("Error: Connection refused\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "pub -t x -m x -q 3|Error: Invalid QoS given: 3",
        "pub -t x -m x -p 70000|Error: Invalid port given: 70000",
        "pub -t x -m x -p abc|Error: Invalid value for option '--port': 'abc' is not an int",
        "pub -t x -m x -k 2|Error: Invalid keepalive given, it must be between 5 and 65535"
            + " inclusive.",
        "pub -t x -m x -V 4|Error: Invalid protocol version argument given: '4' (31, 311 or 5).",
        "pub -t a/# -m x|Error: Invalid publish topic 'a/#', does it contain '+' or '#'?",
        "pub -t x|Error: Both topic and message must be supplied.",
        "pub -t x -m x -n|Error: Only one type of message can be sent at once.",
        "pub -t x -m x -c|Error: You must provide a client id if you are using the -c option.",
        "pub -t x -m x --bogus|Error: Unknown option: '--bogus'",
        "pub -t x -m x --psk 00|Error: --psk is not supported: TLS-PSK is not supported.",
        "pub -t x -m x -D publish bogus 1|Error: Invalid property name bogus given in --property"
            + " argument.",
        "pub -t x -m x -D publish message-expiry-interval soon|Error: Property value (soon) out"
            + " of range for property message-expiry-interval (0 to 4294967295).",
        "pub -t x -m x -L http://h/x|Error: unsupported URL scheme 'http': use mqtt, mqtts, ws or"
            + " wss.",
        "pub -t x -m x --insecure|Error: --insecure needs TLS: give --cafile, --capath or"
            + " --tls-use-os-certs, or an mqtts:// or wss:// URL.",
        "sub|Error: You must specify a topic to subscribe to.",
        "sub -t a/#/b|Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards"
            + " correct?",
        "sub -t x -C 0|Error: Invalid message count \"0\".",
        "sub -t x -R --retained-only|Error: Combining '-R' and '--retained-only' makes no sense.",
        "sub -t x -F %j|Error: -F: '%j' is not supported (%t %p %q %r %l %m %x %X %P %C %E %F %R"
            + " %D %S %A %I %U %%; %j and %J are not).",
        "sub -t x -D will content-type a|Error: -D will ... given, but no will topic given"
            + " (--will-topic).",
        "sub -t x -D puback user-property a b|Error: properties of puback packets are not"
            + " supported by switchboard sub (its -D takes connect, subscribe, will and"
            + " disconnect).",
        "sub -t x --retain-as-published|Error: --retain-as-published is MQTT 5 only; add -V 5."
      })
  @DisplayName("a bad flag or value: one 'Error:' line and where the usage is, exit 1")
  void badUsage(String spec) {
    String[] parts = spec.split("\\|");
    String[] words = parts[0].split(" ");
    // a live broker's port first, so that a usage check, not a failed connection, is what fails
    List<String> args = new ArrayList<>(List.of("-p", port()));
    args.addAll(List.of(words).subList(1, words.length));
    Run r =
        words[0].equals("pub")
            ? pub(args.toArray(String[]::new))
            : sub(args.toArray(String[]::new));

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(parts[1] + "\nUse '" + words[0] + " --help' to see usage.\n");
  }
}
