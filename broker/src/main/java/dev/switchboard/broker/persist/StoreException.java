package dev.switchboard.broker.persist;

/** A store operation failed; {@link #kind()} says how, the message says what and where. */
public final class StoreException extends RuntimeException {

  /** How a store operation failed. */
  public enum Kind {
    /** The disk or the database is full. */
    FULL,
    /** The file or directory cannot be written. */
    READ_ONLY,
    /** The file is damaged: not a database, truncated, or failing its integrity check. */
    CORRUPT,
    /** The database cannot be reached (PostgreSQL down, connection refused, bad credentials). */
    UNAVAILABLE,
    /** Its schema is newer than this version knows. */
    INCOMPATIBLE,
    /** Anything else. */
    OTHER
  }

  private final Kind kind;

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
