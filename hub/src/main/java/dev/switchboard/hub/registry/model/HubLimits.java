package dev.switchboard.hub.registry.model;

/**
 * What one hub may use of the server (a MyQttHub plan). Zero means no limit of the hub's own: the
 * server's limits still apply.
 *
 * @param devices devices in the registry
 * @param connections connections at once
 * @param messageSize bytes in one PUBLISH packet
 * @param retainedMessages retained messages at once
 * @param queuedMessages messages queued for one session
 */
public record HubLimits(
    int devices, int connections, int messageSize, int retainedMessages, int queuedMessages) {

  /** No limit of the hub's own. */
  public static final HubLimits NONE = new HubLimits(0, 0, 0, 0, 0);

  public HubLimits {
    nonNegative("devices", devices);
    nonNegative("connections", connections);
    nonNegative("message size", messageSize);
    nonNegative("retained messages", retainedMessages);
    nonNegative("queued messages", queuedMessages);
  }

  private static void nonNegative(String what, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "the " + what + " limit must be 0 (none) or more, not " + value);
    }
  }
}
