package dev.switchboard.mqtt.topic;

/**
 * A shared subscription filter {@code $share/{ShareName}/{filter}} (MQTT 5.0 section 4.8.2).
 *
 * @param group the Share Name
 * @param filter the Topic Filter the members share
 */
public record SharedSubscription(String group, String filter) {

  public static boolean isShared(String filter) {
    return filter.startsWith(Topics.SHARE_PREFIX);
  }

  /**
   * Parses a filter that starts with {@code $share/}; null when it breaks [MQTT-4.8.2-1] (the Share
   * Name is at least one character, without '/', '+' or '#', followed by '/' and a valid filter).
   */
  public static SharedSubscription parse(String filter) {
    if (!isShared(filter)) {
      return null;
    }
    int start = Topics.SHARE_PREFIX.length();
    int slash = filter.indexOf('/', start);
    if (slash <= start) {
      return null;
    }
    String group = filter.substring(start, slash);
    if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
      return null;
    }
    String inner = filter.substring(slash + 1);
    if (!Topics.isValidFilter(inner)) {
      return null;
    }
    return new SharedSubscription(group, inner);
  }
}
