package dev.switchboard.http;

/** Whether the server can serve: {@code /health/ready} answers 503 with the reason when not. */
@FunctionalInterface
public interface Readiness {
  /**
   * Null when ready; otherwise one line saying why not (the store failing, the server stopping).
   */
  String notReadyBecause();
}
