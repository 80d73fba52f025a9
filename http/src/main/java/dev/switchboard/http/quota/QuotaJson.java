package dev.switchboard.http.quota;

import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.DeviceUsage;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.HubQuotaCounters;
import dev.switchboard.hub.quota.QuotaLimits;
import dev.switchboard.hub.quota.Window;
import java.util.List;

/** The JSON shapes of quotas and their usage. */
final class QuotaJson {
  private QuotaJson() {}

  /** A hub's settings as {@code PUT .../quotas} takes them: an absent field is 0 (none). */
  record HubBody(
      Long measurerSize,
      Long maxMessageSize,
      Long perMinute,
      Long perHour,
      Long perDay,
      Long perMonth,
      Boolean disconnect) {}

  /** A device's own settings: an absent or null field follows its hub's. */
  record DeviceBody(
      Long maxMessageSize,
      Long perMinute,
      Long perHour,
      Long perDay,
      Long perMonth,
      Boolean disconnect) {}

  record Limits(
      long maxMessageSize,
      long perMinute,
      long perHour,
      long perDay,
      long perMonth,
      boolean disconnect) {
    static Limits of(QuotaLimits l) {
      return new Limits(
          l.maxMessageSize(), l.perMinute(), l.perHour(), l.perDay(), l.perMonth(), l.disconnect());
    }
  }

  record Refusals(long publishes, long deliveries, long disconnects) {
    static Refusals of(HubQuotaCounters c) {
      return c == null
          ? new Refusals(0, 0, 0)
          : new Refusals(c.publishesRefused.sum(), c.deliveriesDropped.sum(), c.disconnects.sum());
    }
  }

  record HubView(
      String hub,
      long measurerSize,
      long maxMessageSize,
      long perMinute,
      long perHour,
      long perDay,
      long perMonth,
      boolean disconnect,
      Refusals refusals) {
    static HubView of(HubQuota q, HubQuotaCounters counters) {
      QuotaLimits l = q.defaults();
      return new HubView(
          q.hub(),
          q.measurerSize(),
          l.maxMessageSize(),
          l.perMinute(),
          l.perHour(),
          l.perDay(),
          l.perMonth(),
          l.disconnect(),
          Refusals.of(counters));
    }
  }

  /** A window's count against its limit (0: none). */
  record WindowUsage(long used, long limit) {}

  record Windows(WindowUsage minute, WindowUsage hour, WindowUsage day, WindowUsage month) {}

  record UsageView(
      String clientId,
      boolean metered,
      Windows usage,
      long maxMessageSize,
      boolean disconnect,
      long refused,
      long dropped,
      long disconnects) {
    static UsageView of(DeviceUsage u) {
      QuotaLimits l = u.limits();
      return new UsageView(
          u.clientId(),
          u.metered(),
          new Windows(
              window(u, l, Window.MINUTE),
              window(u, l, Window.HOUR),
              window(u, l, Window.DAY),
              window(u, l, Window.MONTH)),
          l.maxMessageSize(),
          l.disconnect(),
          u.refused(),
          u.dropped(),
          u.disconnects());
    }

    private static WindowUsage window(DeviceUsage u, QuotaLimits l, Window w) {
      return new WindowUsage(u.used(w), l.limit(w));
    }
  }

  record UsagePage(List<UsageView> items, String nextCursor) {}

  /** A device's own settings (null: its hub's), its limits, and its usage. */
  record Own(
      Long maxMessageSize,
      Long perMinute,
      Long perHour,
      Long perDay,
      Long perMonth,
      Boolean disconnect) {
    static Own of(DeviceQuota q) {
      return new Own(
          q.maxMessageSize() == null ? null : (long) q.maxMessageSize(),
          q.perMinute(),
          q.perHour(),
          q.perDay(),
          q.perMonth(),
          q.disconnect());
    }
  }

  record DeviceView(String clientId, Own own, Limits limits, UsageView usage) {}

  record Snapshot(String at, String sort, List<UsageView> items) {}
}
