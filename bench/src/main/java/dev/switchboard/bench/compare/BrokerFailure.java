package dev.switchboard.bench.compare;

import java.io.IOException;

/**
 * A broker that failed a run: it did not start, died, delivered nothing or did not finish in time.
 * The message has the details (the log's tail); {@link #reason()} says it in a few words for the
 * comparison's table.
 */
public final class BrokerFailure extends IOException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  BrokerFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  BrokerFailure(String reason, IOException cause) {
    super(cause.getMessage(), cause);
    this.reason = reason;
  }

  /** A few words, e.g. "out of memory", "did not start", "delivered nothing". */
  public String reason() {
    return reason;
  }
}
