package dev.switchboard.hub.quota;

import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What can be done with quotas, for the REST API and the command line alike: a hub's settings and a
 * device's own limits (in the registry, {@link QuotaRepository}), the usage of every device of a
 * hub (live from the running server's {@link QuotaBook}; without one, from the day and month counts
 * last saved), and resetting a device's counts.
 */
public final class Quotas {
  /** How the inspector's list may be ordered: by client id, or heaviest first by a count. */
  public enum Sort {
    CLIENT_ID,
    MINUTE,
    HOUR,
    DAY,
    MONTH,
    REFUSED,
    DROPPED;

    /** Its name in the API: {@code clientId}, {@code minute}, ..., {@code dropped}. */
    public String key() {
      return this == CLIENT_ID ? "clientId" : name().toLowerCase(Locale.ROOT);
    }

    /** The sort of that key. */
    public static Sort of(String key) {
      for (Sort s : values()) {
        if (s.key().equals(key)) {
          return s;
        }
      }
      throw new InvalidQuota(
          "sort",
          "sort is clientId, minute, hour, day, month, refused or dropped, not '" + key + "'");
    }

    /** The figure it orders by, largest first; 0 for {@link #CLIENT_ID}. */
    public long rank(DeviceUsage u) {
      return switch (this) {
        case CLIENT_ID -> 0;
        case MINUTE -> u.used(Window.MINUTE);
        case HOUR -> u.used(Window.HOUR);
        case DAY -> u.used(Window.DAY);
        case MONTH -> u.used(Window.MONTH);
        case REFUSED -> u.refused();
        case DROPPED -> u.dropped();
      };
    }
  }

  private final RegistryRepository registry;
  private final QuotaRepository repository;
  private final QuotaBook book;
  private final Clock clock;

  /**
   * @param book the running server's quotas; null for the command line, which reads the saved
   *     counts
   */
  public Quotas(
      RegistryRepository registry, QuotaRepository repository, QuotaBook book, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.book = book;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A hub's settings; refused for a hub that does not exist. */
  public HubQuota hubQuota(String hub) {
    return repository.hubQuota(hub);
  }

  /** Replaces a hub's settings (the running server applies them at once). */
  public HubQuota setHubQuota(HubQuota quota) {
    repository.setHubQuota(quota);
    changed();
    return quota;
  }

  /** A device's own settings (all null: it follows its hub); refused for an unknown device. */
  public DeviceQuota deviceQuota(String hub, String clientId) {
    device(hub, clientId);
    return repository.deviceQuota(hub, clientId).orElse(DeviceQuota.followingHub(hub, clientId));
  }

  /** A device's limits: its own over its hub's. */
  public QuotaLimits limitsOf(String hub, String clientId) {
    return deviceQuota(hub, clientId).over(hubQuota(hub).defaults());
  }

  /** Replaces a device's own settings; refused for an unknown device. */
  public DeviceQuota setDeviceQuota(DeviceQuota quota) {
    device(quota.hub(), quota.clientId());
    repository.setDeviceQuota(quota);
    changed();
    return quota;
  }

  /** Starts a device's every window from zero; refused for an unknown device. */
  public void reset(String hub, String clientId) {
    device(hub, clientId);
    if (book != null) {
      book.reset(hub, clientId);
    } else {
      repository.deleteCounters(hub, clientId);
    }
  }

  /** One device's usage; refused for an unknown device. */
  public DeviceUsage usage(String hub, String clientId) {
    device(hub, clientId);
    return usage(hub, List.of(clientId), book != null ? Map.of() : savedOf(hub)).get(0);
  }

  /**
   * The usage of every device of {@code hub} whose client id starts with {@code prefix} (null:
   * all), in {@code sort}'s order (ties, and {@link Sort#CLIENT_ID}, by client id).
   */
  public List<DeviceUsage> usage(String hub, String prefix, Sort sort) {
    if (registry.hub(hub).isEmpty()) {
      throw new RegistryException(
          RegistryException.Kind.NOT_FOUND, "hub '" + hub + "' does not exist");
    }
    List<String> ids = new ArrayList<>();
    for (Device d : registry.devices(hub)) {
      if (prefix == null || d.clientId().startsWith(prefix)) {
        ids.add(d.clientId());
      }
    }
    List<DeviceUsage> all = usage(hub, ids, book != null ? Map.of() : savedOf(hub));
    Comparator<DeviceUsage> byId = Comparator.comparing(DeviceUsage::clientId);
    all.sort(
        sort == Sort.CLIENT_ID
            ? byId
            : Comparator.comparingLong((DeviceUsage u) -> -sort.rank(u)).thenComparing(byId));
    return all;
  }

  private List<DeviceUsage> usage(String hub, List<String> ids, Map<String, long[]> saved) {
    HubQuota hubQuota = book != null ? book.hubQuota(hub) : hubQuota(hub);
    Map<String, DeviceQuota> own = new HashMap<>();
    if (book == null) {
      for (DeviceQuota q : repository.deviceQuotas()) {
        if (q.hub().equals(hub)) {
          own.put(q.clientId(), q);
        }
      }
    }
    List<DeviceUsage> list = new ArrayList<>(ids.size());
    for (String id : ids) {
      DeviceMeter m = book == null ? null : book.meter(hub, id);
      if (m != null) {
        list.add(m.usage());
        continue;
      }
      QuotaLimits limits;
      if (book != null) {
        limits = book.limitsOf(hub, id);
      } else {
        DeviceQuota q = own.get(id);
        limits = q == null ? hubQuota.defaults() : q.over(hubQuota.defaults());
      }
      long[] used = saved.getOrDefault(id, new long[Window.ALL.length]);
      list.add(new DeviceUsage(hub, id, false, limits, used, 0, 0, 0));
    }
    return list;
  }

  /** The day and month counts saved for the windows still running, by client id. */
  private Map<String, long[]> savedOf(String hub) {
    Map<String, long[]> byId = new HashMap<>();
    long now = clock.millis();
    for (SavedCounter c : repository.savedCounters()) {
      if (c.hub().equals(hub) && c.window().start(now) == c.windowStart()) {
        byId.computeIfAbsent(c.clientId(), k -> new long[Window.ALL.length])[c.window().ordinal()] =
            c.used();
      }
    }
    return byId;
  }

  private Device device(String hub, String clientId) {
    return registry
        .device(hub, clientId)
        .orElseThrow(
            () ->
                new RegistryException(
                    RegistryException.Kind.NOT_FOUND,
                    "device '"
                        + clientId
                        + "' does not exist"
                        + (Hub.DEFAULT.equals(hub) ? "" : " in hub '" + hub + "'")));
  }

  private void changed() {
    if (book != null) {
      book.poll();
    }
  }
}
