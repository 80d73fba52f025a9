package dev.switchboard.http.stash;

import dev.switchboard.broker.persist.PropertiesBlob;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.hub.stash.StashEntry;
import dev.switchboard.hub.stash.StashLog;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The JSON shapes of stashes and their entries. */
final class StashJson {
  private StashJson() {}

  /** What a stash is created or changed with; absent fields keep their value (or default). */
  record StashBody(
      String name,
      String filter,
      List<String> clientIds,
      Long maxEntries,
      Long maxBytes,
      Long maxAgeSeconds,
      Boolean enabled) {}

  record Limits(long entries, long bytes, long ageSeconds) {}

  record Usage(long entries, long bytes, long dropped) {}

  record StashView(
      String name,
      String filter,
      List<String> clientIds,
      Limits limits,
      boolean enabled,
      Usage usage,
      String createdAt,
      String updatedAt) {}

  record StashList(List<StashView> items) {}

  record Properties(
      Integer payloadFormatIndicator,
      String contentType,
      String responseTopic,
      String correlationData,
      List<List<String>> userProperties) {}

  record EntryView(
      long seq,
      String receivedAt,
      String clientId,
      String userName,
      String address,
      String topic,
      int qos,
      boolean retain,
      String payload,
      Properties properties) {}

  record EntryPage(List<EntryView> items, String nextCursor) {}

  record Cleared(long cleared) {}

  record ResendBody(
      List<Long> seqs, String from, String to, String frame, String topic, Double rate) {}

  record Resent(long resent) {}

  static StashView view(Stash s, StashLog.Counts counts) {
    return new StashView(
        s.name(),
        s.filter(),
        s.clientIds(),
        new Limits(s.maxEntries(), s.maxBytes(), s.maxAgeSeconds()),
        s.enabled(),
        new Usage(counts.entries(), counts.bytes(), counts.dropped()),
        Values.time(s.createdAt()),
        Values.time(s.updatedAt()));
  }

  static EntryView view(StashEntry e) {
    return new EntryView(
        e.seq(),
        Instant.ofEpochMilli(e.receivedAt()).toString(),
        e.clientId(),
        e.username(),
        e.address(),
        e.topic(),
        e.qos(),
        e.retain(),
        Base64.getEncoder().encodeToString(e.payload()),
        e.properties() == null ? null : properties(PropertiesBlob.decode(e.properties())));
  }

  private static Properties properties(MqttProperties p) {
    return new Properties(
        p.payloadFormatIndicator(),
        p.contentType(),
        p.responseTopic(),
        p.correlationData() == null
            ? null
            : Base64.getEncoder().encodeToString(p.correlationData()),
        p.userProperties().isEmpty()
            ? null
            : p.userProperties().stream().map(u -> List.of(u.name(), u.value())).toList());
  }
}
