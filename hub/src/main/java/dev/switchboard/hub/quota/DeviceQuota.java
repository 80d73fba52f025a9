package dev.switchboard.hub.quota;

import java.util.Objects;

/**
 * A device's own quota: each field that is not null replaces its hub's default ({@link
 * HubQuota#defaults()}); null fields follow the hub's, also when the hub's change later.
 *
 * @param hub the device's hub
 * @param clientId the device's client id
 */
public record DeviceQuota(
    String hub,
    String clientId,
    Integer maxMessageSize,
    Long perMinute,
    Long perHour,
    Long perDay,
    Long perMonth,
    Boolean disconnect) {

  public DeviceQuota {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(clientId, "clientId");
    if (maxMessageSize != null) {
      QuotaLimits.size("maxMessageSize", maxMessageSize);
    }
    check("perMinute", perMinute);
    check("perHour", perHour);
    check("perDay", perDay);
    check("perMonth", perMonth);
  }

  private static void check(String field, Long value) {
    if (value != null) {
      QuotaLimits.count(field, value);
    }
  }

  /** A device that follows its hub in everything. */
  public static DeviceQuota followingHub(String hub, String clientId) {
    return new DeviceQuota(hub, clientId, null, null, null, null, null, null);
  }

  /** Whether it sets nothing of its own. */
  public boolean followsHub() {
    return maxMessageSize == null
        && perMinute == null
        && perHour == null
        && perDay == null
        && perMonth == null
        && disconnect == null;
  }

  /** Its limits over its hub's {@code defaults}. */
  public QuotaLimits over(QuotaLimits defaults) {
    return new QuotaLimits(
        maxMessageSize != null ? maxMessageSize : defaults.maxMessageSize(),
        perMinute != null ? perMinute : defaults.perMinute(),
        perHour != null ? perHour : defaults.perHour(),
        perDay != null ? perDay : defaults.perDay(),
        perMonth != null ? perMonth : defaults.perMonth(),
        disconnect != null ? disconnect : defaults.disconnect());
  }
}
