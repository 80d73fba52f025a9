package dev.switchboard.device;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a fleet's devices did, counted from their clients' events: clients connected now, messages
 * (PUBLISHED and DATA events), reconnections, errors (ERROR events), and devices that stopped on an
 * error of their own.
 */
public final class DeviceCounters {
  final LongAdder connected = new LongAdder();
  final LongAdder messages = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder aborted = new LongAdder();

  public long connected() {
    return connected.sum();
  }

  public long messages() {
    return messages.sum();
  }

  public long reconnects() {
    return reconnects.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public long aborted() {
    return aborted.sum();
  }
}
