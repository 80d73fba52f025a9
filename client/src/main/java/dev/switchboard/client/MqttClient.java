package dev.switchboard.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

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
  // Guards the protocol state of every part below (ESP-MQTT's API lock); never held while a
  // handler runs, never taken by a network thread.
  private final ReentrantLock lock = new ReentrantLock();
  private final ClientStatus status;
  private final TaskInbox inbox = new TaskInbox();
  private final ClientChannel channel;
  private final EventDispatcher dispatcher;
  private final NextProperties nextProperties = new NextProperties();
  private final SubscriptionBook book = new SubscriptionBook();
  private final OutboxFlow outbox;
  private final InboundFlow inbound;
  private final Disconnects disconnects;
  private final Requests requests;
  private final ClientTask taskLoop;

  // Guarded by lock.
  private boolean started;
  private Thread task;

  /**
   * The client's parts, each a flow of its own, wired here: the callers' requests ({@link
   * Requests}), the task thread ({@link ClientTask}) with the connect flow, what the broker sends
   * ({@link InboundFlow}, {@link Acknowledgements}), the outbox ({@link OutboxFlow}), the timers
   * and how connections end ({@link TaskTimers}, {@link Disconnects}); the network side ({@link
   * ChannelOpener}, {@link ConnectionHandler}) reaches the task only through its {@link TaskInbox}.
   */
  private MqttClient(
      MqttClientConfig config, MqttClientNetwork network, MqttEventLoop eventLoop, MqttLink link) {
    this.status = new ClientStatus(AppliedConfig.of(config));
    WriteGate writeGate = new WriteGate();
    this.channel =
        new ClientChannel(lock, new ChannelOpener(network, inbox, writeGate, link), writeGate);
    ClientEvents events = new ClientEvents(this, status);
    this.dispatcher = new EventDispatcher(lock, status, eventLoop);
    this.outbox = new OutboxFlow(lock, status, channel, book, events, dispatcher);
    Acknowledgements acks =
        new Acknowledgements(lock, status, channel, outbox, book, events, dispatcher);
    TaskTimers timers = new TaskTimers(lock, status, channel, outbox);
    this.disconnects =
        new Disconnects(lock, status, channel, nextProperties, timers, events, dispatcher);
    this.inbound =
        new InboundFlow(lock, status, channel, acks, disconnects, timers, events, dispatcher);
    ConnectFlow connectFlow =
        new ConnectFlow(
            lock,
            status,
            channel,
            inbox,
            outbox,
            book,
            inbound,
            timers,
            disconnects,
            events,
            dispatcher);
    this.taskLoop =
        new ClientTask(
            lock,
            status,
            inbox,
            channel,
            connectFlow,
            inbound,
            outbox,
            timers,
            disconnects,
            events,
            dispatcher);
    this.requests =
        new Requests(lock, status, channel, writeGate, inbox, outbox, book, nextProperties);
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
    return new MqttClient(
        Objects.requireNonNull(config), Objects.requireNonNull(network), null, null);
  }

  /**
   * A client whose handlers are registered on, and whose events are dispatched through, {@code
   * eventLoop}: a device's default event loop, as on the chip (see {@link MqttEventLoop}).
   */
  public static MqttClient init(
      MqttClientConfig config, MqttClientNetwork network, MqttEventLoop eventLoop) {
    return init(config, network, eventLoop, null);
  }

  /**
   * A client run by a device: its events through the device's {@code eventLoop}, its connections
   * over the device's {@code link} (null: always up), see {@link MqttLink}.
   */
  public static MqttClient init(
      MqttClientConfig config, MqttClientNetwork network, MqttEventLoop eventLoop, MqttLink link) {
    return new MqttClient(
        Objects.requireNonNull(config),
        Objects.requireNonNull(network),
        Objects.requireNonNull(eventLoop),
        link);
  }

  // ------------------------------------------------------------------ events

  /**
   * Registers a handler for one event, or for all with {@link MqttEventId#ANY}: {@code
   * esp_mqtt_client_register_event}. Handlers run in the order they were registered.
   */
  public void registerEvent(MqttEventId id, MqttEventHandler handler) {
    dispatcher.register(id, handler);
  }

  /** Removes a handler registered for this event id: {@code esp_mqtt_client_unregister_event}. */
  public void unregisterEvent(MqttEventId id, MqttEventHandler handler) {
    dispatcher.unregister(id, handler);
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
      status.requireNotDestroyed();
      if (!started) {
        throw new IllegalStateException("the client is not started");
      }
      inbox.add(new TaskInbox.UserEvent(event));
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
      status.requireNotDestroyed();
      if (started) {
        throw new IllegalStateException("the client has started already");
      }
      if (status.applied().endpoint() == null) {
        throw new IllegalStateException(
            "no broker address: set broker.address (uri or hostname) or call setUri()");
      }
      started = true;
      status.state(MqttClientState.INIT);
      disconnects.resetAttempts();
      inbox.clear();
      task = Thread.ofVirtual().name("mqtt_task " + status.displayId()).unstarted(taskLoop);
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
      status.requireNotDestroyed();
      if (!started) {
        throw new IllegalStateException("the client is not started");
      }
      if (Thread.currentThread() == task || dispatcher.onLoopHandlerThread()) {
        throw new IllegalStateException("the client cannot be stopped from its own event handler");
      }
      ch = channel.current();
      if (status.is(MqttClientState.CONNECTED) && ch != null) {
        goodbye = disconnects.sendDisconnect();
      }
      // From here on, whatever the connection still delivers is stale: the broker closing it
      // after our DISCONNECT is no error.
      channel.detach();
      t = task;
      inbox.add(TaskInbox.Command.STOP);
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
      channel.close();
      started = false;
      task = null;
      status.state(MqttClientState.DISCONNECTED);
      outbox.stopped();
      inbound.forgetReleases();
      book.clearPending();
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
      status.requireNotDestroyed();
      if (!started) {
        throw new IllegalStateException("the client is not started");
      }
      inbox.add(TaskInbox.Command.DISCONNECT);
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
      status.requireNotDestroyed();
      if (!status.is(MqttClientState.WAIT_RECONNECT)) {
        throw new IllegalStateException(
            "the client is not waiting to reconnect (state " + status.state() + ")");
      }
      inbox.add(TaskInbox.Command.RECONNECT);
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
      if (status.is(MqttClientState.DESTROYED)) {
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
      status.state(MqttClientState.DESTROYED);
      outbox.close();
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
      status.requireNotDestroyed();
      MqttClientConfig updated =
          status.config().toBuilder().broker(b -> b.uri(uri).transport(null)).build();
      status.apply(AppliedConfig.of(updated));
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
      status.requireNotDestroyed();
      status.apply(AppliedConfig.of(Objects.requireNonNull(newConfig)));
    } finally {
      lock.unlock();
    }
  }

  /** Where the client is: {@code esp_mqtt_client_get_state}. */
  public MqttClientState getState() {
    lock.lock();
    try {
      return status.state();
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
      return status.clientId();
    } finally {
      lock.unlock();
    }
  }

  /** The configuration in use. */
  public MqttClientConfig config() {
    lock.lock();
    try {
      return status.config();
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
      nextProperties.setPublish(property);
    } finally {
      lock.unlock();
    }
  }

  /** Options for the next subscribe only: {@code esp_mqtt5_client_set_subscribe_property}. */
  public void setSubscribeProperty(Mqtt5SubscribeProperty property) {
    lock.lock();
    try {
      nextProperties.setSubscribe(property);
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
      nextProperties.setUnsubscribe(property);
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
      nextProperties.setDisconnect(property);
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
    return requests.submit(topic, data, qos, retain, property, false, true);
  }

  /**
   * Puts a message in the outbox for the task thread to send; never writes on the caller's thread:
   * {@code esp_mqtt_client_enqueue}. QoS 0 messages are enqueued only with {@code store}.
   *
   * @return the message id (0 for QoS 0), -1 on failure (QoS 0 without store), -2 when the outbox
   *     is full
   */
  public int enqueue(String topic, byte[] data, int qos, boolean retain, boolean store) {
    return requests.submit(topic, data, qos, retain, null, store, false);
  }

  /** {@link #enqueue(String, byte[], int, boolean, boolean)} with UTF-8 text. */
  public int enqueue(String topic, String data, int qos, boolean retain, boolean store) {
    return enqueue(
        topic, data == null ? null : data.getBytes(StandardCharsets.UTF_8), qos, retain, store);
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
    return requests.subscribe(topics, property);
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
    return requests.unsubscribe(topics, property);
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
}
