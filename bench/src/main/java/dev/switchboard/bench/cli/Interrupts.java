package dev.switchboard.bench.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM end a run early and still print its figures. The handlers last for one run:
 * closing puts the previous ones back, so a command run inside a longer-lived JVM (the tests, say)
 * does not leave that JVM unable to stop on SIGTERM.
 */
final class Interrupts implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private Interrupts() {}

  static Interrupts onInterrupt(Runnable action) {
    Interrupts i = new Interrupts();
    for (String name : List.of("INT", "TERM")) {
      Signal signal = new Signal(name);
      try {
        i.previous.add(Signal.handle(signal, s -> action.run()));
        i.signals.add(signal);
      } catch (IllegalArgumentException e) {
        // The JVM keeps this signal for itself (-Xrs, say): the run can still end by its duration.
      }
    }
    return i;
  }

  @Override
  public void close() {
    for (int k = 0; k < signals.size(); k++) {
      Signal.handle(signals.get(k), previous.get(k));
    }
  }
}
