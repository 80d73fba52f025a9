package dev.switchboard.broker.message;

import dev.switchboard.mqtt.packet.MqttProperties;

/**
 * An application message as the broker routes it: immutable, shared by every session it goes to.
 *
 * @param topic the topic name (aliases already resolved)
 * @param payload the payload, never modified
 * @param qos the QoS it was published with
 * @param retain the RETAIN flag it was published with
 * @param properties the MQTT 5 properties forwarded to subscribers (no Topic Alias, no Subscription
 *     Identifier, no Message Expiry: expiry is {@code expiresAtNanos})
 * @param publisherId client id of the publisher, or null for messages the broker makes ($SYS)
 * @param expiresAtNanos {@link System#nanoTime()} at which it expires, or {@link #NEVER}
 * @param hub the hub whose topic space it is routed in: its publisher's; never seen by clients
 */
public record Message(
    String topic,
    byte[] payload,
    int qos,
    boolean retain,
    MqttProperties properties,
    String publisherId,
    long expiresAtNanos,
    String hub) {

  public static final long NEVER = Long.MAX_VALUE;

  public Message {
    hub = hub == null ? Hubs.DEFAULT : hub;
  }

  /** A message of the {@link Hubs#DEFAULT default hub}. */
  public Message(
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      MqttProperties properties,
      String publisherId,
      long expiresAtNanos) {
    this(topic, payload, qos, retain, properties, publisherId, expiresAtNanos, Hubs.DEFAULT);
  }

  /** This message in {@code otherHub}'s topic space. */
  public Message inHub(String otherHub) {
    return otherHub.equals(hub)
        ? this
        : new Message(
            topic, payload, qos, retain, properties, publisherId, expiresAtNanos, otherHub);
  }

  public boolean isExpired(long nowNanos) {
    return expiresAtNanos != NEVER && nowNanos - expiresAtNanos >= 0;
  }

  /** Seconds of Message Expiry Interval left (rounded up), or -1 if it never expires. */
  public long remainingExpirySeconds(long nowNanos) {
    if (expiresAtNanos == NEVER) {
      return -1;
    }
    long left = expiresAtNanos - nowNanos;
    return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
  }

  /** Bytes this message costs in a queue (payload and topic), for the per-session byte bound. */
  public long weight() {
    return payload.length + topic.length() + 64L;
  }

  public Message withRetain(boolean flag) {
    return flag == retain
        ? this
        : new Message(topic, payload, qos, flag, properties, publisherId, expiresAtNanos, hub);
  }
}
