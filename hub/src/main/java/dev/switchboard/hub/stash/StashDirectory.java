package dev.switchboard.hub.stash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stashes a running server appends to: read from the registry at start and again whenever the
 * registry's version moves (one daemon thread polls it), so that {@code switchboard stashes add} in
 * another process, or the REST API, takes effect within the poll interval. Read by the publish path
 * without locks: a map replaced whole, never changed.
 */
public final class StashDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StashDirectory.class);

  private final StashRepository repository;
  private final ScheduledExecutorService poller;
  private volatile View view;
  private boolean failing;

  private record View(long version, Map<String, List<Stash>> byHub) {}

  private StashDirectory(StashRepository repository) {
    this.repository = repository;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stash-poller");
              t.setDaemon(true);
              return t;
            });
    this.view = read();
  }

  /** Reads the stashes now and polls for changes every {@code interval} from then on. */
  public static StashDirectory open(StashRepository repository, Duration interval) {
    StashDirectory d = new StashDirectory(Objects.requireNonNull(repository, "repository"));
    long every = Math.max(1, interval.toMillis());
    d.poller.scheduleWithFixedDelay(d::poll, every, every, TimeUnit.MILLISECONDS);
    return d;
  }

  /** The enabled stashes of {@code hub}; empty (and shared) when it has none. */
  public List<Stash> of(String hub) {
    List<Stash> found = view.byHub.get(hub);
    return found == null ? List.of() : found;
  }

  /** Reads the stashes again now when the registry moved (a change made through this server). */
  public void poll() {
    try {
      if (repository.version() == view.version) {
        failing = false;
        return;
      }
      View next = read();
      view = next;
      failing = false;
      log.info("stashes read again (registry version {})", next.version);
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("stashes cannot be read; keeping those read last ({})", e.getMessage());
      }
    }
  }

  private View read() {
    long version = repository.version();
    Map<String, List<Stash>> byHub = new HashMap<>();
    for (Stash s : repository.allStashes()) {
      if (s.enabled()) {
        byHub.computeIfAbsent(s.hub(), h -> new ArrayList<>()).add(s);
      }
    }
    byHub.replaceAll((hub, list) -> List.copyOf(list));
    return new View(version, Map.copyOf(byHub));
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
  }
}
