package dev.switchboard.hub.quota;

import dev.switchboard.broker.auth.DeliveryBudget;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * One device's quota at work: its limits (replaced when the registry changes), its count in each
 * window, and what was refused. One per device, shared by all its connections (MQTT and HTTP
 * logins, on any event loop): charging is lock-free and allocates nothing. What it publishes and
 * what is delivered to it count alike (MyQttHub counts relayed messages too).
 */
public final class DeviceMeter implements DeliveryBudget {
  private final String hub;
  private final String clientId;
  private final Clock clock;
  private final HubQuotaCounters hubCounters;
  private final WindowCounter[] windows = new WindowCounter[Window.ALL.length];
  private final LongAdder refused = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder disconnects = new LongAdder();

  /** Its limits and its hub's measurer, replaced whole. */
  private volatile Terms terms;

  /** A device's limits and its hub's measurer size. */
  record Terms(QuotaLimits limits, int measurerSize) {}

  DeviceMeter(String hub, String clientId, Clock clock, HubQuotaCounters hubCounters, Terms terms) {
    this.hub = hub;
    this.clientId = clientId;
    this.clock = clock;
    this.hubCounters = hubCounters;
    this.terms = terms;
    for (Window w : Window.ALL) {
      windows[w.ordinal()] = new WindowCounter(w);
    }
  }

  public String hub() {
    return hub;
  }

  public String clientId() {
    return clientId;
  }

  QuotaLimits limits() {
    return terms.limits();
  }

  void terms(Terms next) {
    terms = next;
  }

  WindowCounter counter(Window w) {
    return windows[w.ordinal()];
  }

  /**
   * Charges a PUBLISH of {@code payloadBytes} from the device: {@link #ADMIT}; {@link #DROP} when
   * it is over the largest message or a window's limit (refused, not counted); {@link #DISCONNECT}
   * for the same when the device is to be disconnected instead.
   */
  public int chargePublish(int payloadBytes) {
    Terms t = terms;
    int largest = t.limits().maxMessageSize();
    if ((largest > 0 && payloadBytes > largest) || !charge(t, payloadBytes)) {
      refused.increment();
      hubCounters.publishesRefused.increment();
      return atLimit(t);
    }
    return ADMIT;
  }

  @Override
  public int chargeDelivery(int payloadBytes) {
    Terms t = terms;
    if (charge(t, payloadBytes)) {
      return ADMIT;
    }
    dropped.increment();
    hubCounters.deliveriesDropped.increment();
    return atLimit(t);
  }

  private int atLimit(Terms t) {
    if (t.limits().disconnect()) {
      disconnects.increment();
      hubCounters.disconnects.increment();
      return DISCONNECT;
    }
    return DROP;
  }

  /**
   * Counts the message in every window, or in none when one is at its limit (the windows counted
   * before that one take it back, from the window they counted it in).
   */
  private boolean charge(Terms t, int payloadBytes) {
    long units = HubQuota.units(payloadBytes, t.measurerSize());
    long now = clock.millis();
    QuotaLimits limits = t.limits();
    long minute = windows[0].tryAdd(units, limits.perMinute(), now);
    if (minute == Long.MIN_VALUE) {
      return false;
    }
    long hour = windows[1].tryAdd(units, limits.perHour(), now);
    if (hour == Long.MIN_VALUE) {
      windows[0].takeBack(units, minute);
      return false;
    }
    long day = windows[2].tryAdd(units, limits.perDay(), now);
    if (day == Long.MIN_VALUE) {
      windows[0].takeBack(units, minute);
      windows[1].takeBack(units, hour);
      return false;
    }
    if (windows[3].tryAdd(units, limits.perMonth(), now) == Long.MIN_VALUE) {
      windows[0].takeBack(units, minute);
      windows[1].takeBack(units, hour);
      windows[2].takeBack(units, day);
      return false;
    }
    return true;
  }

  /** Its usage now, for the inspector. */
  public DeviceUsage usage() {
    long now = clock.millis();
    long[] used = new long[windows.length];
    for (int i = 0; i < windows.length; i++) {
      used[i] = windows[i].used(now);
    }
    return new DeviceUsage(
        hub, clientId, true, terms.limits(), used, refused.sum(), dropped.sum(), disconnects.sum());
  }

  /** Starts every window from zero (an administrator's reset). */
  void reset() {
    for (WindowCounter w : windows) {
      w.reset();
    }
  }
}
