package dev.switchboard.client;

import java.time.Duration;

/**
 * The {@code outbox} group of {@link MqttClientConfig#builder()}: its limit and expiry; it makes a
 * {@link MqttClientConfig.Outbox}.
 */
public final class OutboxBuilder {
  long limit;
  Duration expiry = Duration.ofSeconds(30);

  /** The most bytes of pending QoS 1 and 2 messages; 0 for no limit. */
  public OutboxBuilder limit(long bytes) {
    this.limit = bytes;
    return this;
  }

  /** How long an entry may stay unsent or unacknowledged (30 s). */
  public OutboxBuilder expiry(Duration expiry) {
    this.expiry = expiry;
    return this;
  }
}
