package dev.switchboard.broker.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The acknowledgement (PUBACK or PUBREC) of one QoS 1/2 message, held by the route targets that
 * sent copies of it beyond this node until those copies are safe there: the publisher is told its
 * message is safe only once every hold is released. A target takes its holds through {@link
 * PublisherAcknowledgement#hold()} while it routes the message, and releases each once, on any
 * thread; {@link #fail} instead refuses the acknowledgement (the copy could not be sent).
 *
 * <p>Made only when a target asks for it, one per message. The publisher's own share keeps it held
 * until the publisher listens ({@link #whenReleased}), so a target that releases at once cannot
 * complete it before anyone listens.
 */
public final class AcknowledgementHold {
  /**
   * What the publisher does once the hold is settled; called once, on the last releaser's thread.
   */
  public interface Outcome {
    /** Every hold was released: the message is safe wherever it was sent. */
    void released();

    /** A target could not keep a copy safe ({@code why}, for the publisher and the log). */
    void failed(String why);
  }

  /** The targets' holds, plus the publisher's own until it listens. */
  private final AtomicInteger holds = new AtomicInteger(1);

  private volatile String failure;
  private volatile Outcome outcome;

  /** Made by the publisher's side of the seam ({@link PublisherAcknowledgement}). */
  public AcknowledgementHold() {}

  /** One more hold, released by one call of {@link #release} or {@link #fail}. */
  public AcknowledgementHold hold() {
    holds.incrementAndGet();
    return this;
  }

  /** Releases one hold: the copy it stood for is safe, or nobody is left to deliver it to. */
  public void release() {
    if (holds.decrementAndGet() == 0) {
      settle();
    }
  }

  /**
   * Releases one hold and refuses the acknowledgement: the copy it stood for was dropped, so the
   * publisher must not be told its message is safe. The first reason is kept.
   */
  public void fail(String why) {
    if (failure == null) {
      failure = why;
    }
    release();
  }

  /**
   * Runs {@code outcome} once every hold is released (at once, on this thread, when they all are
   * already), dropping the publisher's own share; called once, by the publisher.
   */
  public void whenReleased(Outcome outcome) {
    this.outcome = outcome;
    release();
  }

  private void settle() {
    String why = failure;
    if (why == null) {
      outcome.released();
    } else {
      outcome.failed(why);
    }
  }
}
