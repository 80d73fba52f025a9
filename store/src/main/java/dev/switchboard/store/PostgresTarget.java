package dev.switchboard.store;

/**
 * How a PostgreSQL URL is shown: host, port and database, never the query (it may hold a password).
 */
final class PostgresTarget {
  private PostgresTarget() {}

  /**
   * {@code jdbc:postgresql://db:5432/switchboard?password=x} becomes {@code
   * postgresql://db:5432/switchboard}.
   */
  static String of(String url) {
    String s = url == null ? "" : url;
    int query = s.indexOf('?');
    if (query >= 0) {
      s = s.substring(0, query);
    }
    if (s.startsWith("jdbc:")) {
      s = s.substring("jdbc:".length());
    }
    int scheme = s.indexOf("://");
    int at = s.indexOf('@');
    if (scheme >= 0 && at > scheme) {
      s = s.substring(0, scheme + 3) + s.substring(at + 1);
    }
    return s;
  }
}
