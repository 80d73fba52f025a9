package dev.switchboard.hub.quota;

/**
 * A device's count of one window as last saved, so that the day and month windows survive a
 * restart.
 *
 * @param windowStart when the window started, epoch milliseconds (UTC)
 * @param used messages counted in it
 */
public record SavedCounter(
    String hub, String clientId, Window window, long windowStart, long used) {}
