package dev.switchboard.client;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code extensions} group of {@link MqttClientConfig#builder()}: what ESP-MQTT lacks, all off
 * by default; it makes a {@link MqttClientConfig.Extensions}.
 */
public final class ExtensionsBuilder {
  MqttClientConfig.Backoff backoff;
  boolean resubscribe;
  boolean reassembleData;
  Path outboxFile;

  /** Exponential backoff with full jitter between reconnects, from {@code initial} to max. */
  public ExtensionsBuilder backoff(Duration initial, Duration max) {
    this.backoff = new MqttClientConfig.Backoff(initial, max);
    return this;
  }

  /** Subscribe again after a reconnect that found no session. */
  public ExtensionsBuilder resubscribe(boolean on) {
    this.resubscribe = on;
    return this;
  }

  /** One DATA event per message, whatever the buffer size. */
  public ExtensionsBuilder reassembleData(boolean on) {
    this.reassembleData = on;
    return this;
  }

  /** Keep the outbox in this file across restarts of the program. */
  public ExtensionsBuilder outboxFile(Path file) {
    this.outboxFile = file;
    return this;
  }
}
