package dev.switchboard.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@DisplayName("Interrupts: Ctrl-C ends a run, and the handlers before it are put back")
class InterruptsTest {
  @Test
  @DisplayName(
      "while open, SIGINT runs the run's action, not the handler before; closed, it is back")
  void handlersLastForOneRun() {
    AtomicInteger outside = new AtomicInteger();
    AtomicInteger run = new AtomicInteger();
    SignalHandler original = Signal.handle(new Signal("INT"), s -> outside.incrementAndGet());
    try {
      assumeFalse(
          original == SignalHandler.SIG_IGN,
          "SIGINT is ignored in this process (started in the background by a shell without job"
              + " control): no Ctrl-C can reach it");
      try (Interrupts interrupts = Interrupts.onInterrupt(run::incrementAndGet)) {
        Signal.raise(new Signal("INT"));
        awaitValue(run, 1);
        assertThat(outside).as("the handler before, during the run").hasValue(0);
      }
      Signal.raise(new Signal("INT"));
      awaitValue(outside, 1);
      assertThat(run).as("the run's action, after the run").hasValue(1);
    } finally {
      Signal.handle(new Signal("INT"), original);
    }
  }

  /**
   * Waits up to 10 s for {@code n} to reach {@code value}: signal handlers run on a thread of their
   * own.
   */
  private static void awaitValue(AtomicInteger n, int value) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (n.get() != value && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
