package dev.switchboard.broker.config;

import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the engine needs to know, as plain values. The app module builds it from HOCON; tests
 * build it with {@link #defaults()} and the {@code with...} methods.
 *
 * @param bindAddress address the listeners bind to, unless one names its own host
 * @param listeners every listener, in the order they are bound; the plain MQTT one is named {@code
 *     mqtt} (see {@link #mqttPort()} and {@link #withPort(int)})
 * @param ioThreads event loop threads, 0 for one per core
 * @param maxPacketSize largest packet accepted from a client, in bytes (announced in CONNACK)
 * @param maxKeepAlive largest keep alive a client may use, in seconds; 0 or 65535 for no limit (5.0
 *     clients that ask for more, or for 0, are told with Server Keep Alive; 3.1.1 clients are
 *     refused with CONNACK 0x02, as they cannot be told)
 * @param connectTimeout how long a new connection may take to send CONNECT
 * @param receiveMaximum QoS 1/2 PUBLISHes a client may have unacknowledged towards us (5.0)
 * @param maxInflight QoS 1/2 messages we send a client before waiting for acknowledgements (further
 *     capped by a 5.0 client's Receive Maximum)
 * @param maxQueuedMessages messages queued per session beyond the in-flight window
 * @param maxQueuedBytes payload bytes queued per session
 * @param queueQos0Offline whether QoS 0 messages are queued for offline persistent sessions
 * @param topicAliasMaximum client-to-server topic aliases we accept (5.0); 0 disables
 * @param maxQos the highest QoS we grant and accept
 * @param retainAvailable whether retained messages are supported
 * @param wildcardSubscriptionsAvailable whether '+' and '#' are allowed in filters
 * @param sharedSubscriptionsAvailable whether {@code $share/} filters are allowed
 * @param subscriptionIdentifiersAvailable whether Subscription Identifiers are allowed
 * @param maxSessionExpiry upper bound on a session's expiry interval in seconds; -1 for none
 * @param allowAnonymous whether clients without credentials are let in
 * @param allowEmptyClientId whether clients may leave the client id empty (we assign one)
 * @param sysInterval how often {@code $SYS} topics are published; zero disables them
 * @param maxConnections connections accepted at once; 0 for no limit
 * @param maxConnectSize largest CONNECT accepted, in bytes (the smaller of it and {@code
 *     maxPacketSize} applies): it arrives before anyone is authenticated, so it is checked from its
 *     fixed header like any oversized packet. A will travels in the CONNECT: a larger will needs a
 *     larger limit
 * @param preAuthBudget bytes that connections not yet past CONNACK may have made the broker read,
 *     all of them together; a connection whose next read would go over it is closed. 0 for no
 *     budget
 * @param tls certificate, key and client CA for the TLS listeners (MQTTS, WSS)
 */
public record BrokerConfig(
    String bindAddress,
    List<ListenerConfig> listeners,
    int ioThreads,
    int maxPacketSize,
    int maxKeepAlive,
    Duration connectTimeout,
    int receiveMaximum,
    int maxInflight,
    int maxQueuedMessages,
    long maxQueuedBytes,
    boolean queueQos0Offline,
    int topicAliasMaximum,
    int maxQos,
    boolean retainAvailable,
    boolean wildcardSubscriptionsAvailable,
    boolean sharedSubscriptionsAvailable,
    boolean subscriptionIdentifiersAvailable,
    long maxSessionExpiry,
    boolean allowAnonymous,
    boolean allowEmptyClientId,
    Duration sysInterval,
    int maxConnections,
    int maxConnectSize,
    long preAuthBudget,
    TlsConfig tls) {

  /** The default {@link #maxConnectSize()}: room for a will of some kilobytes. */
  public static final int DEFAULT_MAX_CONNECT_SIZE = 64 * 1024;

  /** The default {@link #preAuthBudget()}. */
  public static final long DEFAULT_PRE_AUTH_BUDGET = 64L * 1024 * 1024;

  public static final int PORT_OFF = ListenerConfig.PORT_OFF;

  /** The name of the plain MQTT listener that {@link #withPort(int)} sets. */
  public static final String MQTT_LISTENER = "mqtt";

  public BrokerConfig {
    listeners = List.copyOf(listeners);
    tls = tls == null ? TlsConfig.none() : tls;
  }

  /**
   * A configuration with one listener, plain MQTT on {@code bindAddress:mqttPort} ({@link
   * #PORT_OFF} for none), no TLS and the default limits before authentication: the settings as they
   * were before there were other transports.
   */
  public BrokerConfig(
      String bindAddress,
      int mqttPort,
      int ioThreads,
      int maxPacketSize,
      int maxKeepAlive,
      Duration connectTimeout,
      int receiveMaximum,
      int maxInflight,
      int maxQueuedMessages,
      long maxQueuedBytes,
      boolean queueQos0Offline,
      int topicAliasMaximum,
      int maxQos,
      boolean retainAvailable,
      boolean wildcardSubscriptionsAvailable,
      boolean sharedSubscriptionsAvailable,
      boolean subscriptionIdentifiersAvailable,
      long maxSessionExpiry,
      boolean allowAnonymous,
      boolean allowEmptyClientId,
      Duration sysInterval,
      int maxConnections) {
    this(
        bindAddress,
        List.of(ListenerConfig.tcp(MQTT_LISTENER, mqttPort)),
        ioThreads,
        maxPacketSize,
        maxKeepAlive,
        connectTimeout,
        receiveMaximum,
        maxInflight,
        maxQueuedMessages,
        maxQueuedBytes,
        queueQos0Offline,
        topicAliasMaximum,
        maxQos,
        retainAvailable,
        wildcardSubscriptionsAvailable,
        sharedSubscriptionsAvailable,
        subscriptionIdentifiersAvailable,
        maxSessionExpiry,
        allowAnonymous,
        allowEmptyClientId,
        sysInterval,
        maxConnections,
        DEFAULT_MAX_CONNECT_SIZE,
        DEFAULT_PRE_AUTH_BUDGET,
        TlsConfig.none());
  }

  /** The defaults reference.conf also carries; MQTT on 127.0.0.1:1883. */
  public static BrokerConfig defaults() {
    return new BrokerConfig(
        "127.0.0.1",
        1883,
        0,
        268_435_455,
        65_535,
        Duration.ofSeconds(10),
        1024,
        128,
        1000,
        64L * 1024 * 1024,
        false,
        1024,
        2,
        true,
        true,
        true,
        true,
        -1,
        true,
        true,
        Duration.ofSeconds(10),
        0);
  }

  /** The port of the plain MQTT listener ({@code mqtt}); {@link #PORT_OFF} without one. */
  public int mqttPort() {
    return listener(MQTT_LISTENER).map(ListenerConfig::port).orElse(PORT_OFF);
  }

  /** The listener called {@code name}, if there is one. */
  public Optional<ListenerConfig> listener(String name) {
    return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
  }

  /**
   * A copy whose plain MQTT listener ({@code mqtt}) is on {@code port} ({@link #PORT_OFF}: off).
   */
  public BrokerConfig withPort(int port) {
    ListenerConfig mqtt =
        listener(MQTT_LISTENER).orElse(ListenerConfig.tcp(MQTT_LISTENER, port)).withPort(port);
    return withListener(mqtt);
  }

  /** A copy with {@code listener} in place of the one of the same name, or added after the rest. */
  public BrokerConfig withListener(ListenerConfig listener) {
    List<ListenerConfig> all = new ArrayList<>(listeners);
    boolean replaced = false;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).name().equals(listener.name())) {
        all.set(i, listener);
        replaced = true;
      }
    }
    if (!replaced) {
      all.add(listener);
    }
    return withListeners(all);
  }

  /** A copy with exactly these listeners. */
  public BrokerConfig withListeners(List<ListenerConfig> all) {
    Builder b = toBuilder();
    b.listeners = all;
    return b.build();
  }

  /** A copy with other TLS settings. */
  public BrokerConfig withTls(TlsConfig tlsConfig) {
    Builder b = toBuilder();
    b.tls = tlsConfig;
    return b.build();
  }

  public BrokerConfig withBindAddress(String address) {
    Builder b = toBuilder();
    b.bindAddress = address;
    return b.build();
  }

  public BrokerConfig withLimits(
      int maxPacketSize,
      int receiveMaximum,
      int maxInflight,
      int maxQueuedMessages,
      long maxQueuedBytes) {
    Builder b = toBuilder();
    b.maxPacketSize = maxPacketSize;
    b.receiveMaximum = receiveMaximum;
    b.maxInflight = maxInflight;
    b.maxQueuedMessages = maxQueuedMessages;
    b.maxQueuedBytes = maxQueuedBytes;
    return b.build();
  }

  /** A copy with other limits on what a connection may send before it is authenticated. */
  public BrokerConfig withPreAuthLimits(int maxConnectSize, long preAuthBudget) {
    Builder b = toBuilder();
    b.maxConnectSize = maxConnectSize;
    b.preAuthBudget = preAuthBudget;
    return b.build();
  }

  public BrokerConfig withKeepAlive(int maxKeepAlive, Duration connectTimeout) {
    Builder b = toBuilder();
    b.maxKeepAlive = maxKeepAlive;
    b.connectTimeout = connectTimeout;
    return b.build();
  }

  public BrokerConfig withSysInterval(Duration interval) {
    Builder b = toBuilder();
    b.sysInterval = interval;
    return b.build();
  }

  /** A copy with another highest QoS granted and accepted. */
  public BrokerConfig withMaxQos(int qos) {
    Builder b = toBuilder();
    b.maxQos = qos;
    return b.build();
  }

  /** A copy with other optional features switched on or off (announced in a 5.0 CONNACK). */
  public BrokerConfig withFeatures(
      boolean retain,
      boolean wildcardSubscriptions,
      boolean sharedSubscriptions,
      boolean subscriptionIdentifiers) {
    Builder b = toBuilder();
    b.retainAvailable = retain;
    b.wildcardSubscriptionsAvailable = wildcardSubscriptions;
    b.sharedSubscriptionsAvailable = sharedSubscriptions;
    b.subscriptionIdentifiersAvailable = subscriptionIdentifiers;
    return b.build();
  }

  /** A copy with another client-to-server Topic Alias Maximum. */
  public BrokerConfig withTopicAliasMaximum(int maximum) {
    Builder b = toBuilder();
    b.topicAliasMaximum = maximum;
    return b.build();
  }

  /** A copy with other session limits. */
  public BrokerConfig withSessions(long maxSessionExpiry, boolean queueQos0Offline) {
    Builder b = toBuilder();
    b.queueQos0Offline = queueQos0Offline;
    b.maxSessionExpiry = maxSessionExpiry;
    return b.build();
  }

  /** A copy with other rules for who may connect. */
  public BrokerConfig withClients(
      boolean allowAnonymous, boolean allowEmptyClientId, int maxConnections) {
    Builder b = toBuilder();
    b.allowAnonymous = allowAnonymous;
    b.allowEmptyClientId = allowEmptyClientId;
    b.maxConnections = maxConnections;
    return b.build();
  }

  /** A mutable copy, so that each {@code with...} method names only what it changes. */
  private Builder toBuilder() {
    Builder b = new Builder();
    b.bindAddress = bindAddress;
    b.listeners = listeners;
    b.ioThreads = ioThreads;
    b.maxPacketSize = maxPacketSize;
    b.maxKeepAlive = maxKeepAlive;
    b.connectTimeout = connectTimeout;
    b.receiveMaximum = receiveMaximum;
    b.maxInflight = maxInflight;
    b.maxQueuedMessages = maxQueuedMessages;
    b.maxQueuedBytes = maxQueuedBytes;
    b.queueQos0Offline = queueQos0Offline;
    b.topicAliasMaximum = topicAliasMaximum;
    b.maxQos = maxQos;
    b.retainAvailable = retainAvailable;
    b.wildcardSubscriptionsAvailable = wildcardSubscriptionsAvailable;
    b.sharedSubscriptionsAvailable = sharedSubscriptionsAvailable;
    b.subscriptionIdentifiersAvailable = subscriptionIdentifiersAvailable;
    b.maxSessionExpiry = maxSessionExpiry;
    b.allowAnonymous = allowAnonymous;
    b.allowEmptyClientId = allowEmptyClientId;
    b.sysInterval = sysInterval;
    b.maxConnections = maxConnections;
    b.maxConnectSize = maxConnectSize;
    b.preAuthBudget = preAuthBudget;
    b.tls = tls;
    return b;
  }

  private static final class Builder {
    private String bindAddress;
    private List<ListenerConfig> listeners;
    private int ioThreads;
    private int maxPacketSize;
    private int maxKeepAlive;
    private Duration connectTimeout;
    private int receiveMaximum;
    private int maxInflight;
    private int maxQueuedMessages;
    private long maxQueuedBytes;
    private boolean queueQos0Offline;
    private int topicAliasMaximum;
    private int maxQos;
    private boolean retainAvailable;
    private boolean wildcardSubscriptionsAvailable;
    private boolean sharedSubscriptionsAvailable;
    private boolean subscriptionIdentifiersAvailable;
    private long maxSessionExpiry;
    private boolean allowAnonymous;
    private boolean allowEmptyClientId;
    private Duration sysInterval;
    private int maxConnections;
    private int maxConnectSize;
    private long preAuthBudget;
    private TlsConfig tls;

    private BrokerConfig build() {
      return new BrokerConfig(
          bindAddress,
          listeners,
          ioThreads,
          maxPacketSize,
          maxKeepAlive,
          connectTimeout,
          receiveMaximum,
          maxInflight,
          maxQueuedMessages,
          maxQueuedBytes,
          queueQos0Offline,
          topicAliasMaximum,
          maxQos,
          retainAvailable,
          wildcardSubscriptionsAvailable,
          sharedSubscriptionsAvailable,
          subscriptionIdentifiersAvailable,
          maxSessionExpiry,
          allowAnonymous,
          allowEmptyClientId,
          sysInterval,
          maxConnections,
          maxConnectSize,
          preAuthBudget,
          tls);
    }
  }

  /** Checks ranges; throws IllegalArgumentException naming the setting. */
  public BrokerConfig validate() {
    validateListeners();
    requireRange("io-threads", ioThreads, 0, 1024);
    requireRange("limits.max-packet-size", maxPacketSize, 64, 268_435_455);
    requireRange("limits.max-connect-size", maxConnectSize, 64, 268_435_455);
    if (preAuthBudget < 0) {
      throw new IllegalArgumentException(
          "limits.pre-auth-budget must not be negative (0 for no budget)");
    }
    requireRange("limits.max-keep-alive", maxKeepAlive, 0, 65535);
    requireRange("limits.receive-maximum", receiveMaximum, 1, 65535);
    requireRange("limits.max-inflight", maxInflight, 1, 65535);
    requireRange("limits.max-queued-messages", maxQueuedMessages, 0, Integer.MAX_VALUE);
    if (maxQueuedBytes < 0) {
      throw new IllegalArgumentException("limits.max-queued-bytes must not be negative");
    }
    requireRange("limits.topic-alias-maximum", topicAliasMaximum, 0, 65535);
    requireRange("mqtt.max-qos", maxQos, 0, 2);
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("limits.connect-timeout must be positive");
    }
    if (sysInterval.isNegative()) {
      throw new IllegalArgumentException("sys.interval must not be negative");
    }
    if (maxSessionExpiry < -1 || maxSessionExpiry > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "sessions.max-expiry must be -1 (no limit) or 0..4294967295 seconds");
    }
    return this;
  }

  private void validateListeners() {
    Set<String> names = new HashSet<>();
    for (ListenerConfig l : listeners) {
      l.validate();
      if (!names.add(l.name())) {
        throw new IllegalArgumentException("listeners." + l.name() + " is defined twice");
      }
    }
    List<ListenerConfig> tlsListeners =
        listeners.stream().filter(l -> l.enabled() && l.kind().tls()).toList();
    if (tlsListeners.isEmpty()) {
      return;
    }
    tls.validate();
    String needed = "listeners." + tlsListeners.get(0).name();
    if (tls.certificate() == null && tls.generatedDirectory() == null) {
      throw new IllegalArgumentException(
          "tls.certificate is not set, and there is no directory for a self-signed one ("
              + needed
              + " needs a certificate)");
    }
    for (ListenerConfig l : tlsListeners) {
      if (l.clientAuth() != ListenerConfig.ClientAuth.NONE && tls.clientCa() == null) {
        throw new IllegalArgumentException(
            "listeners."
                + l.name()
                + ".client-auth is "
                + l.clientAuth().name().toLowerCase(java.util.Locale.ROOT)
                + ", but tls.client-ca is not set");
      }
    }
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", not " + value);
    }
  }
}
