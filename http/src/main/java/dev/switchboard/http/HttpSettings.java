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
 * @param streamBuffer messages buffered per live stream for a reader that falls behind
 * @param maxStreams live streams open at once over all callers; 0 for no limit
 * @param topicSampleRing entries of each event loop's ring of published topics (the topic tree's
 *     activity); 0 for none
 */
public record HttpSettings(
    String bind,
    int httpPort,
    int httpsPort,
    long maxBodyBytes,
    Duration sessionIdle,
    MetricsAccess metrics,
    int streamBuffer,
    int maxStreams,
    int topicSampleRing) {

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
    if (streamBuffer < 1 || streamBuffer > 1_000_000) {
      throw new IllegalArgumentException("http.stream-buffer must be 1 to 1000000");
    }
    if (maxStreams < 0) {
      throw new IllegalArgumentException("http.max-streams must be 0 (no limit) or more");
    }
    if (topicSampleRing < 0 || topicSampleRing > 1 << 20) {
      throw new IllegalArgumentException("http.topic-sample-ring must be 0 to 1048576");
    }
    sessionIdle = sessionIdle == null ? Duration.ofHours(8) : sessionIdle;
    metrics = metrics == null ? MetricsAccess.LOOPBACK_AND_KEYS : metrics;
  }

  /** The settings every default but the listeners' takes. */
  public HttpSettings(
      String bind,
      int httpPort,
      int httpsPort,
      long maxBodyBytes,
      Duration sessionIdle,
      MetricsAccess metrics) {
    this(bind, httpPort, httpsPort, maxBodyBytes, sessionIdle, metrics, 1000, 1000, 4096);
  }

  /** The defaults: 8080 and 8443 on every interface, 1 MiB bodies. */
  public static HttpSettings defaults() {
    return new HttpSettings("0.0.0.0", 8080, 8443, 1 << 20, null, null);
  }

  /** For tests: loopback, free ports, HTTPS off. */
  public static HttpSettings loopback() {
    return new HttpSettings("127.0.0.1", 0, OFF, 1 << 20, null, null);
  }

  /** Whether neither listener is on. */
  public boolean off() {
    return httpPort == OFF && httpsPort == OFF;
  }

  public HttpSettings withPorts(int http, int https) {
    return new HttpSettings(
        bind,
        http,
        https,
        maxBodyBytes,
        sessionIdle,
        metrics,
        streamBuffer,
        maxStreams,
        topicSampleRing);
  }

  public HttpSettings withMaxBodyBytes(long bytes) {
    return new HttpSettings(
        bind,
        httpPort,
        httpsPort,
        bytes,
        sessionIdle,
        metrics,
        streamBuffer,
        maxStreams,
        topicSampleRing);
  }

  public HttpSettings withMetrics(MetricsAccess access) {
    return new HttpSettings(
        bind,
        httpPort,
        httpsPort,
        maxBodyBytes,
        sessionIdle,
        access,
        streamBuffer,
        maxStreams,
        topicSampleRing);
  }

  public HttpSettings withStreams(int buffer, int max) {
    return new HttpSettings(
        bind,
        httpPort,
        httpsPort,
        maxBodyBytes,
        sessionIdle,
        metrics,
        buffer,
        max,
        topicSampleRing);
  }
}
