package dev.switchboard.http.registry;

import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;

/** Devices as the API writes and reads them. */
final class DeviceJson {
  private DeviceJson() {}

  /** A subscription a frozen device gets. */
  record SubscriptionJson(
      String filter,
      Integer qos,
      Boolean noLocal,
      Boolean retainAsPublished,
      Integer retainHandling) {}

  /** A device, as answered (never its password or hash). */
  record DeviceView(
      String hub,
      String clientId,
      String username,
      boolean hasPassword,
      boolean enabled,
      String replacePolicy,
      boolean strictClientId,
      boolean subscriptionsFrozen,
      List<SubscriptionJson> subscriptions,
      List<String> allowedSources,
      String createdAt,
      String updatedAt) {}

  /** The body of a new device. */
  record DeviceCreate(
      String clientId,
      String username,
      String password,
      Boolean generatePassword,
      Boolean enabled,
      String replacePolicy,
      Boolean strictClientId,
      Boolean subscriptionsFrozen,
      List<SubscriptionJson> subscriptions,
      List<String> allowedSources) {}

  /** The body of a change: only the fields given change. */
  record DevicePatch(
      String username,
      Boolean enabled,
      String replacePolicy,
      Boolean strictClientId,
      Boolean subscriptionsFrozen,
      List<SubscriptionJson> subscriptions,
      List<String> allowedSources) {}

  /** A device just made or whose password was just generated: the password, shown once. */
  record WithPassword(DeviceView device, String generatedPassword) {}

  static DeviceView view(Device d) {
    return new DeviceView(
        d.hub(),
        d.clientId(),
        d.username(),
        d.passwordHash() != null,
        d.enabled(),
        Values.name(d.replacePolicy()),
        d.strictClientId(),
        d.subscriptionsFrozen(),
        d.subscriptions().stream().map(DeviceJson::json).toList(),
        d.allowedSources().stream().map(Cidr::toString).toList(),
        Values.time(d.createdAt()),
        Values.time(d.updatedAt()));
  }

  static SubscriptionJson json(Subscription s) {
    return new SubscriptionJson(
        s.filter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling());
  }

  /** The subscriptions of a body, each checked; a problem names the one at fault. */
  static List<Subscription> subscriptions(String field, List<SubscriptionJson> list) {
    List<Subscription> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      SubscriptionJson s = list.get(i);
      String at = field + "[" + i + "]";
      if (s == null || s.filter() == null || !Topics.isValidFilter(s.filter())) {
        throw Problem.invalid(
            at + ".filter", "'" + (s == null ? null : s.filter()) + "' is not a topic filter");
      }
      int qos = s.qos() == null ? 0 : s.qos();
      if (qos < 0 || qos > 2) {
        throw Problem.invalid(at + ".qos", "QoS must be 0, 1 or 2");
      }
      int handling = s.retainHandling() == null ? 0 : s.retainHandling();
      if (handling < 0 || handling > 2) {
        throw Problem.invalid(at + ".retainHandling", "retain handling must be 0, 1 or 2");
      }
      out.add(
          new Subscription(
              s.filter(),
              qos,
              Boolean.TRUE.equals(s.noLocal()),
              Boolean.TRUE.equals(s.retainAsPublished()),
              handling));
    }
    return out;
  }

  static List<Cidr> sources(String field, List<String> list) {
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      try {
        out.add(Cidr.parse(list.get(i)));
      } catch (IllegalArgumentException e) {
        throw Problem.invalid(field + "[" + i + "]", e.getMessage());
      }
    }
    return out;
  }
}
