package dev.switchboard.device;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * ESP-IDF's task watchdog for simulated devices: a task that runs for {@code
 * CONFIG_ESP_TASK_WDT_TIMEOUT_S} (5 s) without ever blocking (no {@code vTaskDelay}, no wait) is
 * reported to its device, which stops. One daemon platform thread watches every device of a run, so
 * that it still runs when busy tasks hold the virtual threads' carriers.
 */
public final class TaskWatchdog implements AutoCloseable {
  /** {@code CONFIG_ESP_TASK_WDT_TIMEOUT_S}'s default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final class Watched {
    final Consumer<Thread> onStarved;
    volatile long lastBlockedNanos = System.nanoTime();

    Watched(Consumer<Thread> onStarved) {
      this.onStarved = onStarved;
    }
  }

  private final long timeoutNanos;
  private final Map<Thread, Watched> tasks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;

  public TaskWatchdog(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "task_wdt");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(10, timeout.toMillis() / 5);
    thread.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** Watches {@code task}; {@code onStarved} is told once when it has not blocked for too long. */
  void watch(Thread task, Consumer<Thread> onStarved) {
    tasks.put(task, new Watched(onStarved));
  }

  void unwatch(Thread task) {
    tasks.remove(task);
  }

  /** The task blocked, or is about to (vTaskDelay): it yields. */
  void fed(Thread task) {
    Watched w = tasks.get(task);
    if (w != null) {
      w.lastBlockedNanos = System.nanoTime();
    }
  }

  private void check() {
    long now = System.nanoTime();
    for (var e : tasks.entrySet()) {
      Thread t = e.getKey();
      Watched w = e.getValue();
      Thread.State state = t.getState();
      if (state == Thread.State.TERMINATED) {
        tasks.remove(t);
      } else if (state != Thread.State.RUNNABLE) {
        w.lastBlockedNanos = now;
      } else if (now - w.lastBlockedNanos > timeoutNanos) {
        tasks.remove(t);
        w.onStarved.accept(t);
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
