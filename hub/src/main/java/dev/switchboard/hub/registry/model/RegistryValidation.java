package dev.switchboard.hub.registry.model;

import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.topic.Topics;
import java.nio.charset.StandardCharsets;

/** The registry's rules for its values; each failure is one sentence naming the value. */
final class RegistryValidation {
  private static final int MAX_UTF8 = 65_535;

  private RegistryValidation() {}

  static void clientId(String clientId) {
    if (clientId == null || clientId.isEmpty()) {
      throw new IllegalArgumentException("a device needs a client id");
    }
    utf8("client id", clientId);
  }

  static void username(String username) {
    if (username == null || username.isEmpty()) {
      throw new IllegalArgumentException("a device needs a user name");
    }
    utf8("user name", username);
  }

  static void subscription(Subscription s) {
    if (!Topics.isValidFilter(s.filter())) {
      throw new IllegalArgumentException("'" + s.filter() + "' is not a valid topic filter");
    }
    if (s.qos() < 0 || s.qos() > 2) {
      throw new IllegalArgumentException("QoS must be 0, 1 or 2, not " + s.qos());
    }
    if (s.retainHandling() < 0 || s.retainHandling() > 2) {
      throw new IllegalArgumentException(
          "retain handling must be 0, 1 or 2, not " + s.retainHandling());
    }
  }

  /** A rule's filter: a valid topic filter once %c and %u are put in. */
  static void ruleFilter(String filter) {
    if (filter == null || !Topics.isValidFilter(filter.replace("%c", "c").replace("%u", "u"))) {
      throw new IllegalArgumentException("'" + filter + "' is not a valid topic filter");
    }
  }

  private static void utf8(String what, String value) {
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8) {
      throw new IllegalArgumentException("a " + what + " has at most 65535 bytes");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == 0 || Character.isISOControl(ch) && ch != '\t') {
        throw new IllegalArgumentException("a " + what + " cannot contain control characters");
      }
    }
  }
}
