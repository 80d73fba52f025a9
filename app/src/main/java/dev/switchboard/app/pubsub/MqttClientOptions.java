package dev.switchboard.app.pubsub;

import dev.switchboard.client.Mqtt5ConnectProperty;
import dev.switchboard.client.Mqtt5DisconnectProperty;
import dev.switchboard.client.Mqtt5PublishProperty;
import dev.switchboard.client.Mqtt5SubscribeProperty;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttConfigException;
import dev.switchboard.client.MqttErrorCodes;
import dev.switchboard.client.MqttErrorType;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.client.MqttProtocolVersion;
import dev.switchboard.client.MqttTransport;
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The flags {@code switchboard pub} and {@code switchboard sub} share, with mosquitto_pub's and
 * mosquitto_sub's names, defaults and checks, turned into the client's {@link MqttClientConfig};
 * and what both commands print and return the way mosquitto's tools (2.0) do: usage errors exit 1,
 * a refused connection exits with the CONNACK's code, a connection that cannot be made exits 1.
 */
public final class MqttClientOptions {
  /** Bad usage, or no connection at all: mosquitto's tools exit 1. */
  static final int EXIT_FAILED = 1;

  /** libmosquitto's MOSQ_ERR_CONN_LOST. */
  static final int EXIT_CONNECTION_LOST = 7;

  /** libmosquitto's MOSQ_ERR_TIMEOUT: what mosquitto_sub -W exits with. */
  static final int EXIT_TIMED_OUT = 27;

  /** What pub and sub each accept in {@code -D}. */
  enum Kind {
    PUB("pub"),
    SUB("sub");

    final String name;

    Kind(String name) {
      this.name = name;
    }
  }

  /** Bad usage, found after picocli's parsing: one line, then exit 1. */
  static final class UsageError extends Exception {
    UsageError(String message) {
      super(message, null, false, false);
    }
  }

  // ------------------------------------------------------------------ the broker

  @Option(
      names = {"-h", "--host"},
      paramLabel = "HOST",
      description = "The broker's host (default localhost).")
  String host;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "The broker's port (default 1883; 8883 with TLS).")
  Integer port;

  @Option(
      names = {"-L", "--url"},
      paramLabel = "URL",
      description = {
        "The broker as a URL: mqtt://[USER[:PASSWORD]@]HOST[:PORT][/TOPIC], also mqtts://"
            + " (TLS), ws:// and wss:// (WebSocket, ESP-MQTT's form: the path is the WebSocket"
            + " path, /mqtt if none). For mqtt:// and mqtts:// the path is the topic, as in"
            + " mosquitto. -h, -p, -u and -P override what the URL says."
      })
  String url;

  // ------------------------------------------------------------------ the session

  @Option(
      names = {"-i", "--id"},
      paramLabel = "ID",
      description =
          "The client id (default: an empty one, the broker assigns; MQTT 3.1: mosq-RANDOM).")
  String id;

  @Option(
      names = {"-I", "--id-prefix"},
      paramLabel = "PREFIX",
      description = "The client id is PREFIX followed by this process's id.")
  String idPrefix;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description = "The user name.")
  String username;

  @Option(
      names = {"-P", "--pw"},
      paramLabel = "PASSWORD",
      description = "The password.")
  String password;

  @Option(
      names = {"-k", "--keepalive"},
      paramLabel = "SECONDS",
      description = "Keep alive, 5 to 65535 seconds (default 60).")
  int keepalive = 60;

  @Option(
      names = {"-V", "--protocol-version"},
      paramLabel = "VERSION",
      description = "MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5); default 311.")
  String protocolVersion;

  @Option(
      names = {"-q", "--qos"},
      paramLabel = "QOS",
      description = "Quality of service, 0, 1 or 2 (default 0).")
  int qos;

  @Option(
      names = {"-c", "--disable-clean-session"},
      description =
          "Keep the session (clean session / clean start off); needs -i or -I. With MQTT 5 the"
              + " session never expires unless -x says otherwise.")
  boolean disableCleanSession;

  @Option(
      names = "-x",
      paramLabel = "SECONDS",
      description =
          "MQTT 5 session expiry interval: 0 to 4294967294, or -1 (also 4294967295) for never.")
  String sessionExpiry;

  @Option(
      names = {"-D", "--property"},
      paramLabel = "COMMAND NAME [KEY] VALUE",
      parameterConsumer = PropertyArgs.class,
      description = {
        "An MQTT 5 property (implies -V 5): COMMAND is connect, publish (pub), subscribe (sub),"
            + " will or disconnect; NAME e.g. user-property (then KEY VALUE), content-type,"
            + " correlation-data, message-expiry-interval, payload-format-indicator,"
            + " response-topic, topic-alias, session-expiry-interval, receive-maximum,"
            + " maximum-packet-size, topic-alias-maximum, request-problem-information,"
            + " request-response-information, will-delay-interval, subscription-identifier."
      })
  List<List<String>> properties = new ArrayList<>();

  // ------------------------------------------------------------------ the will

  @Option(names = "--will-topic", paramLabel = "TOPIC", description = "The topic of the will.")
  String willTopic;

  @Option(
      names = "--will-payload",
      paramLabel = "PAYLOAD",
      description = "The payload of the will (default empty).")
  String willPayload;

  @Option(
      names = "--will-qos",
      paramLabel = "QOS",
      description = "The QoS of the will (default 0).")
  Integer willQos;

  @Option(names = "--will-retain", description = "The will is retained.")
  boolean willRetain;

  // ------------------------------------------------------------------ TLS

  @Option(
      names = "--cafile",
      paramLabel = "FILE",
      description = "PEM CA certificate(s) the broker's chain must lead to; turns TLS on.")
  Path cafile;

  @Option(
      names = "--capath",
      paramLabel = "DIR",
      description = "A directory of PEM CA certificates (*.crt, *.pem); turns TLS on.")
  Path capath;

  @Option(names = "--tls-use-os-certs", description = "TLS, trusting the JDK's CA certificates.")
  boolean tlsUseOsCerts;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "This client's PEM certificate, for brokers that ask for one.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "This client's PEM private key (unencrypted), with --cert.")
  Path key;

  @Option(
      names = "--insecure",
      description = "Do not check the broker's name in its certificate (its chain still is).")
  boolean insecure;

  @Option(
      names = "--tls-alpn",
      paramLabel = "PROTOCOL",
      description = "The protocol to offer by ALPN.")
  String tlsAlpn;

  // ------------------------------------------------------------------ output

  @Option(
      names = {"-d", "--debug"},
      description = "Print what the client does (connecting, packets, events) on stderr.")
  boolean debug;

  @Option(names = "--quiet", description = "Print no runtime errors (bad usage still is).")
  boolean quiet;

  @Option(names = "--nodelay", hidden = true, description = "Accepted: Nagle is always off.")
  boolean nodelay;

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** mosquitto flags this client does not have, with why; refused by name instead of "unknown". */
  private static final Map<String, String> UNSUPPORTED =
      Map.ofEntries(
          Map.entry("-A", "binding to a local address is not supported"),
          Map.entry("-S", "SRV lookups are not supported"),
          Map.entry("--unix", "unix domain sockets are not supported"),
          Map.entry("--psk", "TLS-PSK is not supported"),
          Map.entry("--psk-identity", "TLS-PSK is not supported"),
          Map.entry("--proxy", "SOCKS proxies are not supported"),
          Map.entry("--ciphers", "the TLS ciphers are the JDK's defaults"),
          Map.entry("--tls-version", "TLS 1.3 and 1.2 are offered, always"),
          Map.entry("--keyform", "keys are PEM files"),
          Map.entry("--tls-engine", "TLS engines are not supported"),
          Map.entry("--tls-engine-kpass-sha1", "TLS engines are not supported"),
          Map.entry("-U", "unsubscribing is not supported"),
          Map.entry("--unsubscribe", "unsubscribing is not supported"),
          Map.entry("--remove-retained", "removing retained messages is not supported"),
          Map.entry("--pretty", "JSON output (-F %j) is not supported"),
          Map.entry("-o", "options files are not supported"));

  // ------------------------------------------------------------------ usage errors

  /** Makes {@code cmd} answer bad usage as mosquitto's tools do: "Error: ...", exit 1. */
  static CommandLine mosquittoUsage(CommandLine cmd) {
    // As in mosquitto, a flag given twice takes the last value.
    cmd.setOverwrittenOptionsAllowed(true);
    cmd.setParameterExceptionHandler(MqttClientOptions::usageError);
    return cmd;
  }

  /**
   * Makes the subcommands {@code names} of {@code root} answer bad usage as mosquitto's tools do;
   * the others keep the root's handler. (picocli asks the handler of the command line that runs
   * {@code execute}, the root, whichever subcommand the error is in.)
   */
  public static void mosquittoUsage(CommandLine root, String... names) {
    CommandLine.IParameterExceptionHandler others = root.getParameterExceptionHandler();
    Set<CommandLine> ours = new HashSet<>();
    for (String name : names) {
      CommandLine sub = root.getSubcommands().get(name);
      sub.setOverwrittenOptionsAllowed(true);
      ours.add(sub);
    }
    root.setParameterExceptionHandler(
        (ex, args) ->
            ours.contains(ex.getCommandLine())
                ? usageError(ex, args)
                : others.handleParseException(ex, args));
  }

  private static int usageError(ParameterException ex, String[] args) {
    String message = ex.getMessage();
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && !u.getUnmatched().isEmpty()
        && UNSUPPORTED.containsKey(u.getUnmatched().get(0))) {
      String flag = u.getUnmatched().get(0);
      message = flag + " is not supported: " + UNSUPPORTED.get(flag) + ".";
    }
    return usageError(ex.getCommandLine(), message);
  }

  /** One line saying what is wrong and where the usage is; exit 1. */
  static int usageError(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println("Error: " + message);
    err.println("Use '" + cmd.getCommandSpec().qualifiedName() + " --help' to see usage.");
    err.flush();
    return EXIT_FAILED;
  }

  // ------------------------------------------------------------------ resolving the flags

  /** The flags made into a client configuration, and what the commands need besides. */
  record Resolved(
      MqttClientConfig config,
      MqttProtocolVersion version,
      String broker,
      String urlTopic,
      Mqtt5PublishProperty publishProperty,
      Mqtt5SubscribeProperty subscribeProperty,
      Mqtt5DisconnectProperty disconnectProperty) {

    boolean v5() {
      return version.isV5();
    }
  }

  /** A broker URL taken apart. */
  record Url(
      MqttTransport transport, String host, int port, String path, String user, String password) {}

  /**
   * Checks the flags and builds the configuration. {@code reconnect}: whether the client connects
   * again after a lost connection (mosquitto_sub does; mosquitto_pub only with -l); a refused or
   * failed first connection always ends the command.
   */
  Resolved resolve(Kind kind, boolean reconnect) throws UsageError {
    MqttProtocolVersion version = version();
    if (qos < 0 || qos > 2) {
      throw new UsageError("Invalid QoS given: " + qos);
    }
    if (keepalive < 5 || keepalive > 65535) {
      throw new UsageError("Invalid keepalive given, it must be between 5 and 65535 inclusive.");
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw new UsageError("Invalid port given: " + port);
    }
    if (id != null && idPrefix != null) {
      throw new UsageError("-i and -I argument cannot be used together.");
    }
    if (id != null && id.isEmpty()) {
      throw new UsageError("-i needs a client id that is not empty.");
    }
    if (disableCleanSession && id == null && idPrefix == null) {
      throw new UsageError("You must provide a client id if you are using the -c option.");
    }
    Url parsed = url == null ? null : parseUrl(url);
    String user = username != null ? username : parsed == null ? null : parsed.user();
    String pass = password != null ? password : parsed == null ? null : parsed.password();
    if (pass != null && user == null && !version.isV5()) {
      throw new UsageError("-P (a password) needs -u (a user name) with MQTT 3.1 and 3.1.1.");
    }
    checkWill();

    Properties5 p = Properties5.parse(properties, kind, version.isV5());
    if (p.anyWill && willTopic == null) {
      throw new UsageError("-D will ... given, but no will topic given (--will-topic).");
    }
    Long expiry = sessionExpiry == null ? null : parseSessionExpiry(sessionExpiry);
    if (expiry != null && p.sessionExpiry != null) {
      throw new UsageError("-x and -D connect session-expiry-interval both given; give one.");
    }
    if (expiry == null) {
      expiry = p.sessionExpiry;
    }
    if (expiry == null && disableCleanSession) {
      expiry = 0xFFFF_FFFFL; // mosquitto: with -c the session never expires unless -x says
    }
    if (expiry != null && version.isV5()) {
      p.connect.sessionExpiryInterval(expiry);
    }

    // Where to connect, and how.
    boolean tlsTrust = cafile != null || capath != null || tlsUseOsCerts;
    MqttTransport transport;
    if (parsed != null) {
      transport = parsed.transport();
      if (tlsTrust && !transport.isTls()) {
        throw new UsageError(
            "--cafile, --capath and --tls-use-os-certs need TLS, but the URL says "
                + transport.scheme()
                + "://; use mqtts:// or wss://.");
      }
    } else if (tlsTrust) {
      transport = MqttTransport.SSL;
    } else {
      // mosquitto: port 8883 without certificate options means TLS with the system's CAs.
      transport = port != null && port == 8883 ? MqttTransport.SSL : MqttTransport.TCP;
    }
    String needsTls =
        cert != null
            ? "--cert"
            : key != null
                ? "--key"
                : insecure ? "--insecure" : tlsAlpn != null ? "--tls-alpn" : null;
    if (needsTls != null && !transport.isTls()) {
      throw new UsageError(
          needsTls
              + " needs TLS: give --cafile, --capath or --tls-use-os-certs, or an mqtts:// or"
              + " wss:// URL.");
    }
    if ((cert == null) != (key == null)) {
      throw new UsageError("--cert and --key go together: give both.");
    }
    if (tlsUseOsCerts && (cafile != null || capath != null)) {
      throw new UsageError(
          "--tls-use-os-certs trusts the JDK's CAs and --cafile/--capath only theirs; give one.");
    }
    String brokerHost = host != null ? host : parsed != null ? parsed.host() : "localhost";
    int brokerPort =
        port != null
            ? port
            : parsed != null && parsed.port() > 0 ? parsed.port() : transport.defaultPort();
    String wsPath =
        transport.isWebSocket() && parsed != null && parsed.path() != null ? parsed.path() : null;
    String urlTopic =
        parsed != null && !transport.isWebSocket() && parsed.path() != null
            ? emptyToNull(parsed.path().substring(1))
            : null;
    String caPem = readCertificates();
    String certPem = cert == null ? null : read(cert, "--cert");
    String keyPem = key == null ? null : read(key, "--key");

    String clientId = clientId(version);
    MqttClientConfig config;
    try {
      config =
          MqttClientConfig.builder()
              .broker(
                  b ->
                      b.hostname(brokerHost)
                          .port(brokerPort)
                          .transport(transport)
                          .path(wsPath)
                          .verification(
                              v -> {
                                if (caPem != null) {
                                  v.certificate(caPem);
                                }
                                if (insecure) {
                                  v.skipCertCommonNameCheck(true);
                                }
                                if (tlsAlpn != null) {
                                  v.alpnProtos(tlsAlpn.split(","));
                                }
                              }))
              .credentials(
                  c -> {
                    if (clientId == null) {
                      c.setNullClientId(true);
                    } else {
                      c.clientId(clientId);
                    }
                    c.username(user)
                        .authentication(
                            a -> {
                              a.password(pass);
                              if (certPem != null) {
                                a.certificate(certPem).key(keyPem);
                              }
                            });
                  })
              .session(
                  s -> {
                    s.keepalive(keepalive)
                        .disableCleanSession(disableCleanSession)
                        .protocolVer(version)
                        .connectProperty(version.isV5() ? p.connect.build() : null);
                    if (willTopic != null) {
                      s.lastWill(
                          willTopic,
                          willPayload == null
                              ? new byte[0]
                              : willPayload.getBytes(StandardCharsets.UTF_8),
                          willQos == null ? 0 : willQos,
                          willRetain);
                    }
                  })
              .network(
                  n -> n.disableAutoReconnect(!reconnect).reconnectTimeout(Duration.ofSeconds(1)))
              // A command waits for its acknowledgements as long as mosquitto's tools do.
              .outbox(o -> o.expiry(Duration.ofDays(365)))
              .extensions(e -> e.reassembleData(true))
              .build();
    } catch (IllegalArgumentException e) { // MqttConfigException, and the property records' checks
      throw new UsageError(e.getMessage());
    }
    String broker =
        transport.scheme()
            + "://"
            + (brokerHost.indexOf(':') >= 0 ? "[" + brokerHost + "]" : brokerHost)
            + ":"
            + brokerPort
            + (transport.isWebSocket() ? (wsPath == null ? "/mqtt" : wsPath) : "");
    return new Resolved(
        config,
        version,
        broker,
        urlTopic,
        version.isV5() ? p.publish() : null,
        version.isV5() ? p.subscribe() : null,
        version.isV5() ? p.disconnect() : null);
  }

  private MqttProtocolVersion version() throws UsageError {
    MqttProtocolVersion v = MqttProtocolVersion.V_3_1_1;
    if (protocolVersion != null) {
      v =
          switch (protocolVersion.toLowerCase(Locale.ROOT)) {
            case "31", "mqttv31" -> MqttProtocolVersion.V_3_1;
            case "311", "mqttv311" -> MqttProtocolVersion.V_3_1_1;
            case "5", "mqttv5" -> MqttProtocolVersion.V_5;
            default ->
                throw new UsageError(
                    "Invalid protocol version argument given: '"
                        + protocolVersion
                        + "' (31, 311 or 5).");
          };
    }
    if (!properties.isEmpty()) {
      if (protocolVersion != null && !v.isV5()) {
        throw new UsageError("-D/--property is MQTT 5 only, but -V says " + protocolVersion + ".");
      }
      v = MqttProtocolVersion.V_5;
    }
    return v;
  }

  private void checkWill() throws UsageError {
    if (willTopic == null) {
      if (willPayload != null) {
        throw new UsageError("Will payload given, but no will topic given.");
      }
      if (willQos != null) {
        throw new UsageError("Will QoS given, but no will topic given.");
      }
      if (willRetain) {
        throw new UsageError("Will retain given, but no will topic given.");
      }
      return;
    }
    if (!Topics.isValidName(willTopic)) {
      throw new UsageError("Invalid will topic '" + willTopic + "', does it contain '+' or '#'?");
    }
    if (willQos != null && (willQos < 0 || willQos > 2)) {
      throw new UsageError("Invalid will QoS " + willQos + ".");
    }
  }

  private String clientId(MqttProtocolVersion version) {
    if (id != null) {
      return id;
    }
    if (idPrefix != null) {
      return idPrefix + ProcessHandle.current().pid();
    }
    if (version == MqttProtocolVersion.V_3_1) {
      // MQTT 3.1 has no empty client id; mosquitto's tools make one like this.
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      SecureRandom random = new SecureRandom();
      StringBuilder b = new StringBuilder("mosq-");
      for (int i = 0; i < 18; i++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return b.toString();
    }
    return null;
  }

  private static Long parseSessionExpiry(String text) throws UsageError {
    if (text.equals("-1") || text.equals("∞")) {
      return 0xFFFF_FFFFL;
    }
    try {
      long v = Long.parseLong(text);
      if (v >= 0 && v <= 0xFFFF_FFFFL) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageError(
        "Invalid session expiry interval '" + text + "' (0 to 4294967295, or -1 for never).");
  }

  /** Takes apart {@code scheme://[user[:password]@]host[:port][/path]}. */
  static Url parseUrl(String text) throws UsageError {
    int sep = text.indexOf("://");
    if (sep <= 0) {
      throw new UsageError(
          "Invalid URL for -L argument specified: '"
              + text
              + "' (the form is mqtt://[user[:password]@]host[:port]/topic).");
    }
    String scheme = text.substring(0, sep);
    MqttTransport transport = MqttTransport.ofScheme(scheme);
    if (transport == null) {
      throw new UsageError("unsupported URL scheme '" + scheme + "': use mqtt, mqtts, ws or wss.");
    }
    String rest = text.substring(sep + 3);
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? null : rest.substring(slash);
    String user = null;
    String pass = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String info = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      pass = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    String hostPart = authority;
    String portText = null;
    if (hostPart.startsWith("[")) {
      int end = hostPart.indexOf(']');
      if (end < 0) {
        throw new UsageError("Invalid URL '" + text + "': an IPv6 address lacks its ']'.");
      }
      String after = hostPart.substring(end + 1);
      hostPart = hostPart.substring(1, end);
      if (after.startsWith(":")) {
        portText = after.substring(1);
      } else if (!after.isEmpty()) {
        throw new UsageError("Invalid URL '" + text + "'.");
      }
    } else {
      int colon = hostPart.lastIndexOf(':');
      if (colon >= 0) {
        portText = hostPart.substring(colon + 1);
        hostPart = hostPart.substring(0, colon);
      }
    }
    if (hostPart.isEmpty()) {
      throw new UsageError("Invalid URL '" + text + "': no host.");
    }
    int port = 0;
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new UsageError("Invalid port given in URL '" + text + "': " + portText);
      }
    }
    if (path != null && path.equals("/")) {
      path = null;
    }
    return new Url(transport, hostPart, port, path, user, pass);
  }

  /** %XX escapes in a URL's user name and password, so that '@', ':' and '/' can be in them. */
  private static String decode(String s) throws UsageError {
    if (s.indexOf('%') < 0) {
      return s;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new UsageError("Invalid %-escape in the URL's user name or password.");
        }
        try {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        } catch (NumberFormatException e) {
          throw new UsageError("Invalid %-escape in the URL's user name or password.");
        }
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private String readCertificates() throws UsageError {
    StringBuilder pem = new StringBuilder();
    if (cafile != null) {
      pem.append(read(cafile, "--cafile")).append('\n');
    }
    if (capath != null) {
      List<Path> files;
      try (Stream<Path> s = Files.list(capath)) {
        files =
            s.filter(Files::isRegularFile)
                .filter(f -> f.toString().endsWith(".crt") || f.toString().endsWith(".pem"))
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new UsageError(
            "Problem setting TLS options: cannot read --capath " + capath + " (" + why(e) + ").");
      }
      if (files.isEmpty()) {
        throw new UsageError(
            "Problem setting TLS options: no *.crt or *.pem files in --capath " + capath + ".");
      }
      for (Path f : files) {
        pem.append(read(f, "--capath")).append('\n');
      }
    }
    return pem.isEmpty() ? null : pem.toString();
  }

  private static String read(Path file, String flag) throws UsageError {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UsageError(
          "Problem setting TLS options: cannot read " + flag + " " + file + " (" + why(e) + ").");
    }
  }

  static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  // ------------------------------------------------------------------ -D

  /**
   * Takes {@code -D COMMAND NAME VALUE}, or four arguments for {@code user-property}, as mosquitto
   * does; the values are checked once the whole command line is read.
   */
  static final class PropertyArgs implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec spec) {
      if (args.size() < 3) {
        throw notEnough(spec);
      }
      List<String> one = new ArrayList<>(4);
      one.add(args.pop());
      one.add(args.pop());
      if (one.get(1).equalsIgnoreCase("user-property")) {
        if (args.size() < 2) {
          throw notEnough(spec);
        }
        one.add(args.pop());
      }
      one.add(args.pop());
      List<List<String>> all = argSpec.getValue();
      all.add(one);
    }

    private static ParameterException notEnough(CommandSpec spec) {
      return new ParameterException(
          spec.commandLine(),
          "--property argument given but not enough arguments specified"
              + " (-D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE).");
    }
  }

  /** The MQTT 5 properties of the -D flags, sorted by the packet they go into. */
  static final class Properties5 {
    final Mqtt5ConnectProperty.Builder connect = Mqtt5ConnectProperty.builder();
    final Mqtt5PublishProperty.Builder publish = Mqtt5PublishProperty.builder();
    final Mqtt5SubscribeProperty.Builder subscribe = Mqtt5SubscribeProperty.builder();
    Long sessionExpiry;
    Long disconnectExpiry;
    final List<UserProperty> disconnectUser = new ArrayList<>();
    boolean anyPublish;
    boolean anySubscribe;
    boolean anyDisconnect;
    boolean anyWill;

    private static final Set<String> COMMANDS =
        Set.of(
            "connect",
            "publish",
            "subscribe",
            "unsubscribe",
            "will",
            "disconnect",
            "puback",
            "pubrec",
            "pubrel",
            "pubcomp",
            "auth");

    private static final Map<String, Set<String>> ALLOWED =
        Map.of(
            "connect",
            Set.of(
                "session-expiry-interval",
                "maximum-packet-size",
                "receive-maximum",
                "topic-alias-maximum",
                "request-problem-information",
                "request-response-information",
                "user-property",
                "authentication-method",
                "authentication-data"),
            "publish",
            Set.of(
                "content-type",
                "correlation-data",
                "message-expiry-interval",
                "payload-format-indicator",
                "response-topic",
                "topic-alias",
                "user-property"),
            "will",
            Set.of(
                "content-type",
                "correlation-data",
                "message-expiry-interval",
                "payload-format-indicator",
                "response-topic",
                "user-property",
                "will-delay-interval"),
            "subscribe",
            Set.of("subscription-identifier", "user-property"),
            "disconnect",
            Set.of("session-expiry-interval", "user-property"));

    private static final Set<String> NAMES =
        Set.of(
            "payload-format-indicator",
            "message-expiry-interval",
            "content-type",
            "response-topic",
            "correlation-data",
            "subscription-identifier",
            "session-expiry-interval",
            "assigned-client-identifier",
            "server-keep-alive",
            "authentication-method",
            "authentication-data",
            "request-problem-information",
            "will-delay-interval",
            "request-response-information",
            "response-information",
            "server-reference",
            "reason-string",
            "receive-maximum",
            "topic-alias-maximum",
            "topic-alias",
            "maximum-qos",
            "retain-available",
            "user-property",
            "maximum-packet-size",
            "wildcard-subscription-available",
            "subscription-identifier-available",
            "shared-subscription-available");

    static Properties5 parse(List<List<String>> args, Kind kind, boolean v5) throws UsageError {
      Properties5 p = new Properties5();
      Set<String> seen = new HashSet<>();
      for (List<String> a : args) {
        String command = a.get(0).toLowerCase(Locale.ROOT);
        String name = a.get(1).toLowerCase(Locale.ROOT);
        String value = a.get(a.size() - 1);
        if (!COMMANDS.contains(command)) {
          throw new UsageError("Invalid command " + a.get(0) + " given in --property argument.");
        }
        if (!NAMES.contains(name)) {
          throw new UsageError(
              "Invalid property name " + a.get(1) + " given in --property argument.");
        }
        boolean forThisTool =
            switch (command) {
              case "publish" -> kind == Kind.PUB;
              case "subscribe" -> kind == Kind.SUB;
              default -> true;
            };
        Set<String> allowed = ALLOWED.get(command);
        if (!forThisTool || allowed == null) {
          throw new UsageError(
              "properties of "
                  + command
                  + " packets are not supported by switchboard "
                  + kind.name
                  + " (its -D takes connect, "
                  + (kind == Kind.PUB ? "publish" : "subscribe")
                  + ", will and disconnect).");
        }
        if (!allowed.contains(name)) {
          throw new UsageError(
              name + " property not allowed for " + command + " in --property argument.");
        }
        if (name.startsWith("authentication-")) {
          throw new UsageError(
              name + " is not supported: enhanced authentication (AUTH) is not in the client.");
        }
        if (!name.equals("user-property") && !seen.add(command + " " + name)) {
          throw new UsageError(
              "Duplicate property " + name + " for " + command + " in --property argument.");
        }
        if (v5) {
          p.add(command, name, a, value);
        }
      }
      return p;
    }

    private void add(String command, String name, List<String> a, String value) throws UsageError {
      boolean will = command.equals("will");
      switch (command + " " + name) {
        case "connect user-property" -> connect.userProperty(a.get(2), value);
        case "will user-property" -> connect.willUserProperty(a.get(2), value);
        case "publish user-property" -> publish.userProperty(a.get(2), value);
        case "subscribe user-property" -> subscribe.userProperty(a.get(2), value);
        case "disconnect user-property" -> disconnectUser.add(new UserProperty(a.get(2), value));
        case "connect session-expiry-interval" -> sessionExpiry = u32(name, value);
        case "disconnect session-expiry-interval" -> disconnectExpiry = u32(name, value);
        case "connect maximum-packet-size" -> connect.maximumPacketSize(range(name, value, 1));
        case "connect receive-maximum" ->
            connect.receiveMaximum((int) range(name, value, 1, 65535));
        case "connect topic-alias-maximum" ->
            connect.topicAliasMaximum((int) range(name, value, 0, 65535));
        case "connect request-problem-information" ->
            connect.requestProblemInfo(range(name, value, 0, 1) == 1);
        case "connect request-response-information" ->
            connect.requestResponseInfo(range(name, value, 0, 1) == 1);
        case "will will-delay-interval" -> connect.willDelayInterval(u32(name, value));
        case "publish topic-alias" -> publish.topicAlias((int) range(name, value, 1, 65535));
        case "subscribe subscription-identifier" ->
            subscribe.subscribeId((int) range(name, value, 1, 268_435_455));
        default -> {
          switch (name) {
            case "content-type" -> {
              if (will) {
                connect.willContentType(value);
              } else {
                publish.contentType(value);
              }
            }
            case "correlation-data" -> {
              byte[] data = value.getBytes(StandardCharsets.UTF_8);
              if (will) {
                connect.willCorrelationData(data);
              } else {
                publish.correlationData(data);
              }
            }
            case "message-expiry-interval" -> {
              if (will) {
                connect.willMessageExpiryInterval(u32(name, value));
              } else {
                publish.messageExpiryInterval(u32(name, value));
              }
            }
            case "payload-format-indicator" -> {
              boolean utf8 = range(name, value, 0, 1) == 1;
              if (will) {
                connect.willPayloadFormatIndicator(utf8);
              } else {
                publish.payloadFormatIndicator(utf8);
              }
            }
            case "response-topic" -> {
              if (!Topics.isValidName(value)) {
                throw new UsageError(
                    "Invalid response-topic '" + value + "', does it contain '+' or '#'?");
              }
              if (will) {
                connect.willResponseTopic(value);
              } else {
                publish.responseTopic(value);
              }
            }
            default -> throw new IllegalStateException(command + " " + name);
          }
        }
      }
      anyPublish |= command.equals("publish");
      anySubscribe |= command.equals("subscribe");
      anyDisconnect |= command.equals("disconnect");
      anyWill |= command.equals("will");
    }

    Mqtt5PublishProperty publish() {
      return anyPublish ? publish.build() : null;
    }

    Mqtt5SubscribeProperty subscribe() {
      return anySubscribe ? subscribe.build() : null;
    }

    Mqtt5DisconnectProperty disconnect() {
      return anyDisconnect
          ? new Mqtt5DisconnectProperty(disconnectExpiry, 0, disconnectUser)
          : null;
    }

    private static long u32(String name, String value) throws UsageError {
      return range(name, value, 0, 0xFFFF_FFFFL);
    }

    private static long range(String name, String value, long min) throws UsageError {
      return range(name, value, min, 0xFFFF_FFFFL);
    }

    private static long range(String name, String value, long min, long max) throws UsageError {
      try {
        long v = Long.parseLong(value.strip());
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new UsageError(
          "Property value ("
              + value
              + ") out of range for property "
              + name
              + " ("
              + min
              + " to "
              + max
              + ").");
    }
  }

  // ------------------------------------------------------------------ running

  /** The client's own log lines would interleave with mosquitto's messages; warnings stay. */
  static void quietClientLog() {
    if (LoggerFactory.getLogger("dev.switchboard.client")
        instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** Prints a runtime error (not with --quiet). */
  void error(PrintWriter err, String line) {
    if (!quiet) {
      err.println(line);
      err.flush();
    }
  }

  /** Prints a debug line (with -d). */
  void debug(PrintWriter err, String line) {
    if (debug && !quiet) {
      err.println(line);
      err.flush();
    }
  }

  /** "Client ID" as mosquitto's debug lines name it. */
  static String who(MqttClient client) {
    String id = client.clientId();
    return "Client " + (id == null || id.isEmpty() ? "(null)" : id);
  }

  /** What to print and exit with when the first connection fails, as mosquitto's tools do. */
  record Failure(List<String> lines, int code) {}

  /**
   * The message and exit code for an ERROR before the connection is up: a refused CONNACK exits
   * with its code; a connection that cannot be made exits 1; one that is lost before CONNACK, 7.
   */
  static Failure connectFailure(MqttErrorCodes e, boolean v5) {
    if (e.errorType() == MqttErrorType.CONNECTION_REFUSED) {
      int code = e.connectReasonCode();
      String why =
          v5
              ? reasonString(code)
                  + (code == 0x84
                      ? ". Try connecting to an MQTT v5 broker, or use MQTT v3.x mode."
                      : "")
              : connackString(code);
      return new Failure(List.of("Connection error: " + why), code);
    }
    if (e.tlsFailure() != null) {
      return new Failure(List.of("Unable to connect (A TLS error occurred.)."), EXIT_FAILED);
    }
    for (Throwable t = e.cause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        return new Failure(List.of("Unable to connect (Lookup error.)."), EXIT_FAILED);
      }
    }
    String message = e.message() == null ? "" : e.message();
    if (message.startsWith("WebSocket handshake")) {
      return new Failure(List.of("Error: " + message), EXIT_FAILED);
    }
    return switch (e.sockErrno()) {
      case 101 -> new Failure(List.of("Error: Network is unreachable"), EXIT_FAILED);
      case 110 -> new Failure(List.of("Error: Connection timed out"), EXIT_FAILED);
      case 111 -> new Failure(List.of("Error: Connection refused"), EXIT_FAILED);
      case 113 -> new Failure(List.of("Error: No route to host"), EXIT_FAILED);
      default -> new Failure(List.of("Error: The connection was lost."), EXIT_CONNECTION_LOST);
    };
  }

  /** libmosquitto 2.0.11's mosquitto_connack_string: MQTT 3.1.1 return codes. */
  static String connackString(int code) {
    return switch (code) {
      case 0 -> "Connection Accepted.";
      case 1 -> "Connection Refused: unacceptable protocol version.";
      case 2 -> "Connection Refused: identifier rejected.";
      case 3 -> "Connection Refused: broker unavailable.";
      case 4 -> "Connection Refused: bad user name or password.";
      case 5 -> "Connection Refused: not authorised.";
      default -> "Connection Refused: unknown reason.";
    };
  }

  /** libmosquitto's mosquitto_reason_string: MQTT 5 reason codes. */
  static String reasonString(int code) {
    return switch (code) {
      case 0x00 -> "Success";
      case 0x01 -> "Granted QoS 1";
      case 0x02 -> "Granted QoS 2";
      case 0x04 -> "Disconnect with Will Message";
      case 0x10 -> "No matching subscribers";
      case 0x11 -> "No subscription existed";
      case 0x18 -> "Continue authentication";
      case 0x19 -> "Re-authenticate";
      case 0x80 -> "Unspecified error";
      case 0x81 -> "Malformed Packet";
      case 0x82 -> "Protocol Error";
      case 0x83 -> "Implementation specific error";
      case 0x84 -> "Unsupported Protocol Version";
      case 0x85 -> "Client Identifier not valid";
      case 0x86 -> "Bad User Name or Password";
      case 0x87 -> "Not authorized";
      case 0x88 -> "Server unavailable";
      case 0x89 -> "Server busy";
      case 0x8A -> "Banned";
      case 0x8B -> "Server shutting down";
      case 0x8C -> "Bad authentication method";
      case 0x8D -> "Keep Alive timeout";
      case 0x8E -> "Session taken over";
      case 0x8F -> "Topic Filter invalid";
      case 0x90 -> "Topic Name invalid";
      case 0x91 -> "Packet Identifier in use";
      case 0x92 -> "Packet Identifier not found";
      case 0x93 -> "Receive Maximum exceeded";
      case 0x94 -> "Topic Alias invalid";
      case 0x95 -> "Packet too large";
      case 0x96 -> "Message rate too high";
      case 0x97 -> "Quota exceeded";
      case 0x98 -> "Administrative action";
      case 0x99 -> "Payload format invalid";
      case 0x9A -> "Retain not supported";
      case 0x9B -> "QoS not supported";
      case 0x9C -> "Use another server";
      case 0x9D -> "Server moved";
      case 0x9E -> "Shared Subscriptions not supported";
      case 0x9F -> "Connection rate exceeded";
      case 0xA0 -> "Maximum connect time";
      case 0xA1 -> "Subscription identifiers not supported";
      case 0xA2 -> "Wildcard Subscriptions not supported";
      default -> "Unknown reason";
    };
  }

  /**
   * A started client whose events the command's own thread takes one at a time, in order, with
   * other input (lines read from stdin) among them: the command's logic stays on one thread, as
   * mosquitto's loop does. A full inbox holds the client's task back, and so its reading.
   */
  static final class Connection implements AutoCloseable {
    private final MqttClient client;
    private final BlockingQueue<Object> inbox = new ArrayBlockingQueue<>(1024);
    private final Thread shutdownHook;
    private volatile boolean closing;
    private boolean closed;
    private Mqtt5DisconnectProperty disconnectProperty;

    /**
     * @throws MqttConfigException when the client refuses the configuration (a certificate or key
     *     it cannot read)
     */
    Connection(MqttClientConfig config) {
      this.client = MqttClient.init(config);
      client.registerEvent(MqttEventId.ANY, this::put);
      // Ctrl-C: a DISCONNECT, as mosquitto's tools send on SIGINT.
      this.shutdownHook = new Thread(this::close, "switchboard-mqtt-disconnect");
    }

    MqttClient client() {
      return client;
    }

    void start() {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      client.start();
    }

    /** What the DISCONNECT sent at the end carries (MQTT 5 -D disconnect ...). */
    void disconnectWith(Mqtt5DisconnectProperty property) {
      this.disconnectProperty = property;
    }

    /** Adds an item for the command's thread; waits while the inbox is full, unless closing. */
    void put(Object item) {
      try {
        while (!closing) {
          if (inbox.offer(item, 100, TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The next item; null when none came within {@code nanos} (Long.MAX_VALUE: no limit). */
    Object take(long nanos) throws InterruptedException {
      if (nanos == Long.MAX_VALUE) {
        return inbox.take();
      }
      return nanos <= 0 ? inbox.poll() : inbox.poll(nanos, TimeUnit.NANOSECONDS);
    }

    /** Sends a DISCONNECT when connected and frees the client. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      inbox.clear();
      if (disconnectProperty != null) {
        client.setDisconnectProperty(disconnectProperty);
      }
      client.destroy();
      if (Thread.currentThread() != shutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
          // shutting down already, or never started
        }
      }
    }
  }

  /** One line of a received or sent PUBLISH, as mosquitto's debug output shows it. */
  static String describe(MqttEvent e) {
    return String.format(
        "(d%d, q%d, r%d, m%d, '%s', ... (%d bytes))",
        e.dup() ? 1 : 0, e.qos(), e.retain() ? 1 : 0, e.msgId(), e.topic(), e.dataLen());
  }
}
