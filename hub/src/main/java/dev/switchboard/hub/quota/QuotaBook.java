package dev.switchboard.hub.quota;

import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.hub.auth.DeliveryBudgets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quotas of a running server: every metered device's {@link DeviceMeter}, the settings read
 * from the registry (again whenever its version moves, polled by a daemon thread, so that {@code
 * switchboard quotas set} in another process or the REST API applies within the poll interval), and
 * the saving of the day and month counts, so that they survive a restart: at the save interval and
 * at {@link #close()}, on that thread, never on an event loop; at start the counts saved for the
 * windows still running are restored. A {@code kill -9} loses what was counted since the last save.
 */
public final class QuotaBook implements DeliveryBudgets, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuotaBook.class);

  private static final Window[] SAVED = {Window.DAY, Window.MONTH};

  private final QuotaRepository repository;
  private final Clock clock;
  private final ConcurrentHashMap<Key, DeviceMeter> meters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, HubQuotaCounters> counters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Object saving = new Object();
  private volatile Settings settings;
  private volatile Runnable onChange = () -> {};
  private boolean pollFailing; // timer thread only
  private boolean saveFailing; // under saving

  private record Key(String hub, String clientId) {}

  /** The registry's quota settings at one version. */
  private record Settings(long version, Map<String, HubQuota> hubs, Map<Key, DeviceQuota> devices) {
    /** Whether any hub or device has any limit. */
    boolean limitAnywhere() {
      for (HubQuota h : hubs.values()) {
        if (h.defaults().limitsAnything()) {
          return true;
        }
      }
      for (DeviceQuota d : devices.values()) {
        if (d.over(hub(d.hub()).defaults()).limitsAnything()) {
          return true;
        }
      }
      return false;
    }

    HubQuota hub(String name) {
      HubQuota q = hubs.get(name);
      return q == null ? HubQuota.none(name) : q;
    }

    DeviceMeter.Terms terms(String hub, String clientId) {
      HubQuota h = hub(hub);
      DeviceQuota own = devices.get(new Key(hub, clientId));
      return new DeviceMeter.Terms(
          own == null ? h.defaults() : own.over(h.defaults()), h.measurerSize());
    }
  }

  private QuotaBook(QuotaRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quota-book");
              t.setDaemon(true);
              return t;
            });
    this.settings = read();
  }

  /**
   * Reads the settings and the saved counters now, then polls the settings every {@code poll} and
   * saves the day and month counts every {@code save}.
   */
  public static QuotaBook open(
      QuotaRepository repository, Clock clock, Duration poll, Duration save) {
    QuotaBook book = new QuotaBook(Objects.requireNonNull(repository, "repository"), clock);
    book.restore();
    long pollEvery = Math.max(1, poll.toMillis());
    long saveEvery = Math.max(1, save.toMillis());
    book.timer.scheduleWithFixedDelay(book::poll, pollEvery, pollEvery, TimeUnit.MILLISECONDS);
    book.timer.scheduleWithFixedDelay(book::save, saveEvery, saveEvery, TimeUnit.MILLISECONDS);
    return book;
  }

  /**
   * Whether any hub or device has any limit now: without one, a server need not look at any PUBLISH
   * (the quota interceptor can leave the chain).
   */
  public boolean limitAnywhere() {
    return settings.limitAnywhere();
  }

  /** Runs {@code action} after every change of the settings it reads (on the reading thread). */
  public void onChange(Runnable action) {
    this.onChange = Objects.requireNonNull(action, "action");
  }

  /** The meter of a device that has a limit (made on first use); null for one without. */
  @Override
  public DeliveryBudget budgetFor(String hub, String clientId) {
    DeviceMeter.Terms terms = settings.terms(hub, clientId);
    if (!terms.limits().limitsAnything()) {
      return null; // costs its deliveries and publishes nothing
    }
    return meterOf(hub, clientId, terms);
  }

  private DeviceMeter meterOf(String hub, String clientId, DeviceMeter.Terms terms) {
    return meters.computeIfAbsent(
        new Key(hub, clientId), k -> new DeviceMeter(hub, clientId, clock, countersOf(hub), terms));
  }

  /** The device's meter, if it has had one since the server started; null otherwise. */
  public DeviceMeter meter(String hub, String clientId) {
    return meters.get(new Key(hub, clientId));
  }

  /** The hub's settings as the server applies them now. */
  public HubQuota hubQuota(String hub) {
    return settings.hub(hub);
  }

  /** A device's limits as the server applies them now (its own over its hub's). */
  public QuotaLimits limitsOf(String hub, String clientId) {
    return settings.terms(hub, clientId).limits();
  }

  /** What the hub's quotas refused since start (made on first use). */
  public HubQuotaCounters countersOf(String hub) {
    return counters.computeIfAbsent(hub, h -> new HubQuotaCounters());
  }

  /** Every hub's refusals that has had any meter, by hub. */
  public Map<String, HubQuotaCounters> counters() {
    return Map.copyOf(counters);
  }

  /** Reads the settings again when the registry moved; every meter gets its new limits. */
  public void poll() {
    try {
      if (repository.version() == settings.version()) {
        pollRecovered();
        return;
      }
      Settings next = read();
      settings = next;
      meters.forEach((k, m) -> m.terms(next.terms(k.hub(), k.clientId())));
      pollRecovered();
      onChange.run();
    } catch (RuntimeException e) {
      if (!pollFailing) {
        pollFailing = true;
        log.warn("quota settings cannot be read; keeping those read last ({})", e.getMessage());
      }
    }
  }

  private void pollRecovered() {
    if (pollFailing) {
      pollFailing = false;
      log.info("quota settings readable again");
    }
  }

  private Settings read() {
    long version = repository.version();
    Map<String, HubQuota> hubs = new HashMap<>();
    for (HubQuota q : repository.hubQuotas()) {
      hubs.put(q.hub(), q);
    }
    Map<Key, DeviceQuota> devices = new HashMap<>();
    for (DeviceQuota q : repository.deviceQuotas()) {
      devices.put(new Key(q.hub(), q.clientId()), q);
    }
    return new Settings(version, Map.copyOf(hubs), Map.copyOf(devices));
  }

  /** The counts saved for the day and month still running, into their devices' meters. */
  private void restore() {
    long now = clock.millis();
    int restored = 0;
    synchronized (saving) {
      for (SavedCounter c : repository.savedCounters()) {
        if (c.window().start(now) != c.windowStart()) {
          continue; // a day or month that has ended
        }
        DeviceMeter m = meterOf(c.hub(), c.clientId(), settings.terms(c.hub(), c.clientId()));
        m.counter(c.window()).restore(c.windowStart(), c.used(), now);
        restored++;
      }
    }
    if (restored > 0) {
      log.info("quota counts restored: {} day and month windows", restored);
    }
  }

  /**
   * Saves the day and month counts that changed since the last save, in one transaction; on a
   * failure they are tried again at the next save.
   */
  public void save() {
    synchronized (saving) {
      long now = clock.millis();
      List<SavedCounter> changed = new ArrayList<>();
      List<long[]> marks = new ArrayList<>();
      List<WindowCounter> of = new ArrayList<>();
      for (DeviceMeter m : meters.values()) {
        for (Window w : SAVED) {
          WindowCounter c = m.counter(w);
          long start = c.startAt(now);
          long used = c.used(now);
          boolean nothingToKeep = used == 0 && c.savedUsed <= 0;
          if (!nothingToKeep && (start != c.savedStart || used != c.savedUsed)) {
            changed.add(new SavedCounter(m.hub(), m.clientId(), w, start, used));
            marks.add(new long[] {start, used});
            of.add(c);
          }
        }
      }
      if (changed.isEmpty()) {
        return;
      }
      try {
        repository.saveCounters(changed);
      } catch (RuntimeException e) {
        if (!saveFailing) {
          saveFailing = true;
          log.warn("quota counts cannot be saved; trying again ({})", e.getMessage());
        }
        return;
      }
      if (saveFailing) {
        saveFailing = false;
        log.info("quota counts saved again");
      }
      for (int i = 0; i < of.size(); i++) {
        of.get(i).savedStart = marks.get(i)[0];
        of.get(i).savedUsed = marks.get(i)[1];
      }
    }
  }

  /** Starts a device's every window from zero, here and in the saved counts. */
  public void reset(String hub, String clientId) {
    synchronized (saving) {
      repository.deleteCounters(hub, clientId);
      DeviceMeter m = meter(hub, clientId);
      if (m != null) {
        m.reset();
        for (Window w : SAVED) {
          m.counter(w).savedUsed = 0;
        }
      }
    }
  }

  /** Stops polling and saves the counts a last time. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    save();
  }
}
