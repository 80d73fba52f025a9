package dev.switchboard.hub.quota;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a hub's quotas refused, in all its devices, since the server started: for {@code /metrics}
 * (a {@code hub} label, never a device's) and the hub's statistics.
 */
public final class HubQuotaCounters {
  /** PUBLISHes refused at a limit (MQTT 5.0: 0x97; 3.1.x: dropped). */
  public final LongAdder publishesRefused = new LongAdder();

  /** Deliveries dropped at a limit of their subscriber's device. */
  public final LongAdder deliveriesDropped = new LongAdder();

  /** Connections ended at a limit (devices that are to be disconnected instead). */
  public final LongAdder disconnects = new LongAdder();
}
