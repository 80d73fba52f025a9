package dev.switchboard.hub.quota;

/**
 * A device's usage of each window against its limits, as the quota inspector shows it.
 *
 * @param metered whether a meter counts for it on this server (it has a limit, or had one since the
 *     server started); an unmetered device shows its saved day and month counts only
 * @param limits its limits (its own over its hub's)
 * @param used messages counted in the current minute, hour, day and month, in {@link Window} order
 * @param refused PUBLISHes it sent that a limit refused, since the server started
 * @param dropped deliveries to it that a limit dropped, since the server started
 * @param disconnects connections of it a limit ended, since the server started
 */
public record DeviceUsage(
    String hub,
    String clientId,
    boolean metered,
    QuotaLimits limits,
    long[] used,
    long refused,
    long dropped,
    long disconnects) {

  /** Messages counted in the current {@code window}. */
  public long used(Window window) {
    return used[window.ordinal()];
  }
}
