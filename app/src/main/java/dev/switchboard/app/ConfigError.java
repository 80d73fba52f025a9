package dev.switchboard.app;

/** A configuration problem the user can fix; its message is the one line we print. */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message);
  }
}
