package dev.switchboard.hub.registry.model;

/**
 * A change the registry refuses because of what it holds: the device is not there, or its client id
 * or user name is taken. The message is one sentence naming the value, for the user who asked.
 * Failures of the database itself are {@link dev.switchboard.broker.persist.StoreException}s.
 */
public final class RegistryException extends RuntimeException {
  /** Why the change was refused. */
  public enum Kind {
    /** The device it names does not exist. */
    NOT_FOUND,
    /** A device with that client id, or that user name, exists already. */
    EXISTS
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
