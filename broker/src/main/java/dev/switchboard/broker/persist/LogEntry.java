package dev.switchboard.broker.persist;

/**
 * One message appended to a message log: a named, bounded record of messages kept by hub and log
 * name (what the hub calls a stash). The broker stores it and knows nothing more of what it is for.
 *
 * @param hub the hub the log belongs to
 * @param log the log's name within its hub
 * @param receivedAtMillis when the broker received the message (milliseconds since the epoch)
 * @param clientId the publisher's client id
 * @param username the publisher's user name, or null
 * @param address the publisher's address ({@code 10.0.0.7:51234}), or null
 * @param topic the topic it was published to
 * @param qos its QoS as published
 * @param retain its RETAIN flag as published
 * @param properties its MQTT 5 properties in {@link PropertiesBlob}'s form, or null for none
 * @param payload its payload, shared with the message (never changed)
 * @param limits the log's bounds, applied as the entry is written (oldest dropped first)
 */
public record LogEntry(
    String hub,
    String log,
    long receivedAtMillis,
    String clientId,
    String username,
    String address,
    String topic,
    int qos,
    boolean retain,
    byte[] properties,
    byte[] payload,
    Limits limits) {

  /**
   * A log's bounds; 0 means none. When an append takes a log past one, its oldest entries are
   * dropped (and counted) until it is within all of them.
   *
   * @param maxEntries entries kept at most
   * @param maxBytes payload bytes kept at most
   * @param maxAgeMillis entries older than this are dropped
   */
  public record Limits(long maxEntries, long maxBytes, long maxAgeMillis) {
    public static final Limits NONE = new Limits(0, 0, 0);

    public Limits {
      if (maxEntries < 0 || maxBytes < 0 || maxAgeMillis < 0) {
        throw new IllegalArgumentException("limits are 0 (none) or positive");
      }
    }
  }
}
