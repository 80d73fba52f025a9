package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Hubs;

/**
 * An application message as stored.
 *
 * @param topic topic name
 * @param payload payload bytes (may be empty)
 * @param qos the QoS it was published with
 * @param retain the RETAIN flag it was published with
 * @param properties the MQTT 5 properties forwarded to subscribers, in the broker's own encoding
 *     ({@link PropertiesBlob}); null when there are none
 * @param publisherId client id of the publisher, or null
 * @param expiresAtMillis wall-clock time (ms since the epoch) at which it expires, or 0 for never
 * @param hub the hub whose topic space it belongs to
 */
public record StoredMessage(
    String topic,
    byte[] payload,
    int qos,
    boolean retain,
    byte[] properties,
    String publisherId,
    long expiresAtMillis,
    String hub) {

  public StoredMessage {
    hub = hub == null ? Hubs.DEFAULT : hub;
  }

  /** A message of the default hub. */
  public StoredMessage(
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      byte[] properties,
      String publisherId,
      long expiresAtMillis) {
    this(topic, payload, qos, retain, properties, publisherId, expiresAtMillis, Hubs.DEFAULT);
  }
}
