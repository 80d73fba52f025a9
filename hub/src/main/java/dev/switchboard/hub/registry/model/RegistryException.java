package dev.switchboard.hub.registry.model;

/**
 * A change the registry refuses because of what it holds: the device or hub is not there, its
 * client id or user name is taken, or the change would leave the registry without something it
 * needs. The message is one sentence naming the value, for the user who asked. Failures of the
 * database itself are {@link dev.switchboard.broker.persist.StoreException}s.
 */
public final class RegistryException extends RuntimeException {
  /** Why the change was refused. */
  public enum Kind {
    /** The device, hub or administrator it names does not exist. */
    NOT_FOUND,
    /** A device with that client id or user name, a hub or an administrator exists already. */
    EXISTS,
    /**
     * The change would remove what is still in use: a hub that has devices, the last server
     * administrator, hub {@code default}.
     */
    IN_USE,
    /** The hub is at one of its limits (its number of devices). */
    LIMIT
  }

  private final Kind kind;

  public RegistryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
