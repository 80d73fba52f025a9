package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.DecodeError;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.packet.Will;
import dev.switchboard.mqtt.topic.Topics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT client with ESP-MQTT's API ({@code esp_mqtt_client_*}), over TCP, TLS, WebSocket and
 * WebSocket over TLS, for MQTT 3.1, 3.1.1 and 5.0.
 *
 * <pre>{@code
 * MqttClient client = MqttClient.init(config);
 * client.registerEvent(MqttEventId.ANY, event -> { ... });
 * client.start();
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * Each started client has its own task thread (a virtual thread, ESP-MQTT's {@code mqtt_task}): it
 * connects, reads what the broker sends, keeps the connection alive, resends and expires outbox
 * entries, and runs the event handlers, one at a time, in the order the events happened. The
 * network itself is served by {@link MqttClientNetwork}'s event loops, shared by all clients; no
 * handler ever runs there. Every method may be called from any thread, handlers included, except
 * {@link #stop()} and {@link #destroy()}, which wait for the task thread and so cannot be called
 * from a handler. Protocol state is guarded by one lock (ESP-MQTT's API lock), never held while a
 * handler runs.
 *
 * <h2>Return values</h2>
 *
 * As in ESP-MQTT: {@link #publish}, {@link #enqueue}, {@link #subscribe} and {@link #unsubscribe}
 * return the message id (0 for a QoS 0 publish), -1 on failure, -2 when the outbox is full. Calls
 * that ESP-MQTT answers with {@code ESP_FAIL} throw {@link IllegalStateException} here.
 */
public final class MqttClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  /** Inbound packets queued for the task above which the connection stops reading. */
  private static final int INBOUND_HIGH = 512;

  private static final int INBOUND_LOW = 128;

  private final MqttClientNetwork network;
  private final ReentrantLock lock = new ReentrantLock();
  // The network threads never take the client's lock; they signal writability through this one.
  private final ReentrantLock writeGate = new ReentrantLock();
  private final Condition writable = writeGate.newCondition();
  private final List<Registration> handlers = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Object> taskInbox = new LinkedBlockingQueue<>();
  private final AtomicInteger inboundQueued = new AtomicInteger();
  private final AtomicBoolean wakePending = new AtomicBoolean();

  // Guarded by lock.
  private MqttClientConfig config;
  private BrokerEndpoint endpoint;
  private ClientTls tls;
  private MqttClientState state = MqttClientState.INIT;
  private boolean started;
  private Thread task;
  private Channel channel;
  private int generation;
  private final Outbox outbox = new Outbox();
  private final OutboxFile outboxFile;
  private int lastPacketId = ThreadLocalRandom.current().nextInt(1, 0x10000);
  private final Set<Integer> awaitingRelease = new HashSet<>();
  private final Map<Integer, String> inboundAliases = new LinkedHashMap<>();
  private ServerLimits limits = ServerLimits.DEFAULT;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Map<Integer, List<Subscription>> pendingSubscribes = new LinkedHashMap<>();
  private final Map<Integer, List<String>> pendingUnsubscribes = new LinkedHashMap<>();
  private long lastSentNanos;
  private long pingSentNanos;
  private long connectedAtNanos;
  private long reconnectAtNanos;

  /** MQTT 3.1.1: when the earliest sent entry waits long enough to be sent again. */
  private long retransmitDueNanos = Long.MAX_VALUE;

  private int failedAttempts;
  private Mqtt5PublishProperty nextPublishProperty;
  private Mqtt5SubscribeProperty nextSubscribeProperty;
  private Mqtt5UnsubscribeProperty nextUnsubscribeProperty;
  private Mqtt5DisconnectProperty nextDisconnectProperty;
  private String connectedClientId;

  private MqttClient(MqttClientConfig config, MqttClientNetwork network) {
    this.network = network;
    applyConfig(config);
    this.outboxFile =
        config.extensions().outboxFile() == null
            ? null
            : OutboxFile.open(config.extensions().outboxFile());
    if (outboxFile != null) {
      outboxFile.load(outbox, System.nanoTime());
      for (Outbox.Entry e : outbox.entries()) {
        lastPacketId = Math.max(lastPacketId, e.msgId);
      }
    }
  }

  /**
   * A client for this configuration, on the shared network threads: {@code esp_mqtt_client_init}.
   *
   * @throws MqttConfigException when the configuration's groups conflict (a URI and a transport,
   *     TLS options with a non-TLS scheme, a certificate without its key, MQTT 5 properties with
   *     MQTT 3.1.1) or a certificate or key cannot be read
   */
  public static MqttClient init(MqttClientConfig config) {
    return init(config, MqttClientNetwork.shared());
  }

  /** A client on these network threads. */
  public static MqttClient init(MqttClientConfig config, MqttClientNetwork network) {
    return new MqttClient(Objects.requireNonNull(config), Objects.requireNonNull(network));
  }

  private void applyConfig(MqttClientConfig c) {
    BrokerEndpoint e = BrokerEndpoint.of(c.broker().address());
    checkConflicts(c, e);
    ClientTls t = needsTls(c, e) ? ClientTls.of(c) : null;
    this.config = c;
    this.endpoint = e;
    this.tls = t;
  }

  private static boolean needsTls(MqttClientConfig c, BrokerEndpoint e) {
    return (e != null && e.transport().isTls())
        || c.broker().verification().anySet()
        || c.credentials().authentication().certificate() != null;
  }

  private static void checkConflicts(MqttClientConfig c, BrokerEndpoint e) {
    MqttClientConfig.Authentication a = c.credentials().authentication();
    boolean tlsOptions = c.broker().verification().anySet() || a.certificate() != null;
    if (tlsOptions && e != null && !e.transport().isTls()) {
      throw new MqttConfigException(
          "TLS options (broker.verification or a client certificate) are set but the transport is "
              + e.transport().scheme()
              + "; use mqtts or wss");
    }
    if ((a.certificate() == null) != (a.key() == null)) {
      throw new MqttConfigException(
          "credentials.authentication: a client certificate needs its key, and a key its"
              + " certificate");
    }
    if (!c.session().protocolVer().isV5()
        && !c.session().connectProperty().equals(Mqtt5ConnectProperty.NONE)) {
      throw new MqttConfigException(
          "session.connect_property holds MQTT 5 properties but the protocol is "
              + c.session().protocolVer());
    }
    MqttClientConfig.LastWill w = c.session().lastWill();
    if (w.topic() != null && !Topics.isValidName(w.topic())) {
      throw new MqttConfigException(
          "session.last_will.topic is not a valid topic name: " + w.topic());
    }
  }

  // ------------------------------------------------------------------ events

  /**
   * Registers a handler for one event, or for all with {@link MqttEventId#ANY}: {@code
   * esp_mqtt_client_register_event}. Handlers run in the order they were registered.
   */
  public void registerEvent(MqttEventId id, MqttEventHandler handler) {
    handlers.add(new Registration(Objects.requireNonNull(id), Objects.requireNonNull(handler)));
  }

  /** Removes a handler registered for this event id: {@code esp_mqtt_client_unregister_event}. */
  public void unregisterEvent(MqttEventId id, MqttEventHandler handler) {
    handlers.removeIf(r -> r.id == id && r.handler == handler);
  }

  /**
   * Runs the handlers for {@code event} (usually {@link MqttEvent#user}) on the task thread, after
   * the events before it: {@code esp_mqtt_dispatch_custom_event}.
   *
   * @throws IllegalStateException when the client is not started
   */
  public void dispatchCustomEvent(MqttEvent event) {
    lock.lock();
    try {
      requireNotDestroyed();
      if (!started) {
        throw new IllegalStateException("the client is not started");
      }
      taskInbox.add(new UserEvent(event));
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ life cycle

  /**
   * Starts the task thread, which connects: {@code esp_mqtt_client_start}.
   *
   * @throws IllegalStateException when already started, destroyed, or no broker address is set
   */
  public void start() {
    lock.lock();
    try {
      requireNotDestroyed();
      if (started) {
        throw new IllegalStateException("the client has started already");
      }
      if (endpoint == null) {
        throw new IllegalStateException(
            "no broker address: set broker.address (uri or hostname) or call setUri()");
      }
      started = true;
      state = MqttClientState.INIT;
      failedAttempts = 0;
      taskInbox.clear();
      wakePending.set(false);
      task = Thread.ofVirtual().name("mqtt_task " + displayId()).unstarted(this::runTask);
      task.start();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a DISCONNECT if connected, ends the connection and stops the task thread, waiting for it:
   * {@code esp_mqtt_client_stop}. Entries left in the outbox are dropped (kept when the outbox is
   * in a file).
   *
   * @throws IllegalStateException when not started, or called from an event handler
   */
  public void stop() {
    Thread t;
    Channel ch;
    ChannelFuture goodbye = null;
    lock.lock();
    try {
      requireNotDestroyed();
      if (!started) {
        throw new IllegalStateException("the client is not started");
      }
      if (Thread.currentThread() == task) {
        throw new IllegalStateException("the client cannot be stopped from its own event handler");
      }
      ch = channel;
      if (state == MqttClientState.CONNECTED && ch != null) {
        goodbye = sendDisconnect(ch);
      }
      // From here on, whatever the connection still delivers is stale: the broker closing it
      // after our DISCONNECT is no error.
      channel = null;
      generation++;
      t = task;
      taskInbox.add(Command.STOP);
    } finally {
      lock.unlock();
    }
    if (goodbye != null) {
      goodbye.awaitUninterruptibly(config().network().timeout().toMillis());
    }
    if (ch != null) {
      ch.close().awaitUninterruptibly(config().network().timeout().toMillis());
    }
    joinUninterruptibly(t);
    lock.lock();
    try {
      closeChannel();
      started = false;
      task = null;
      state = MqttClientState.DISCONNECTED;
      if (outboxFile == null) {
        outbox.clear();
      }
      awaitingRelease.clear();
      pendingSubscribes.clear();
      pendingUnsubscribes.clear();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a DISCONNECT and ends the connection; the client then waits to reconnect, as after any
   * lost connection: {@code esp_mqtt_client_disconnect}. To stay disconnected, configure {@code
   * network.disable_auto_reconnect} or call {@link #stop()}.
   */
  public void disconnect() {
    lock.lock();
    try {
      requireNotDestroyed();
      if (!started) {
        throw new IllegalStateException("the client is not started");
      }
      taskInbox.add(Command.DISCONNECT);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reconnects now instead of after the reconnect timeout (or at all, when auto-reconnect is
   * disabled): {@code esp_mqtt_client_reconnect}.
   *
   * @throws IllegalStateException when the client is not waiting to reconnect
   */
  public void reconnect() {
    lock.lock();
    try {
      requireNotDestroyed();
      if (state != MqttClientState.WAIT_RECONNECT) {
        throw new IllegalStateException(
            "the client is not waiting to reconnect (state " + state + ")");
      }
      taskInbox.add(Command.RECONNECT);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the client if it runs and frees it: {@code esp_mqtt_client_destroy}. Nothing may be
   * called afterwards. Cannot be called from an event handler.
   */
  public void destroy() {
    boolean running;
    lock.lock();
    try {
      if (state == MqttClientState.DESTROYED) {
        return;
      }
      running = started;
    } finally {
      lock.unlock();
    }
    if (running) {
      stop();
    }
    lock.lock();
    try {
      state = MqttClientState.DESTROYED;
      if (outboxFile != null) {
        outboxFile.close();
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@link #destroy()}. */
  @Override
  public void close() {
    destroy();
  }

  /**
   * Sets the broker's URI, used from the next connection on: {@code esp_mqtt_client_set_uri}.
   *
   * @throws MqttConfigException when the URI cannot be parsed or conflicts with the TLS options
   */
  public void setUri(String uri) {
    lock.lock();
    try {
      requireNotDestroyed();
      MqttClientConfig updated = config.toBuilder().broker(b -> b.uri(uri).transport(null)).build();
      applyConfig(updated);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replaces the whole configuration, used from the next connection on: {@code
   * esp_mqtt_set_config}; typically called in BEFORE_CONNECT.
   */
  public void setConfig(MqttClientConfig newConfig) {
    lock.lock();
    try {
      requireNotDestroyed();
      applyConfig(Objects.requireNonNull(newConfig));
    } finally {
      lock.unlock();
    }
  }

  /** Where the client is: {@code esp_mqtt_client_get_state}. */
  public MqttClientState getState() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /** The bytes held in the outbox: {@code esp_mqtt_client_get_outbox_size}. */
  public int getOutboxSize() {
    lock.lock();
    try {
      return (int) Math.min(Integer.MAX_VALUE, outbox.bytes());
    } finally {
      lock.unlock();
    }
  }

  /** The client id of the current or last connection (the broker's, when it assigned one). */
  public String clientId() {
    lock.lock();
    try {
      return connectedClientId != null ? connectedClientId : configuredClientId();
    } finally {
      lock.unlock();
    }
  }

  /** The configuration in use. */
  public MqttClientConfig config() {
    lock.lock();
    try {
      return config;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ MQTT 5 one-shot properties

  /**
   * Properties for the next publish or enqueue only: {@code esp_mqtt5_client_set_publish_property}.
   */
  public void setPublishProperty(Mqtt5PublishProperty property) {
    lock.lock();
    try {
      nextPublishProperty = property;
    } finally {
      lock.unlock();
    }
  }

  /** Options for the next subscribe only: {@code esp_mqtt5_client_set_subscribe_property}. */
  public void setSubscribeProperty(Mqtt5SubscribeProperty property) {
    lock.lock();
    try {
      nextSubscribeProperty = property;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Properties for the next unsubscribe only: {@code esp_mqtt5_client_set_unsubscribe_property}.
   */
  public void setUnsubscribeProperty(Mqtt5UnsubscribeProperty property) {
    lock.lock();
    try {
      nextUnsubscribeProperty = property;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Content of the next DISCONNECT the client sends: {@code
   * esp_mqtt5_client_set_disconnect_property}.
   */
  public void setDisconnectProperty(Mqtt5DisconnectProperty property) {
    lock.lock();
    try {
      nextDisconnectProperty = property;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ publish

  /**
   * {@link #publish(String, byte[], int, boolean)} with UTF-8 text; null sends an empty payload.
   */
  public int publish(String topic, String data, int qos, boolean retain) {
    return publish(topic, data == null ? null : data.getBytes(StandardCharsets.UTF_8), qos, retain);
  }

  /**
   * Publishes a message: {@code esp_mqtt_client_publish}. QoS 0 is written at once when connected
   * and fails (-1) when not. QoS 1 and 2 go through the outbox: sent at once when connected (and
   * the broker's receive maximum allows), else when the client connects; PUBLISHED follows their
   * acknowledgement. When the socket's send buffer is full, the call waits for it to drain, at most
   * the network timeout, as ESP-MQTT's blocking write does.
   *
   * @return the message id (0 for QoS 0), -1 on failure (not connected for QoS 0, a bad topic or
   *     QoS, beyond the broker's MQTT 5 limits), -2 when the outbox is full
   */
  public int publish(String topic, byte[] data, int qos, boolean retain) {
    return publish(topic, data, qos, retain, null);
  }

  /** Publishes with these MQTT 5 properties (ignored with MQTT 3.1.1). */
  public int publish(
      String topic, byte[] data, int qos, boolean retain, Mqtt5PublishProperty property) {
    return submit(topic, data, qos, retain, property, false, true);
  }

  /**
   * Puts a message in the outbox for the task thread to send; never writes on the caller's thread:
   * {@code esp_mqtt_client_enqueue}. QoS 0 messages are enqueued only with {@code store}.
   *
   * @return the message id (0 for QoS 0), -1 on failure (QoS 0 without store), -2 when the outbox
   *     is full
   */
  public int enqueue(String topic, byte[] data, int qos, boolean retain, boolean store) {
    return submit(topic, data, qos, retain, null, store, false);
  }

  /** {@link #enqueue(String, byte[], int, boolean, boolean)} with UTF-8 text. */
  public int enqueue(String topic, String data, int qos, boolean retain, boolean store) {
    return enqueue(
        topic, data == null ? null : data.getBytes(StandardCharsets.UTF_8), qos, retain, store);
  }

  private int submit(
      String topic,
      byte[] data,
      int qos,
      boolean retain,
      Mqtt5PublishProperty property,
      boolean store,
      boolean sendNow) {
    if (topic == null || !Topics.isValidName(topic) || qos < 0 || qos > 2) {
      return -1;
    }
    if (!sendNow && qos == 0 && !store) {
      return -1;
    }
    byte[] payload = data == null ? new byte[0] : data;
    if (sendNow) {
      awaitWritable();
    }
    lock.lock();
    try {
      requireNotDestroyed();
      boolean v5 = config.session().protocolVer().isV5();
      Mqtt5PublishProperty p = property;
      if (p == null && nextPublishProperty != null) {
        p = nextPublishProperty;
        nextPublishProperty = null;
      }
      MqttProperties props = v5 ? Properties5.publish(p) : MqttProperties.EMPTY;
      if (v5 && !limits.allowsPublish(qos, retain, props)) {
        log.debug("publish to '{}' refused: beyond the broker's limits {}", topic, limits);
        return -1;
      }
      boolean connected = state == MqttClientState.CONNECTED && channel != null;
      if (qos == 0 && !store) {
        if (!connected) {
          return -1;
        }
        Publish publish = new Publish(topic, payload, 0, retain, false, 0, props);
        if (v5 && !limits.fits(MqttCodec.encodedSize(publish, version()))) {
          return -1;
        }
        send(publish);
        return 0;
      }
      int msgId = qos == 0 ? 0 : nextPacketId();
      if (msgId < 0) {
        return -2; // 65,535 messages unacknowledged: the outbox is full whatever its limit
      }
      Publish publish = new Publish(topic, payload, qos, retain, false, msgId, props);
      int size = MqttCodec.encodedSize(publish, version());
      if (v5 && !limits.fits(size)) {
        return -1;
      }
      if (qos > 0
          && config.outbox().limit() > 0
          && outbox.bytes() + size > config.outbox().limit()) {
        return -2;
      }
      Outbox.Entry e =
          outbox.add(msgId, Outbox.Kind.PUBLISH, qos, publish, size, System.nanoTime());
      if (outboxFile != null && qos > 0) {
        outboxFile.added(e, version());
      }
      if (sendNow && connected && (qos == 0 || outbox.inFlight() < limits.receiveMaximum())) {
        transmit(e);
      }
      wakeTask(); // the entry's retransmit and expiry times may come before what the task waits for
      return msgId;
    } finally {
      lock.unlock();
    }
  }

  /** Waits, outside the lock, while the connection's send buffer is full; at most the timeout. */
  private void awaitWritable() {
    Channel ch = channelUnlocked();
    if (ch == null || ch.isWritable()) {
      return;
    }
    long deadline = System.nanoTime() + config().network().timeout().toNanos();
    writeGate.lock();
    try {
      while (ch.isActive() && !ch.isWritable()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        writable.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      writeGate.unlock();
    }
  }

  // ------------------------------------------------------------------ subscribe

  /** Subscribes to one filter: {@code esp_mqtt_client_subscribe_single}. */
  public int subscribe(String topic, int qos) {
    return subscribe(List.of(new MqttTopic(topic, qos)), null);
  }

  /** Subscribes to several filters in one SUBSCRIBE: {@code esp_mqtt_client_subscribe_multiple}. */
  public int subscribe(List<MqttTopic> topics) {
    return subscribe(topics, null);
  }

  /**
   * Subscribes with these MQTT 5 options (ignored with MQTT 3.1.1). The client must be connected,
   * as with ESP-MQTT; SUBSCRIBED follows the SUBACK.
   *
   * @return the message id, -1 when not connected, a filter or QoS is invalid, or the broker
   *     announced it does not support what is asked (wildcards, shared subscriptions, subscription
   *     identifiers), -2 when the outbox is full
   */
  public int subscribe(List<MqttTopic> topics, Mqtt5SubscribeProperty property) {
    if (topics == null || topics.isEmpty()) {
      return -1;
    }
    lock.lock();
    try {
      requireNotDestroyed();
      if (state != MqttClientState.CONNECTED || channel == null) {
        return -1;
      }
      boolean v5 = config.session().protocolVer().isV5();
      Mqtt5SubscribeProperty p = property;
      if (p == null && nextSubscribeProperty != null) {
        p = nextSubscribeProperty;
        nextSubscribeProperty = null;
      }
      List<Subscription> subs = new ArrayList<>(topics.size());
      for (MqttTopic t : topics) {
        if (t == null || t.filter() == null || t.qos() < 0 || t.qos() > 2) {
          return -1;
        }
        String filter =
            v5 && p != null && p.shareName() != null
                ? Topics.SHARE_PREFIX + p.shareName() + "/" + t.filter()
                : t.filter();
        if (!Topics.isValidFilter(filter)) {
          return -1;
        }
        subs.add(
            v5 && p != null
                ? new Subscription(
                    filter, t.qos(), p.noLocal(), p.retainAsPublished(), p.retainHandling())
                : new Subscription(filter, t.qos()));
      }
      MqttProperties props = v5 ? Properties5.subscribe(p) : MqttProperties.EMPTY;
      if (v5 && !limits.allowsSubscribe(subs, props)) {
        log.debug("subscribe to {} refused: beyond the broker's limits {}", subs, limits);
        return -1;
      }
      int msgId = nextPacketId();
      if (msgId < 0) {
        return -2;
      }
      Subscribe packet = new Subscribe(msgId, subs, props);
      if (!queueRequest(msgId, Outbox.Kind.SUBSCRIBE, packet)) {
        return -2;
      }
      pendingSubscribes.put(msgId, subs);
      return msgId;
    } finally {
      lock.unlock();
    }
  }

  /** Unsubscribes from one filter: {@code esp_mqtt_client_unsubscribe}. */
  public int unsubscribe(String topic) {
    return unsubscribe(List.of(topic), null);
  }

  /**
   * Unsubscribes from filters in one UNSUBSCRIBE, with MQTT 5 properties (ignored with 3.1.1);
   * UNSUBSCRIBED follows the UNSUBACK.
   *
   * @return the message id, -1 when not connected or a filter is invalid
   */
  public int unsubscribe(List<String> topics, Mqtt5UnsubscribeProperty property) {
    if (topics == null || topics.isEmpty()) {
      return -1;
    }
    lock.lock();
    try {
      requireNotDestroyed();
      if (state != MqttClientState.CONNECTED || channel == null) {
        return -1;
      }
      boolean v5 = config.session().protocolVer().isV5();
      Mqtt5UnsubscribeProperty p = property;
      if (p == null && nextUnsubscribeProperty != null) {
        p = nextUnsubscribeProperty;
        nextUnsubscribeProperty = null;
      }
      List<String> filters = new ArrayList<>(topics.size());
      for (String t : topics) {
        String filter =
            v5 && p != null && p.shareName() != null && t != null
                ? Topics.SHARE_PREFIX + p.shareName() + "/" + t
                : t;
        if (filter == null || !Topics.isValidFilter(filter)) {
          return -1;
        }
        filters.add(filter);
      }
      int msgId = nextPacketId();
      if (msgId < 0) {
        return -2;
      }
      Unsubscribe packet =
          new Unsubscribe(
              msgId,
              filters,
              v5 && p != null ? Properties5.userOnly(p.userProperties()) : MqttProperties.EMPTY);
      if (!queueRequest(msgId, Outbox.Kind.UNSUBSCRIBE, packet)) {
        return -2;
      }
      pendingUnsubscribes.put(msgId, filters);
      return msgId;
    } finally {
      lock.unlock();
    }
  }

  private boolean queueRequest(int msgId, Outbox.Kind kind, MqttPacket packet) {
    int size = MqttCodec.encodedSize(packet, version());
    if (config.outbox().limit() > 0 && outbox.bytes() + size > config.outbox().limit()) {
      return false;
    }
    Outbox.Entry e = outbox.add(msgId, kind, 1, packet, size, System.nanoTime());
    transmit(e);
    return true;
  }

  // ------------------------------------------------------------------ the task thread

  private void runTask() {
    try {
      while (true) {
        MqttClientState s = getState();
        if (s == MqttClientState.INIT) {
          if (!connect()) {
            return;
          }
        } else if (s == MqttClientState.CONNECTED) {
          if (!serveConnection()) {
            return;
          }
        } else if (s == MqttClientState.WAIT_RECONNECT) {
          if (!waitToReconnect()) {
            return;
          }
        } else {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("client {}: task failed", displayId(), e);
    }
  }

  /** One connection attempt; false when told to stop meanwhile. */
  private boolean connect() throws InterruptedException {
    dispatch(List.of(event(MqttEventId.BEFORE_CONNECT)));
    Connecting attempt;
    lock.lock();
    try {
      if (endpoint == null) {
        log.error("client {}: no broker address", displayId());
        state = MqttClientState.WAIT_RECONNECT;
        return true;
      }
      attempt = openChannel();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + config.network().timeout().toNanos();
    boolean transportUp = false;
    while (true) {
      long left = deadline - System.nanoTime();
      Object item = left > 0 ? nextItem(left) : null;
      if (item == null) {
        String phase = transportUp ? "CONNACK" : attempt.phase();
        return connectFailed(
            attempt,
            transportUp
                ? null
                : MqttErrorCodes.transport(
                    110, null, "no " + phase + " within " + config.network().timeout(), null));
      }
      if (item == Command.STOP) {
        closeChannel();
        return false;
      }
      if (item instanceof UserEvent u) {
        dispatch(List.of(u.event.withClient(this, config.session().protocolVer())));
        continue;
      }
      if (!(item instanceof Inbound in) || in.generation != attempt.generation) {
        if (item instanceof Inbound) {
          inboundDone();
        }
        continue; // commands wait for the connection; stale input is dropped
      }
      inboundDone();
      Object what = in.what;
      if (what instanceof TransportUp) {
        transportUp = true;
        lock.lock();
        try {
          sendConnect();
        } finally {
          lock.unlock();
        }
      } else if (what instanceof Closed c) {
        return connectFailed(attempt, TransportErrors.of(c.cause, attempt.phase()));
      } else if (what instanceof ConnAck ack) {
        connectAccepted(ack);
        return true;
      } else {
        log.warn("client {}: {} before CONNACK; closing", displayId(), describe(what));
        return connectFailed(
            attempt,
            MqttErrorCodes.transport(
                0, null, "protocol error: " + describe(what) + " before CONNACK", null));
      }
    }
  }

  private Connecting openChannel() {
    int gen = ++generation;
    BrokerEndpoint ep = endpoint;
    ClientTls t = tls;
    MqttVersion version = version();
    long timeoutMillis = config.network().timeout().toMillis();
    Connecting attempt = new Connecting(gen, ep);
    Bootstrap b =
        new Bootstrap()
            .group(network.group())
            .channel(network.channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ClientPipeline.build(
                        ch.pipeline(),
                        ep,
                        t,
                        version,
                        timeoutMillis,
                        new ConnectionHandler(gen, ep));
                  }
                });
    channel =
        b.connect(ep.host(), ep.port())
            .addListener(
                (ChannelFutureListener)
                    f -> {
                      if (!f.isSuccess()) {
                        toTask(gen, new Closed(f.cause()));
                      } else {
                        attempt.tcpUp = true;
                      }
                    })
            .channel();
    return attempt;
  }

  private void sendConnect() {
    MqttClientConfig c = config;
    MqttClientConfig.Session s = c.session();
    boolean v5 = s.protocolVer().isV5();
    MqttClientConfig.LastWill lw = s.lastWill();
    Will will =
        lw.topic() == null
            ? null
            : new Will(
                lw.topic(),
                lw.msg() == null ? new byte[0] : lw.msg(),
                lw.qos(),
                lw.retain(),
                v5 ? Properties5.will(s.connectProperty()) : MqttProperties.EMPTY);
    String username = c.credentials().username();
    String password = c.credentials().authentication().password();
    if (username == null && endpoint.username() != null) {
      username = endpoint.username();
    }
    if (password == null && endpoint.password() != null) {
      password = endpoint.password();
    }
    Connect connect =
        new Connect(
            version(),
            configuredClientId(),
            !s.disableCleanSession(),
            s.keepaliveSeconds(),
            username,
            password == null ? null : password.getBytes(StandardCharsets.UTF_8),
            will,
            v5 ? Properties5.connect(s.connectProperty()) : MqttProperties.EMPTY);
    send(connect);
  }

  private boolean connectFailed(Connecting attempt, MqttErrorCodes error) {
    List<MqttEvent> events = new ArrayList<>(2);
    if (error != null) {
      log.info(
          "client {}: cannot connect to {}: {}",
          displayId(),
          attempt.endpoint.display(),
          error.message());
      events.add(errorEvent(error));
    } else {
      log.info("client {}: no CONNACK from {}", displayId(), attempt.endpoint.display());
      events.add(
          errorEvent(
              MqttErrorCodes.transport(
                  110, null, "no CONNACK within " + config.network().timeout(), null)));
    }
    lock.lock();
    try {
      closeChannel();
      failedAttempts++;
      enterWaitReconnect();
      events.add(event(MqttEventId.DISCONNECTED));
    } finally {
      lock.unlock();
    }
    dispatch(events);
    return true;
  }

  /** Handles the CONNACK, accepted or refused. */
  private void connectAccepted(ConnAck ack) {
    boolean v5 = config.session().protocolVer().isV5();
    List<MqttEvent> events = new ArrayList<>();
    if (ack.reasonCode() != 0) {
      MqttErrorCodes error = MqttErrorCodes.refused(ack.reasonCode(), v5);
      log.info("client {}: {}", displayId(), error.message());
      events.add(errorEvent(error));
      lock.lock();
      try {
        closeChannel();
        failedAttempts++;
        enterWaitReconnect();
        events.add(event(MqttEventId.DISCONNECTED));
      } finally {
        lock.unlock();
      }
      dispatch(events);
      return;
    }
    List<Subscription> resubscribe = List.of();
    lock.lock();
    try {
      limits = v5 ? ServerLimits.of(ack.properties()) : ServerLimits.DEFAULT;
      connectedClientId =
          v5 && ack.properties().assignedClientIdentifier() != null
              ? ack.properties().assignedClientIdentifier()
              : configuredClientId();
      state = MqttClientState.CONNECTED;
      failedAttempts = 0;
      long now = System.nanoTime();
      connectedAtNanos = now;
      pingSentNanos = 0;
      inboundAliases.clear();
      if (!ack.sessionPresent()) {
        awaitingRelease.clear();
        if (config.extensions().resubscribe() && !subscriptions.isEmpty()) {
          resubscribe = new ArrayList<>(subscriptions.values());
        }
      }
      MqttEvent connected =
          new MqttEvent(
              MqttEventId.CONNECTED,
              this,
              null,
              0,
              0,
              null,
              0,
              ack.sessionPresent(),
              null,
              false,
              0,
              false,
              config.session().protocolVer(),
              Properties5.event(ack.properties()),
              0);
      events.add(connected);
    } finally {
      lock.unlock();
    }
    // The CONNECTED handlers run before the outbox is sent again, as in ESP-MQTT, where the
    // task resends queued entries on its next turn.
    dispatch(events);
    lock.lock();
    try {
      if (state == MqttClientState.CONNECTED) {
        resendAfterConnect();
        if (!resubscribe.isEmpty()) {
          subscriptions.clear();
          int msgId = nextPacketId();
          Subscribe packet = new Subscribe(msgId, resubscribe, MqttProperties.EMPTY);
          if (msgId > 0 && queueRequest(msgId, Outbox.Kind.SUBSCRIBE, packet)) {
            pendingSubscribes.put(msgId, resubscribe);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** After a CONNACK: every outbox entry is sent again, in order, PUBLISHes with DUP if sent. */
  private void resendAfterConnect() {
    for (Outbox.Entry e : outbox.entries()) {
      if (e.stage() == Outbox.Stage.ACKNOWLEDGED) {
        send(new PubRel(e.msgId));
        sentAt(e, System.nanoTime());
      } else {
        outbox.setStage(e, Outbox.Stage.QUEUED);
      }
    }
    sendQueued();
  }

  /** Serves a connection until it ends; false when told to stop. */
  private boolean serveConnection() throws InterruptedException {
    long wait = nextDeadlineNanos() - System.nanoTime();
    Object item = nextItem(wait);
    if (item == Command.STOP) {
      return false;
    }
    if (item == Command.DISCONNECT) {
      userDisconnect();
      return true;
    }
    if (item instanceof UserEvent u) {
      dispatch(List.of(u.event.withClient(this, config.session().protocolVer())));
    } else if (item instanceof Inbound in) {
      inboundDone();
      if (in.generation == currentGeneration()) {
        handleInbound(in.what);
      }
    }
    runTimers();
    return true;
  }

  private void userDisconnect() {
    lock.lock();
    List<MqttEvent> events = new ArrayList<>(1);
    try {
      if (state != MqttClientState.CONNECTED) {
        return;
      }
      if (channel != null) {
        sendDisconnect(channel);
      }
      closeChannel();
      enterWaitReconnect();
      events.add(event(MqttEventId.DISCONNECTED));
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  private boolean waitToReconnect() throws InterruptedException {
    long now = System.nanoTime();
    long wait;
    boolean reconnectDue;
    lock.lock();
    try {
      long until =
          config.network().disableAutoReconnect() ? Long.MAX_VALUE : reconnectAtNanos - now;
      long oldest = outbox.oldestCreatedNanos();
      long expiry =
          oldest == Long.MAX_VALUE
              ? Long.MAX_VALUE
              : Math.max(1, oldest + config.outbox().expiry().toNanos() - now);
      wait = Math.min(until, expiry);
      reconnectDue = until <= 0;
    } finally {
      lock.unlock();
    }
    Object item = reconnectDue ? null : nextItem(wait);
    if (item == Command.STOP) {
      return false;
    }
    expireOutbox(); // entries keep expiring while the client is disconnected
    if (item instanceof Inbound) {
      inboundDone();
      return true; // from a closed connection
    }
    if (item instanceof UserEvent u) {
      dispatch(List.of(u.event.withClient(this, config.session().protocolVer())));
      return true;
    }
    boolean timeToConnect;
    lock.lock();
    try {
      timeToConnect =
          item == Command.RECONNECT
              || (!config.network().disableAutoReconnect()
                  && System.nanoTime() - reconnectAtNanos >= 0);
      if (timeToConnect && state == MqttClientState.WAIT_RECONNECT) {
        state = MqttClientState.INIT;
      }
    } finally {
      lock.unlock();
    }
    return true;
  }

  private void enterWaitReconnect() {
    state = MqttClientState.WAIT_RECONNECT;
    pingSentNanos = 0;
    long delay;
    MqttClientConfig.Backoff backoff = config.extensions().backoff();
    if (backoff == null || failedAttempts == 0) {
      delay = config.network().reconnectTimeout().toNanos();
      if (backoff != null) {
        delay = Math.min(delay, backoff.initial().toNanos());
      }
    } else {
      long cap = backoff.max().toNanos();
      long exp = backoff.initial().toNanos() << Math.min(30, failedAttempts);
      long ceiling = exp <= 0 ? cap : Math.min(cap, exp);
      delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
    reconnectAtNanos = System.nanoTime() + delay;
  }

  // ------------------------------------------------------------------ inbound packets

  private void handleInbound(Object what) {
    if (what instanceof Publish p) {
      onPublish(p);
    } else if (what instanceof PubAck a) {
      onPublishDone(a.packetId(), a.reasonCode(), a.properties(), false);
    } else if (what instanceof PubRec r) {
      onPubRec(r);
    } else if (what instanceof PubRel r) {
      onPubRel(r);
    } else if (what instanceof PubComp c) {
      onPublishDone(c.packetId(), c.reasonCode(), c.properties(), true);
    } else if (what instanceof SubAck s) {
      onSubAck(s);
    } else if (what instanceof UnsubAck u) {
      onUnsubAck(u);
    } else if (what instanceof PingResp) {
      lock.lock();
      try {
        pingSentNanos = 0;
      } finally {
        lock.unlock();
      }
    } else if (what instanceof Disconnect d) {
      connectionLost(
          MqttErrorCodes.disconnectedByBroker(
              d.reasonCode(),
              String.format("the broker disconnected: reason code 0x%02X", d.reasonCode())
                  + (d.properties().reasonString() == null
                      ? ""
                      : " (" + d.properties().reasonString() + ")")),
          false);
    } else if (what instanceof Closed c) {
      connectionLost(TransportErrors.of(c.cause, "connection"), true);
    } else if (what instanceof DecodeError e) {
      log.warn("client {}: malformed packet from the broker: {}", displayId(), e.message());
      connectionLost(
          MqttErrorCodes.transport(
              0, null, "malformed packet from the broker: " + e.message(), null),
          true);
    } else {
      log.warn("client {}: unexpected {} from the broker; closing", displayId(), describe(what));
      connectionLost(
          MqttErrorCodes.transport(0, null, "protocol error: unexpected " + describe(what), null),
          true);
    }
  }

  private void onPublish(Publish p) {
    String topic = p.topic();
    Integer alias = p.properties().topicAlias();
    lock.lock();
    try {
      if (alias != null) {
        if (!topic.isEmpty()) {
          inboundAliases.put(alias, topic);
        } else {
          topic = inboundAliases.get(alias);
        }
      }
    } finally {
      lock.unlock();
    }
    if (topic == null || topic.isEmpty()) {
      connectionLost(
          MqttErrorCodes.transport(0, null, "protocol error: unknown topic alias " + alias, null),
          true);
      return;
    }
    boolean deliver = true;
    if (p.qos() == 2) {
      lock.lock();
      try {
        // Exactly once: a PUBLISH sent again before our PUBREC arrived is not delivered twice.
        deliver = awaitingRelease.add(p.packetId());
      } finally {
        lock.unlock();
      }
    }
    if (deliver) {
      dispatch(dataEvents(p, topic));
    }
    lock.lock();
    try {
      if (state != MqttClientState.CONNECTED) {
        return;
      }
      if (p.qos() == 1) {
        send(new PubAck(p.packetId()));
      } else if (p.qos() == 2) {
        send(new PubRec(p.packetId()));
      }
    } finally {
      lock.unlock();
    }
  }

  /** One DATA event, or several of at most the buffer size each, the topic only in the first. */
  private List<MqttEvent> dataEvents(Publish p, String topic) {
    byte[] payload = p.payload();
    int chunk = config.extensions().reassembleData() ? Integer.MAX_VALUE : config.buffer().size();
    Mqtt5EventProperty props = Properties5.event(p.properties());
    int msgId = p.qos() == 0 ? 0 : p.packetId();
    List<MqttEvent> events = new ArrayList<>(payload.length / chunk + 1);
    int offset = 0;
    do { // an empty message is one DATA event too
      int len = Math.min(chunk, payload.length - offset);
      byte[] part =
          len == payload.length ? payload : Arrays.copyOfRange(payload, offset, offset + len);
      events.add(
          new MqttEvent(
              MqttEventId.DATA,
              this,
              part,
              payload.length,
              offset,
              offset == 0 ? topic : null,
              msgId,
              false,
              null,
              p.retain(),
              p.qos(),
              p.dup(),
              config.session().protocolVer(),
              props,
              0));
      offset += len;
    } while (offset < payload.length);
    return events;
  }

  private void onPubRec(PubRec r) {
    List<MqttEvent> events = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(r.packetId());
      if (e == null || e.kind != Outbox.Kind.PUBLISH || e.qos != 2) {
        // Not ours (any more): release it so the broker can forget it.
        send(new PubRel(r.packetId(), version().isV5() ? 0x92 : 0, MqttProperties.EMPTY));
        return;
      }
      if (r.reasonCode() >= 0x80) {
        // MQTT 5: the broker refused the message; the exchange ends here [MQTT-4.3.3-4].
        completed(e);
        events.add(publishedEvent(e.msgId, r.reasonCode(), r.properties()));
      } else {
        outbox.setStage(e, Outbox.Stage.ACKNOWLEDGED);
        sentAt(e, System.nanoTime());
        if (outboxFile != null) {
          outboxFile.released(e);
        }
        send(new PubRel(r.packetId()));
      }
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  private void onPubRel(PubRel r) {
    lock.lock();
    try {
      boolean known = awaitingRelease.remove(r.packetId());
      send(new PubComp(r.packetId(), known || !version().isV5() ? 0 : 0x92, MqttProperties.EMPTY));
    } finally {
      lock.unlock();
    }
  }

  private void onPublishDone(int packetId, int reason, MqttProperties props, boolean comp) {
    List<MqttEvent> events = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(packetId);
      if (e == null || e.kind != Outbox.Kind.PUBLISH || e.qos != (comp ? 2 : 1)) {
        return; // a late acknowledgement of an entry already expired
      }
      completed(e);
      events.add(publishedEvent(packetId, reason, props));
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  private void completed(Outbox.Entry e) {
    outbox.remove(e);
    if (outboxFile != null && e.qos > 0) {
      outboxFile.removed(e);
    }
    sendQueued();
  }

  private MqttEvent publishedEvent(int msgId, int reason, MqttProperties props) {
    return notice(MqttEventId.PUBLISHED, msgId, null, null, props, reason);
  }

  private void onSubAck(SubAck s) {
    List<MqttEvent> events = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(s.packetId());
      if (e == null || e.kind != Outbox.Kind.SUBSCRIBE) {
        return;
      }
      outbox.remove(e);
      List<Subscription> asked = pendingSubscribes.remove(s.packetId());
      byte[] codes = new byte[s.reasonCodes().size()];
      boolean failed = false;
      for (int i = 0; i < codes.length; i++) {
        int code = s.reasonCodes().get(i);
        codes[i] = (byte) code;
        if (code >= 0x80) {
          failed = true;
        } else if (asked != null && i < asked.size()) {
          subscriptions.put(asked.get(i).filter(), asked.get(i));
        }
      }
      MqttErrorCodes error =
          failed
              ? MqttErrorCodes.subscribeFailed(
                  "the broker refused "
                      + (codes.length == 1 ? "the subscription" : "one or more subscriptions"))
              : null;
      events.add(notice(MqttEventId.SUBSCRIBED, s.packetId(), codes, error, s.properties(), 0));
      sendQueued();
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  private void onUnsubAck(UnsubAck u) {
    List<MqttEvent> events = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(u.packetId());
      if (e == null || e.kind != Outbox.Kind.UNSUBSCRIBE) {
        return;
      }
      outbox.remove(e);
      List<String> filters = pendingUnsubscribes.remove(u.packetId());
      if (filters != null) {
        filters.forEach(subscriptions::remove);
      }
      byte[] codes = new byte[u.reasonCodes().size()];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (byte) (int) u.reasonCodes().get(i);
      }
      events.add(notice(MqttEventId.UNSUBSCRIBED, u.packetId(), codes, null, u.properties(), 0));
      sendQueued();
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  /** The connection ended under us: ERROR (for a transport failure), then DISCONNECTED. */
  private void connectionLost(MqttErrorCodes why, boolean transportError) {
    List<MqttEvent> events = new ArrayList<>(2);
    lock.lock();
    try {
      if (state != MqttClientState.CONNECTED) {
        return;
      }
      log.info(
          "client {}: connection to {} lost: {}", displayId(), endpoint.display(), why.message());
      closeChannel();
      enterWaitReconnect();
      if (transportError) {
        events.add(errorEvent(why));
        events.add(event(MqttEventId.DISCONNECTED));
      } else {
        events.add(
            notice(MqttEventId.DISCONNECTED, 0, null, why, null, why.disconnectReturnCode()));
      }
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  // ------------------------------------------------------------------ timers

  private long nextDeadlineNanos() {
    lock.lock();
    try {
      long now = System.nanoTime();
      long next = now + TimeUnit.SECONDS.toNanos(60);
      long keepalive = keepaliveNanos();
      if (keepalive > 0) {
        next = Math.min(next, (pingSentNanos != 0 ? pingSentNanos : lastSentNanos) + keepalive / 2);
      }
      long oldest = outbox.oldestCreatedNanos();
      if (oldest != Long.MAX_VALUE) {
        next = Math.min(next, oldest + config.outbox().expiry().toNanos());
        if (!version().isV5()) {
          next = Math.min(next, retransmitDueNanos);
        }
      }
      long refresh = config.network().refreshConnectionAfter().toNanos();
      if (refresh > 0) {
        next = Math.min(next, connectedAtNanos + refresh);
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  private long keepaliveNanos() {
    int seconds = config.session().keepaliveSeconds();
    if (limits.serverKeepAlive() != null) {
      seconds = limits.serverKeepAlive();
    }
    return TimeUnit.SECONDS.toNanos(seconds);
  }

  private void runTimers() {
    long now = System.nanoTime();
    boolean pingLost = false;
    boolean refresh = false;
    lock.lock();
    try {
      if (state != MqttClientState.CONNECTED) {
        return;
      }
      long keepalive = keepaliveNanos();
      if (keepalive > 0) {
        if (pingSentNanos != 0 && now - pingSentNanos >= keepalive / 2) {
          pingLost = true;
        } else if (pingSentNanos == 0 && now - lastSentNanos >= keepalive / 2) {
          send(PingReq.INSTANCE);
          pingSentNanos = now;
        }
      }
      if (!pingLost
          && !version().isV5()
          && retransmitDueNanos != Long.MAX_VALUE
          && now - retransmitDueNanos >= 0) {
        retransmitDue(now);
      }
      long period = config.network().refreshConnectionAfter().toNanos();
      refresh = !pingLost && period > 0 && now - connectedAtNanos >= period;
      sendQueued();
    } finally {
      lock.unlock();
    }
    expireOutbox();
    if (pingLost) {
      connectionLost(
          MqttErrorCodes.transport(110, null, "no PINGRESP: the connection is dead", null), true);
    } else if (refresh) {
      refreshConnection();
    }
  }

  /** The refresh period passed: a clean DISCONNECT (no will), then a new connection at once. */
  private void refreshConnection() {
    List<MqttEvent> events = new ArrayList<>(1);
    lock.lock();
    try {
      if (channel != null) {
        sendDisconnect(channel);
      }
      closeChannel();
      state = MqttClientState.INIT;
      events.add(event(MqttEventId.DISCONNECTED));
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  private void expireOutbox() {
    List<MqttEvent> events;
    lock.lock();
    try {
      long cutoff = System.nanoTime() - config.outbox().expiry().toNanos();
      List<Outbox.Entry> expired = outbox.removeExpired(cutoff);
      if (expired.isEmpty()) {
        return;
      }
      events = new ArrayList<>(expired.size());
      for (Outbox.Entry e : expired) {
        if (outboxFile != null && e.qos > 0 && e.kind == Outbox.Kind.PUBLISH) {
          outboxFile.removed(e);
        }
        pendingSubscribes.remove(e.msgId);
        pendingUnsubscribes.remove(e.msgId);
        events.add(
            new MqttEvent(
                MqttEventId.DELETED,
                this,
                null,
                0,
                0,
                null,
                e.msgId,
                false,
                null,
                false,
                e.qos,
                false,
                config.session().protocolVer(),
                null,
                0));
      }
      sendQueued();
    } finally {
      lock.unlock();
    }
    dispatch(events);
  }

  /**
   * MQTT 3.1 and 3.1.1: sends again what waited longer than the retransmit timeout for its
   * acknowledgement, and notes when the next entry will be due, so that the outbox is gone through
   * only then, not on every packet the task handles.
   */
  private void retransmitDue(long now) {
    long retransmit = config.session().messageRetransmitTimeout().toNanos();
    long nextDue = Long.MAX_VALUE;
    for (Outbox.Entry e : outbox.entries()) {
      if (e.stage() == Outbox.Stage.QUEUED) {
        continue;
      }
      if (now - e.sentNanos >= retransmit) {
        if (e.stage() == Outbox.Stage.ACKNOWLEDGED) {
          send(new PubRel(e.msgId));
        } else {
          resend(e);
        }
        e.sentNanos = now;
      }
      long due = e.sentNanos + retransmit;
      if (nextDue == Long.MAX_VALUE || due - nextDue < 0) {
        nextDue = due;
      }
    }
    retransmitDueNanos = nextDue;
  }

  /** Notes that {@code e} went out at {@code now}: its retransmit time may be the earliest. */
  private void sentAt(Outbox.Entry e, long now) {
    e.sentNanos = now;
    long due = now + config.session().messageRetransmitTimeout().toNanos();
    if (retransmitDueNanos == Long.MAX_VALUE || due - retransmitDueNanos < 0) {
      retransmitDueNanos = due;
    }
  }

  // ------------------------------------------------------------------ writing

  /** Sends QUEUED entries in order while the broker's receive maximum allows. */
  private void sendQueued() {
    if (state != MqttClientState.CONNECTED || channel == null || outbox.queued() == 0) {
      return;
    }
    for (Outbox.Entry e : outbox.entries()) {
      if (e.stage() != Outbox.Stage.QUEUED) {
        continue;
      }
      if (e.kind == Outbox.Kind.PUBLISH
          && e.qos > 0
          && outbox.inFlight() >= limits.receiveMaximum()) {
        continue;
      }
      transmit(e);
    }
  }

  private void transmit(Outbox.Entry e) {
    if (e.everSent && e.kind == Outbox.Kind.PUBLISH) {
      resend(e);
    } else {
      send(e.packet);
    }
    e.everSent = true;
    sentAt(e, System.nanoTime());
    if (e.kind == Outbox.Kind.PUBLISH && e.qos == 0) {
      outbox.remove(e); // a stored QoS 0 message is done once written
    } else {
      outbox.setStage(e, Outbox.Stage.TRANSMITTED);
    }
  }

  private void resend(Outbox.Entry e) {
    if (e.packet instanceof Publish p) {
      send(p.withPacketId(p.packetId(), true));
    } else {
      send(e.packet);
    }
  }

  private void send(MqttPacket packet) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    lastSentNanos = System.nanoTime();
    ch.writeAndFlush(packet).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  private ChannelFuture sendDisconnect(Channel ch) {
    Mqtt5DisconnectProperty p = nextDisconnectProperty;
    nextDisconnectProperty = null;
    Disconnect d =
        version().isV5() && p != null
            ? new Disconnect(p.disconnectReason(), Properties5.disconnect(p))
            : Disconnect.NORMAL;
    lastSentNanos = System.nanoTime();
    return ch.writeAndFlush(d);
  }

  private void closeChannel() {
    Channel ch = channel;
    channel = null;
    generation++;
    if (ch != null) {
      ch.close();
    }
    signalWritable();
  }

  private void signalWritable() {
    writeGate.lock();
    try {
      writable.signalAll();
    } finally {
      writeGate.unlock();
    }
  }

  /** The next packet identifier no outbox entry holds, or -1 when all 65,535 are held. */
  private int nextPacketId() {
    for (int i = 0; i < 0xFFFF; i++) {
      lastPacketId = lastPacketId >= 0xFFFF ? 1 : lastPacketId + 1;
      if (!outbox.usesMsgId(lastPacketId)) {
        return lastPacketId;
      }
    }
    return -1; // every identifier is held by an unacknowledged entry
  }

  // ------------------------------------------------------------------ helpers

  private MqttVersion version() {
    return config.session().protocolVer().wire();
  }

  private int currentGeneration() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  private String configuredClientId() {
    MqttClientConfig.Credentials c = config.credentials();
    if (c.setNullClientId()) {
      return "";
    }
    return c.clientId() != null ? c.clientId() : DeviceMac.defaultClientId(config.deviceMac());
  }

  private String displayId() {
    String id = connectedClientId != null ? connectedClientId : configuredClientId();
    return id.isEmpty() ? "(no id)" : id;
  }

  private void requireNotDestroyed() {
    if (state == MqttClientState.DESTROYED) {
      throw new IllegalStateException("the client has been destroyed");
    }
  }

  private MqttEvent event(MqttEventId id) {
    return notice(id, 0, null, null, null, 0);
  }

  private MqttEvent errorEvent(MqttErrorCodes error) {
    return notice(MqttEventId.ERROR, 0, null, error, null, 0);
  }

  /**
   * An event other than DATA, CONNECTED and DELETED: ESP-MQTT fills only the message id, the data
   * (SUBACK codes), the error handle, MQTT 5 properties and the reason code for these.
   */
  private MqttEvent notice(
      MqttEventId id,
      int msgId,
      byte[] data,
      MqttErrorCodes error,
      MqttProperties props,
      int reasonCode) {
    return new MqttEvent(
        id,
        this,
        data,
        data == null ? 0 : data.length,
        0,
        null,
        msgId,
        false,
        error,
        false,
        0,
        false,
        config.session().protocolVer(),
        Properties5.event(props),
        reasonCode);
  }

  /** Runs the handlers for each event, in order, on the task thread, outside the lock. */
  private void dispatch(List<MqttEvent> events) {
    for (MqttEvent e : events) {
      for (Registration r : handlers) {
        if (r.id == MqttEventId.ANY || r.id == e.eventId()) {
          try {
            r.handler.handle(e);
          } catch (RuntimeException ex) {
            log.warn("client {}: a {} handler failed", displayId(), e.eventId(), ex);
          }
        }
      }
    }
  }

  private static String describe(Object what) {
    return what instanceof MqttPacket p ? p.type().toString() : what.getClass().getSimpleName();
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (t != null && t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The next item for the task, waiting at most {@code waitNanos} (not at all when it is not
   * positive, without end when it is {@code Long.MAX_VALUE}); null when none came.
   */
  private Object nextItem(long waitNanos) throws InterruptedException {
    Object item =
        waitNanos == Long.MAX_VALUE
            ? taskInbox.take()
            : waitNanos > 0 ? taskInbox.poll(waitNanos, TimeUnit.NANOSECONDS) : taskInbox.poll();
    if (item == Command.WAKE) {
      wakePending.set(false);
    }
    return item;
  }

  /** One WAKE in the task's queue at most, however many calls ask for it. */
  private void wakeTask() {
    if (wakePending.compareAndSet(false, true)) {
      taskInbox.add(Command.WAKE);
    }
  }

  private void toTask(int gen, Object what) {
    inboundQueued.incrementAndGet();
    taskInbox.add(new Inbound(gen, what));
  }

  private void inboundDone() {
    int left = inboundQueued.decrementAndGet();
    if (left == INBOUND_LOW) {
      Channel ch = channelUnlocked();
      if (ch != null) {
        ch.config().setAutoRead(true);
      }
    }
  }

  private Channel channelUnlocked() {
    lock.lock();
    try {
      return channel;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ the network side

  /**
   * The last handler of a connection, on its event loop: hands everything to the task thread and
   * stops reading while the task is behind.
   */
  private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private final int gen;
    private final BrokerEndpoint ep;
    private Throwable failure;
    private boolean up;

    ConnectionHandler(int gen, BrokerEndpoint ep) {
      this.gen = gen;
      this.ep = ep;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!ep.transport().isTls() && !ep.transport().isWebSocket()) {
        transportUp();
      }
      ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (!e.isSuccess()) {
          failure = e.cause();
        } else if (!ep.transport().isWebSocket()) {
          transportUp();
        }
      } else if (evt
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        transportUp();
      }
      ctx.fireUserEventTriggered(evt);
    }

    private void transportUp() {
      if (!up) {
        up = true;
        toTask(gen, new TransportUp());
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      toTask(gen, msg);
      if (inboundQueued.get() >= INBOUND_HIGH) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        signalWritable();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      toTask(gen, new Closed(failure));
      signalWritable();
    }
  }

  /** What a connection attempt has reached, for the error that says where it failed. */
  private static final class Connecting {
    final int generation;
    final BrokerEndpoint endpoint;
    volatile boolean tcpUp;

    Connecting(int generation, BrokerEndpoint endpoint) {
      this.generation = generation;
      this.endpoint = endpoint;
    }

    String phase() {
      if (!tcpUp) {
        return "TCP connection";
      }
      if (endpoint.transport().isTls()) {
        return endpoint.transport().isWebSocket() ? "TLS or WebSocket handshake" : "TLS handshake";
      }
      return endpoint.transport().isWebSocket() ? "WebSocket handshake" : "CONNACK";
    }
  }

  private record Registration(MqttEventId id, MqttEventHandler handler) {}

  private record Inbound(int generation, Object what) {}

  private record TransportUp() {}

  private record Closed(Throwable cause) {}

  private record UserEvent(MqttEvent event) {}

  private enum Command {
    WAKE,
    DISCONNECT,
    RECONNECT,
    STOP
  }
}
