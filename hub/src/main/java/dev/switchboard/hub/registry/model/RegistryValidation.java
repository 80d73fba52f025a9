package dev.switchboard.hub.registry.model;

import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The registry's rules for its values; each failure is one sentence naming the value. */
public final class RegistryValidation {
  private static final int MAX_UTF8 = 65_535;
  private static final Pattern HUB_NAME = Pattern.compile("[a-z0-9-]{1,32}");
  private static final Pattern ADMIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RegistryValidation() {}

  /**
   * A hub's name: 1 to 32 of {@code a-z}, {@code 0-9} and {@code -}, so that it reads the same in a
   * user name ({@code name@hub}), a host name and a URL.
   */
  public static void hubName(String name) {
    if (name == null || !HUB_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + (name == null ? "" : name) + "' is not a hub name: 1 to 32 of a-z, 0-9 and '-'");
    }
  }

  /** Whether {@code name} is a valid hub name. */
  public static boolean isHubName(String name) {
    return name != null && HUB_NAME.matcher(name).matches();
  }

  /** An administrator's name: 1 to 64 of {@code A-Z a-z 0-9 . _ -}. */
  static void adminName(String name) {
    if (name == null || !ADMIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + (name == null ? "" : name)
              + "' is not an administrator name: 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'");
    }
  }

  /** Free text (a display name): no control characters, at most 65535 bytes. */
  static void text(String what, String value) {
    utf8(what, value);
  }

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
