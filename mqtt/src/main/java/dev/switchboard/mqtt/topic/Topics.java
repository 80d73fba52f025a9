package dev.switchboard.mqtt.topic;

/**
 * Topic Name and Topic Filter rules (MQTT 3.1.1 section 4.7, MQTT 5.0 section 4.7 and 4.8.2). The
 * codec has already rejected ill-formed UTF-8 and U+0000; these rules are about levels and
 * wildcards.
 */
public final class Topics {
  public static final String SHARE_PREFIX = "$share/";

  private Topics() {}

  /** [MQTT-4.7.3-1] at least one character; [MQTT-3.3.2-2] no wildcard characters. */
  public static boolean isValidName(String topic) {
    if (topic == null || topic.isEmpty()) {
      return false;
    }
    for (int i = 0, n = topic.length(); i < n; i++) {
      char c = topic.charAt(i);
      if (c == '+' || c == '#') {
        return false;
      }
    }
    return true;
  }

  /**
   * [MQTT-4.7.1-2] '#' alone in the last level; [MQTT-4.7.1-3] '+' alone in its level;
   * [MQTT-4.7.3-1] at least one character. Shared subscriptions are checked by {@link
   * SharedSubscription#parse}.
   */
  public static boolean isValidFilter(String filter) {
    if (filter == null || filter.isEmpty()) {
      return false;
    }
    int n = filter.length();
    for (int i = 0; i < n; i++) {
      char c = filter.charAt(i);
      if (c == '#') {
        boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
        if (!levelStart || i != n - 1) {
          return false;
        }
      } else if (c == '+') {
        boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
        boolean levelEnd = i == n - 1 || filter.charAt(i + 1) == '/';
        if (!levelStart || !levelEnd) {
          return false;
        }
      }
    }
    return true;
  }

  public static boolean hasWildcard(String filter) {
    return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
  }

  /**
   * Whether {@code topic} (a valid name) matches {@code filter} (a valid, non-shared filter).
   * [MQTT-4.7.2-1]: a filter starting with a wildcard does not match a topic starting with '$'.
   */
  public static boolean matches(String filter, String topic) {
    if (!topic.isEmpty()
        && topic.charAt(0) == '$'
        && !filter.isEmpty()
        && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
      return false;
    }
    int fi = 0;
    int ti = 0;
    int fn = filter.length();
    int tn = topic.length();
    while (fi < fn) {
      char fc = filter.charAt(fi);
      if (fc == '#') {
        return true; // matches the parent level and everything below [MQTT-4.7.1-2]
      }
      if (fc == '+') {
        // skip one topic level
        while (ti < tn && topic.charAt(ti) != '/') {
          ti++;
        }
        fi++;
      } else {
        // literal level: compare up to the next '/'
        while (fi < fn && filter.charAt(fi) != '/') {
          if (ti >= tn || topic.charAt(ti) != filter.charAt(fi)) {
            return false;
          }
          fi++;
          ti++;
        }
        if (ti < tn && topic.charAt(ti) != '/') {
          return false;
        }
      }
      // both at a separator or at the end
      if (fi == fn) {
        return ti == tn;
      }
      // filter has '/'
      if (ti == tn) {
        // "a/#" matches "a": the filter's remaining part must be exactly "/#"
        return fi + 2 == fn && filter.charAt(fi + 1) == '#';
      }
      fi++;
      ti++;
    }
    return ti == tn;
  }
}
