package dev.switchboard.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client's configuration: ESP-MQTT's {@code esp_mqtt_client_config_t}, with the same groups
 * (broker address and verification, credentials and authentication, session and last will, network,
 * buffer, outbox) and the same defaults. Extensions ESP-MQTT lacks are in their own group and all
 * off by default.
 *
 * <pre>{@code
 * MqttClientConfig config = MqttClientConfig.builder()
 *     .broker(b -> b.uri("mqtt://device_x:device_x@127.0.0.1:1883"))
 *     .credentials(c -> c.clientId("device_x"))
 *     .build();
 * }</pre>
 *
 * <p>{@link MqttClient#init} checks the combination (a URI and a transport both set, TLS options
 * with a non-TLS scheme, a certificate without its key) and refuses conflicts with a {@link
 * MqttConfigException}.
 *
 * @param deviceMac the MAC address the default client id is made from, or null for this machine's
 */
public record MqttClientConfig(
    Broker broker,
    Credentials credentials,
    Session session,
    Network network,
    Buffer buffer,
    Outbox outbox,
    Extensions extensions,
    byte[] deviceMac) {

  /** Where the broker is ({@code broker.address}) and how it is verified. */
  public record Broker(Address address, Verification verification) {}

  /**
   * {@code broker.address}: a URI ({@code scheme://[user[:password]@]host[:port][/path]}, schemes
   * mqtt, mqtts, ws, wss) or host, port, transport and path. Port 0 means the transport's default.
   */
  public record Address(
      String uri, String hostname, MqttTransport transport, String path, int port) {}

  /**
   * {@code broker.verification}. Without a certificate, the broker's chain is checked against the
   * JDK's trusted roots (ESP-MQTT's {@code use_global_ca_store} or certificate bundle).
   *
   * @param certificate the CA certificate(s) in PEM that the broker's chain must lead to
   * @param skipCertCommonNameCheck do not check the broker's name (its chain is still checked)
   * @param commonName the name the broker's certificate must carry, if not the host name
   * @param alpnProtos protocols offered by ALPN, in order
   */
  public record Verification(
      String certificate,
      boolean skipCertCommonNameCheck,
      String commonName,
      List<String> alpnProtos) {
    public Verification {
      alpnProtos = List.copyOf(alpnProtos == null ? List.of() : alpnProtos);
    }

    boolean anySet() {
      return certificate != null
          || skipCertCommonNameCheck
          || commonName != null
          || !alpnProtos.isEmpty();
    }
  }

  /**
   * {@code credentials}. A null client id becomes {@code ESP32_} followed by the last three bytes
   * of the device's MAC address (see {@link MqttClientConfig.Builder#deviceMac}); {@code
   * setNullClientId} sends an empty client id instead.
   */
  public record Credentials(
      String username, String clientId, boolean setNullClientId, Authentication authentication) {}

  /**
   * {@code credentials.authentication}: the password, and a client certificate and key in PEM for
   * mutual TLS.
   */
  public record Authentication(
      String password, String certificate, String key, String keyPassword) {}

  /** {@code session}. */
  public record Session(
      LastWill lastWill,
      boolean disableCleanSession,
      int keepalive,
      boolean disableKeepalive,
      MqttProtocolVersion protocolVer,
      Duration messageRetransmitTimeout,
      Mqtt5ConnectProperty connectProperty) {

    /** The keep alive sent in the CONNECT, in seconds. */
    int keepaliveSeconds() {
      return disableKeepalive ? 0 : keepalive;
    }
  }

  /** {@code session.last_will}; a null topic means no will. */
  public record LastWill(String topic, byte[] msg, int qos, boolean retain) {
    public static final LastWill NONE = new LastWill(null, null, 0, false);
  }

  /** {@code network}. A zero refresh period means never. */
  public record Network(
      Duration reconnectTimeout,
      Duration timeout,
      Duration refreshConnectionAfter,
      boolean disableAutoReconnect) {}

  /**
   * {@code buffer}: {@code size} is the largest part of an incoming message one DATA event carries
   * (larger ones arrive in several); {@code outSize} is accepted for ESP-MQTT's sake: this client
   * writes every outgoing packet whole, whatever its size.
   */
  public record Buffer(int size, int outSize) {}

  /**
   * {@code outbox}: {@code limit} is the most bytes of QoS 1 and 2 messages the outbox holds (0 =
   * no limit); {@code expiry} is how long an entry may wait for being sent or acknowledged before
   * it is deleted with a DELETED event (ESP-MQTT's {@code OUTBOX_EXPIRED_TIMEOUT_MS}, 30 s).
   */
  public record Outbox(long limit, Duration expiry) {}

  /**
   * Extensions ESP-MQTT lacks, all off by default.
   *
   * @param backoff reconnect after an exponentially growing delay with jitter instead of the fixed
   *     reconnect timeout; null for off
   * @param resubscribe after a reconnect without a session, subscribe again to what was subscribed
   * @param reassembleData deliver every message as one DATA event, whatever the buffer size
   * @param outboxFile keep the outbox in this file, so unacknowledged QoS 1 and 2 messages survive
   *     a restart of the program; null for memory only
   */
  public record Extensions(
      Backoff backoff, boolean resubscribe, boolean reassembleData, Path outboxFile) {}

  /**
   * Reconnect backoff: the n-th consecutive attempt waits a random time between 0 and {@code
   * min(max, initial * 2^n)} ("full jitter").
   */
  public record Backoff(Duration initial, Duration max) {
    public Backoff {
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new MqttConfigException("backoff needs 0 < initial <= max");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** ESP-MQTT's defaults: keepalive 120 s, reconnect and network timeouts 10 s, buffer 1024. */
  public static final class Builder {
    final BrokerBuilder broker = new BrokerBuilder();
    final CredentialsBuilder credentials = new CredentialsBuilder();
    final SessionBuilder session = new SessionBuilder();
    final NetworkBuilder network = new NetworkBuilder();
    final BufferBuilder buffer = new BufferBuilder();
    final OutboxBuilder outbox = new OutboxBuilder();
    final ExtensionsBuilder extensions = new ExtensionsBuilder();
    byte[] deviceMac;

    Builder() {}

    Builder(MqttClientConfig c) {
      Address a = c.broker.address;
      broker.uri = a.uri;
      broker.hostname = a.hostname;
      broker.transport = a.transport;
      broker.path = a.path;
      broker.port = a.port;
      Verification v = c.broker.verification;
      broker.verification.certificate = v.certificate;
      broker.verification.skipCertCommonNameCheck = v.skipCertCommonNameCheck;
      broker.verification.commonName = v.commonName;
      broker.verification.alpnProtos = v.alpnProtos;
      credentials.username = c.credentials.username;
      credentials.clientId = c.credentials.clientId;
      credentials.setNullClientId = c.credentials.setNullClientId;
      Authentication au = c.credentials.authentication;
      credentials.authentication.password = au.password;
      credentials.authentication.certificate = au.certificate;
      credentials.authentication.key = au.key;
      credentials.authentication.keyPassword = au.keyPassword;
      Session s = c.session;
      session.lastWill = s.lastWill;
      session.disableCleanSession = s.disableCleanSession;
      session.keepalive = s.keepalive;
      session.disableKeepalive = s.disableKeepalive;
      session.protocolVer = s.protocolVer;
      session.messageRetransmitTimeout = s.messageRetransmitTimeout;
      session.connectProperty = s.connectProperty;
      network.reconnectTimeout = c.network.reconnectTimeout;
      network.timeout = c.network.timeout;
      network.refreshConnectionAfter = c.network.refreshConnectionAfter;
      network.disableAutoReconnect = c.network.disableAutoReconnect;
      buffer.size = c.buffer.size;
      buffer.outSize = c.buffer.outSize;
      outbox.limit = c.outbox.limit;
      outbox.expiry = c.outbox.expiry;
      extensions.backoff = c.extensions.backoff;
      extensions.resubscribe = c.extensions.resubscribe;
      extensions.reassembleData = c.extensions.reassembleData;
      extensions.outboxFile = c.extensions.outboxFile;
      deviceMac = c.deviceMac;
    }

    public Builder broker(Consumer<BrokerBuilder> group) {
      group.accept(broker);
      return this;
    }

    public Builder credentials(Consumer<CredentialsBuilder> group) {
      group.accept(credentials);
      return this;
    }

    public Builder session(Consumer<SessionBuilder> group) {
      group.accept(session);
      return this;
    }

    public Builder network(Consumer<NetworkBuilder> group) {
      group.accept(network);
      return this;
    }

    public Builder buffer(Consumer<BufferBuilder> group) {
      group.accept(buffer);
      return this;
    }

    public Builder outbox(Consumer<OutboxBuilder> group) {
      group.accept(outbox);
      return this;
    }

    public Builder extensions(Consumer<ExtensionsBuilder> group) {
      group.accept(extensions);
      return this;
    }

    /**
     * The MAC address the default client id is made from (an ESP32's {@code esp_read_mac}); by
     * default the first hardware address of this machine. The device runtime sets its simulated
     * device's.
     */
    public Builder deviceMac(byte[] mac) {
      if (mac != null && mac.length != 6) {
        throw new MqttConfigException("a MAC address has 6 bytes, not " + mac.length);
      }
      this.deviceMac = mac == null ? null : mac.clone();
      return this;
    }

    /**
     * The configuration. Values out of range are refused here; conflicts between groups are refused
     * by {@link MqttClient#init}.
     */
    public MqttClientConfig build() {
      if (session.keepalive < 0 || session.keepalive > 0xFFFF) {
        throw new MqttConfigException("session.keepalive must be 0..65535 s: " + session.keepalive);
      }
      if (session.lastWill.qos < 0 || session.lastWill.qos > 2) {
        throw new MqttConfigException(
            "session.last_will.qos must be 0, 1 or 2: " + session.lastWill.qos);
      }
      if (buffer.size < 0 || buffer.outSize < 0) {
        throw new MqttConfigException("buffer sizes must not be negative");
      }
      if (outbox.limit < 0) {
        throw new MqttConfigException("outbox.limit must not be negative: " + outbox.limit);
      }
      if (broker.port < 0 || broker.port > 0xFFFF) {
        throw new MqttConfigException("broker.address.port must be 0..65535: " + broker.port);
      }
      requirePositive("network.timeout", network.timeout);
      requireNotNegative("network.reconnect_timeout", network.reconnectTimeout);
      requireNotNegative("network.refresh_connection_after", network.refreshConnectionAfter);
      requirePositive("session.message_retransmit_timeout", session.messageRetransmitTimeout);
      requirePositive("outbox.expiry", outbox.expiry);
      MqttClientConfig c =
          new MqttClientConfig(
              new Broker(
                  new Address(
                      broker.uri, broker.hostname, broker.transport, broker.path, broker.port),
                  new Verification(
                      broker.verification.certificate,
                      broker.verification.skipCertCommonNameCheck,
                      broker.verification.commonName,
                      broker.verification.alpnProtos)),
              new Credentials(
                  credentials.username,
                  credentials.clientId,
                  credentials.setNullClientId,
                  new Authentication(
                      credentials.authentication.password,
                      credentials.authentication.certificate,
                      credentials.authentication.key,
                      credentials.authentication.keyPassword)),
              new Session(
                  session.lastWill,
                  session.disableCleanSession,
                  session.keepalive == 0 ? 120 : session.keepalive,
                  session.disableKeepalive,
                  session.protocolVer,
                  session.messageRetransmitTimeout,
                  session.connectProperty),
              new Network(
                  network.reconnectTimeout,
                  network.timeout,
                  network.refreshConnectionAfter,
                  network.disableAutoReconnect),
              new Buffer(
                  buffer.size == 0 ? 1024 : buffer.size,
                  buffer.outSize == 0 ? (buffer.size == 0 ? 1024 : buffer.size) : buffer.outSize),
              new Outbox(outbox.limit, outbox.expiry),
              new Extensions(
                  extensions.backoff,
                  extensions.resubscribe,
                  extensions.reassembleData,
                  extensions.outboxFile),
              deviceMac);
      return c;
    }

    private static void requirePositive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new MqttConfigException(name + " must be positive: " + d);
      }
    }

    private static void requireNotNegative(String name, Duration d) {
      if (d == null || d.isNegative()) {
        throw new MqttConfigException(name + " must not be negative: " + d);
      }
    }
  }
}
