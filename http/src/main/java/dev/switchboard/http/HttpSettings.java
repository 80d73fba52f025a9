package dev.switchboard.http;

import java.time.Duration;

/**
 * How the HTTP server listens and what it accepts.
 *
 * @param bind the address both listeners bind (the MQTT listeners' bind rule: {@code 127.0.0.1}
 *     with {@code --dev})
 * @param httpPort the plain HTTP port; 0 for any free port, -1 for off
 * @param httpsPort the HTTPS port; 0 for any free port, -1 for off
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param sessionIdle how long an administrator's session lives without a request
 * @param metrics who may read {@code /metrics}
 */
public record HttpSettings(
    String bind,
    int httpPort,
    int httpsPort,
    long maxBodyBytes,
    Duration sessionIdle,
    MetricsAccess metrics) {

  /** A listener that is switched off. */
  public static final int OFF = -1;

  /** Who may read {@code /metrics}. */
  public enum MetricsAccess {
    /** Anyone who can reach the port. */
    ANYONE,
    /** Requests from a loopback address, and callers with an API key or session (the default). */
    LOOPBACK_AND_KEYS,
    /** Only callers with an API key or session. */
    KEYS
  }

  public HttpSettings {
    if (httpPort < OFF || httpPort > 65_535 || httpsPort < OFF || httpsPort > 65_535) {
      throw new IllegalArgumentException("an HTTP port must be 0 to 65535, or off");
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("http.max-body-size must be at least 1 byte");
    }
    sessionIdle = sessionIdle == null ? Duration.ofHours(8) : sessionIdle;
    metrics = metrics == null ? MetricsAccess.LOOPBACK_AND_KEYS : metrics;
  }

  /** The defaults: 8080 and 8443 on every interface, 1 MiB bodies. */
  public static HttpSettings defaults() {
    return new HttpSettings("0.0.0.0", 8080, 8443, 1 << 20, null, null);
  }

  /** For tests: loopback, free ports, HTTPS off. */
  public static HttpSettings loopback() {
    return new HttpSettings("127.0.0.1", 0, OFF, 1 << 20, null, null);
  }

  public HttpSettings withPorts(int http, int https) {
    return new HttpSettings(bind, http, https, maxBodyBytes, sessionIdle, metrics);
  }

  public HttpSettings withMaxBodyBytes(long bytes) {
    return new HttpSettings(bind, httpPort, httpsPort, bytes, sessionIdle, metrics);
  }

  public HttpSettings withMetrics(MetricsAccess access) {
    return new HttpSettings(bind, httpPort, httpsPort, maxBodyBytes, sessionIdle, access);
  }
}
