package dev.switchboard.hub.quota;

/**
 * A quota setting refused: negative, past the most a quota may be, or naming what does not exist.
 * Names the field at fault as the REST API and the command line show it ({@code perMinute}).
 */
public final class InvalidQuota extends IllegalArgumentException {
  private final String field;

  public InvalidQuota(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The setting at fault: {@code measurerSize}, {@code maxMessageSize}, {@code perDay}... */
  public String field() {
    return field;
  }
}
