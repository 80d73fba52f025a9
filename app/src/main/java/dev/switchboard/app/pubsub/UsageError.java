package dev.switchboard.app.pubsub;

/** Bad usage, found after picocli's parsing: one line, then exit 1. */
final class UsageError extends Exception {
  UsageError(String message) {
    super(message, null, false, false);
  }
}
