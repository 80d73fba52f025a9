package dev.switchboard.broker.metrics;

import java.util.function.BiConsumer;

/**
 * Figures of something beside the engine (the cluster's, for one) that the broker publishes with
 * its own {@code $SYS/broker/...} figures, in the default hub only, every {@code sys.interval}.
 * Registered with {@code Broker.addSysFigures}; the broker knows only names and values.
 */
@FunctionalInterface
public interface SysFigures {
  /**
   * Gives each figure to {@code figure}: its name under {@code $SYS/broker/} ({@code
   * cluster/nodes/up}) and its value, written as text. Called on one of the broker's event loops:
   * it must not block.
   */
  void report(BiConsumer<String, Object> figure);
}
