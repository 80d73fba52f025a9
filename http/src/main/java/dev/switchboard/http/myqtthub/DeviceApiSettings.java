package dev.switchboard.http.myqtthub;

import java.time.Duration;

/**
 * How the MyQttHub-compatible device API keeps its logins.
 *
 * @param sessionIdle how long a login lives without a request; then its MQTT session is offline, as
 *     after a lost connection (kept when it logged in with {@code cleanSession: false})
 * @param tokenLifetime how long a token is valid at most, used or not (MyQttHub's last about a day)
 * @param pullBuffer messages handed to a login and not yet pulled; past it they wait in the
 *     session's queue (with its bounds), as for a slow MQTT reader
 */
public record DeviceApiSettings(Duration sessionIdle, Duration tokenLifetime, int pullBuffer) {

  public DeviceApiSettings {
    if (sessionIdle == null || sessionIdle.isNegative() || sessionIdle.isZero()) {
      throw new IllegalArgumentException("http.device-api.session-idle must be above 0");
    }
    if (tokenLifetime == null || tokenLifetime.isNegative() || tokenLifetime.isZero()) {
      throw new IllegalArgumentException("http.device-api.token-lifetime must be above 0");
    }
    if (pullBuffer < 1 || pullBuffer > 65_535) {
      throw new IllegalArgumentException("http.device-api.pull-buffer must be 1 to 65535");
    }
  }

  /** 10 minutes idle, a day's token, 1000 messages waiting to be pulled. */
  public static DeviceApiSettings defaults() {
    return new DeviceApiSettings(Duration.ofMinutes(10), Duration.ofDays(1), 1000);
  }
}
