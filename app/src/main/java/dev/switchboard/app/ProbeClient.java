package dev.switchboard.app;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.client.MqttProtocolVersion;
import dev.switchboard.client.MqttTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT 3.1.1 client of the project's own client library, driven step by step from the calling
 * thread (connect, subscribe, publish, wait for a message or for the connection's end), with the
 * time each step's event arrived: what {@code bench cluster} probes the cluster with. It does not
 * reconnect by itself: moving to another node is the caller's decision.
 */
final class ProbeClient implements AutoCloseable {
  private final MqttClient client;
  private final BlockingQueue<Timed> events = new LinkedBlockingQueue<>();

  /** An event and {@link System#nanoTime()} when it came. */
  record Timed(MqttEvent event, long nanos) {}

  private ProbeClient(String host, int port, String clientId) {
    MqttClientConfig config =
        MqttClientConfig.builder()
            .broker(b -> b.hostname(host).port(port).transport(MqttTransport.TCP))
            .credentials(c -> c.clientId(clientId))
            .session(s -> s.keepalive(30).protocolVer(MqttProtocolVersion.V_3_1_1))
            .network(n -> n.disableAutoReconnect(true).timeout(Duration.ofSeconds(40)))
            .build();
    this.client = MqttClient.init(config);
    client.registerEvent(MqttEventId.ANY, e -> events.add(new Timed(e, System.nanoTime())));
  }

  /**
   * Connects (clean session) and waits for the CONNACK.
   *
   * @throws IOException when the broker refuses or does not answer within {@code timeout}
   */
  static ProbeClient connect(String host, int port, String clientId, Duration timeout)
      throws IOException, InterruptedException {
    ProbeClient p = new ProbeClient(host, port, clientId);
    try {
      p.client.start();
      p.await(MqttEventId.CONNECTED, -1, timeout, "CONNACK from " + host + ":" + port);
      return p;
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Subscribes and waits for the SUBACK; returns when it came ({@link System#nanoTime()}). */
  long subscribe(String filter, int qos, Duration timeout)
      throws IOException, InterruptedException {
    int mid = client.subscribe(filter, qos);
    if (mid < 0) {
      throw new IOException("SUBSCRIBE to " + filter + " could not be sent");
    }
    return await(MqttEventId.SUBSCRIBED, mid, timeout, "SUBACK for " + filter).nanos();
  }

  /** Publishes; false when it could not be sent (not connected). */
  boolean publish(String topic, byte[] payload, int qos) {
    return client.publish(topic, payload, qos, false) >= 0;
  }

  /**
   * Waits for a message; returns it with its arrival time, or null when none came within {@code
   * timeout}.
   *
   * @throws IOException when the connection ended first
   */
  Timed awaitMessage(Duration timeout) throws IOException, InterruptedException {
    return awaitOrNull(MqttEventId.DATA, -1, timeout);
  }

  /** Waits until the connection ends; returns when it was seen ({@link System#nanoTime()}). */
  long awaitDisconnected(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Timed t = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (t == null) {
        throw new IOException("the connection did not end within " + timeout.toSeconds() + " s");
      }
      if (t.event().eventId() == MqttEventId.DISCONNECTED
          || t.event().eventId() == MqttEventId.ERROR) {
        return t.nanos();
      }
    }
  }

  /** Drops what has arrived so far. */
  void clear() {
    events.clear();
  }

  private Timed await(MqttEventId id, int mid, Duration timeout, String what)
      throws IOException, InterruptedException {
    Timed t = awaitOrNull(id, mid, timeout);
    if (t == null) {
      throw new IOException("no " + what + " within " + timeout.toMillis() + " ms");
    }
    return t;
  }

  private Timed awaitOrNull(MqttEventId id, int mid, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Timed t = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (t == null) {
        return null;
      }
      MqttEvent e = t.event();
      if (e.eventId() == id && (mid < 0 || e.msgId() == mid)) {
        return t;
      }
      if (e.eventId() == MqttEventId.DISCONNECTED || e.eventId() == MqttEventId.ERROR) {
        throw new IOException(
            "connection ended while waiting for "
                + id
                + (e.errorHandle() != null ? ": " + e.errorHandle().message() : ""));
      }
    }
  }

  @Override
  public void close() {
    client.destroy();
  }
}
