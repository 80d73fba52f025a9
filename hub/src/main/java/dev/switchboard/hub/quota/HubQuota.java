package dev.switchboard.hub.quota;

import java.util.Objects;

/**
 * A hub's quota settings: its message measurer size and the limits every device of the hub has
 * unless its own say otherwise.
 *
 * @param hub the hub
 * @param measurerSize MyQttHub's "message measurer size": a message of {@code n} bytes counts as
 *     {@code ceil(n / measurerSize)} messages (at least one); 0 counts every message as one
 * @param defaults the limits of its devices
 */
public record HubQuota(String hub, int measurerSize, QuotaLimits defaults) {

  public HubQuota {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(defaults, "defaults");
    QuotaLimits.size("measurerSize", measurerSize);
  }

  /** A hub that has set nothing: every message counts as one, no limits. */
  public static HubQuota none(String hub) {
    return new HubQuota(hub, 0, QuotaLimits.NONE);
  }

  /** How many messages a payload of {@code bytes} counts as. */
  public long units(int bytes) {
    return units(bytes, measurerSize);
  }

  static long units(int bytes, int measurer) {
    if (measurer <= 0 || bytes <= measurer) {
      return 1;
    }
    return (bytes + (long) measurer - 1) / measurer;
  }
}
