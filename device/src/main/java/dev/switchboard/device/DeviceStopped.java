package dev.switchboard.device;

/**
 * Thrown into a firmware's threads when its device stops, aborts or restarts, so that whatever the
 * firmware was doing unwinds (an {@code Error}, so that a firmware's {@code catch (Exception e)}
 * does not keep a stopped device running). Never seen outside a firmware's own threads.
 */
public final class DeviceStopped extends Error {
  DeviceStopped(String message) {
    super(message, null, false, false);
  }
}
