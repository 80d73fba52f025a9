package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads the broker for the API, off the event loops: the topic activity's rings
 * every second, a point of rate history every 10 seconds. Started with the API's broker resources,
 * stopped with the HTTP server.
 */
public final class LiveSampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveSampler.class);

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "switchboard-http-sampler");
            t.setDaemon(true);
            return t;
          });

  public LiveSampler(Broker broker, TopicActivity activity, RateHistory history) {
    if (activity != null) {
      thread.scheduleWithFixedDelay(
          () -> guarded(() -> activity.collect(System.currentTimeMillis(), broker.hubs())),
          1,
          1,
          TimeUnit.SECONDS);
    }
    history.sample(System.currentTimeMillis());
    thread.scheduleAtFixedRate(
        () -> guarded(() -> history.sample(System.currentTimeMillis())),
        RateHistory.INTERVAL_SECONDS,
        RateHistory.INTERVAL_SECONDS,
        TimeUnit.SECONDS);
  }

  private static void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.warn("sampling the broker failed", e); // the next turn tries again
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
