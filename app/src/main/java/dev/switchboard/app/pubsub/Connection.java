package dev.switchboard.app.pubsub;

import dev.switchboard.client.Mqtt5DisconnectProperty;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttConfigException;
import dev.switchboard.client.MqttEventId;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A started client whose events the command's own thread takes one at a time, in order, with other
 * input (lines read from stdin) among them: the command's logic stays on one thread, as mosquitto's
 * loop does. A full inbox holds the client's task back, and so its reading.
 */
final class Connection implements AutoCloseable {
  private final MqttClient client;
  private final BlockingQueue<Object> inbox = new ArrayBlockingQueue<>(1024);
  private final Thread shutdownHook;
  private volatile boolean closing;
  private boolean closed;
  private Mqtt5DisconnectProperty disconnectProperty;

  /**
   * @throws MqttConfigException when the client refuses the configuration (a certificate or key it
   *     cannot read)
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
