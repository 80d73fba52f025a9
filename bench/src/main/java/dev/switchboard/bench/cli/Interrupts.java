package dev.switchboard.bench.cli;

import sun.misc.Signal;

/** Ctrl-C and SIGTERM end a run early and still print its figures. */
final class Interrupts {
  private Interrupts() {}

  static void onInterrupt(Runnable action) {
    Signal.handle(new Signal("INT"), s -> action.run());
    Signal.handle(new Signal("TERM"), s -> action.run());
  }
}
