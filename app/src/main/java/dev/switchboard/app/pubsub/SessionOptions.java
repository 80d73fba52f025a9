package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttProtocolVersion;
import java.security.SecureRandom;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The flags of pub and sub that say who connects and how (-i, -I, -u, -P, -k, -V, -q, -c, -x): the
 * client id, the user, keep alive, the protocol version, the QoS, and how long the session lasts.
 */
final class SessionOptions {
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

  /** The user name and password to connect with; either may be null. */
  record Credentials(String user, String password) {}

  /** The version -V asks for (default 3.1.1); {@code anyProperty}: -D is given, which means 5. */
  MqttProtocolVersion version(boolean anyProperty) throws UsageError {
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
    if (anyProperty) {
      if (protocolVersion != null && !v.isV5()) {
        throw new UsageError("-D/--property is MQTT 5 only, but -V says " + protocolVersion + ".");
      }
      v = MqttProtocolVersion.V_5;
    }
    return v;
  }

  /** Checks -q and -k. */
  void checkQosAndKeepalive() throws UsageError {
    if (qos < 0 || qos > 2) {
      throw new UsageError("Invalid QoS given: " + qos);
    }
    if (keepalive < 5 || keepalive > 65535) {
      throw new UsageError("Invalid keepalive given, it must be between 5 and 65535 inclusive.");
    }
  }

  /** Checks -i, -I and -c. */
  void checkClientId() throws UsageError {
    if (id != null && idPrefix != null) {
      throw new UsageError("-i and -I argument cannot be used together.");
    }
    if (id != null && id.isEmpty()) {
      throw new UsageError("-i needs a client id that is not empty.");
    }
    if (disableCleanSession && id == null && idPrefix == null) {
      throw new UsageError("You must provide a client id if you are using the -c option.");
    }
  }

  /** -u and -P, else the user and password of the URL ({@code url} null: no -L). */
  Credentials credentials(BrokerUrl url, MqttProtocolVersion version) throws UsageError {
    String user = username != null ? username : url == null ? null : url.user();
    String pass = password != null ? password : url == null ? null : url.password();
    if (pass != null && user == null && !version.isV5()) {
      throw new UsageError("-P (a password) needs -u (a user name) with MQTT 3.1 and 3.1.1.");
    }
    return new Credentials(user, pass);
  }

  /**
   * The session expiry interval to ask for: -x, else {@code fromProperties} (-D connect
   * session-expiry-interval), else never with -c; null when none is.
   */
  Long sessionExpiry(Long fromProperties) throws UsageError {
    Long expiry = sessionExpiry == null ? null : parseSessionExpiry(sessionExpiry);
    if (expiry != null && fromProperties != null) {
      throw new UsageError("-x and -D connect session-expiry-interval both given; give one.");
    }
    if (expiry == null) {
      expiry = fromProperties;
    }
    if (expiry == null && disableCleanSession) {
      expiry = 0xFFFF_FFFFL; // mosquitto: with -c the session never expires unless -x says
    }
    return expiry;
  }

  /** -i, or -I and this process's id; with neither, none (the broker assigns), but for MQTT 3.1. */
  String clientId(MqttProtocolVersion version) {
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
}
