package dev.switchboard.device;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_STATE;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An {@code esp_timer_handle_t}: a callback run once or periodically on the device's {@code
 * esp_timer} task, one callback at a time. Start it with {@link Esp32#esp_timer_start_once} or
 * {@link Esp32#esp_timer_start_periodic}.
 */
public final class EspTimer {
  private final String name;
  private final Runnable callback;
  private final ScheduledExecutorService task;
  private ScheduledFuture<?> scheduled;
  private boolean deleted;

  EspTimer(String name, Runnable callback, ScheduledExecutorService task) {
    this.name = name;
    this.callback = callback;
    this.task = task;
  }

  synchronized int startOnce(long timeoutUs) {
    if (deleted || isActive()) {
      return ESP_ERR_INVALID_STATE;
    }
    scheduled = task.schedule(callback, timeoutUs, TimeUnit.MICROSECONDS);
    return ESP_OK;
  }

  synchronized int startPeriodic(long periodUs) {
    if (deleted || isActive()) {
      return ESP_ERR_INVALID_STATE;
    }
    scheduled = task.scheduleAtFixedRate(callback, periodUs, periodUs, TimeUnit.MICROSECONDS);
    return ESP_OK;
  }

  /** {@code esp_timer_stop}: {@code ESP_ERR_INVALID_STATE} when it is not running. */
  synchronized int stop() {
    if (!isActive()) {
      return ESP_ERR_INVALID_STATE;
    }
    scheduled.cancel(false);
    scheduled = null;
    return ESP_OK;
  }

  /** {@code esp_timer_delete}: {@code ESP_ERR_INVALID_STATE} while it runs. */
  synchronized int delete() {
    if (isActive()) {
      return ESP_ERR_INVALID_STATE;
    }
    deleted = true;
    return ESP_OK;
  }

  /** {@code esp_timer_is_active}. */
  public synchronized boolean isActive() {
    return scheduled != null && !scheduled.isDone();
  }

  @Override
  public String toString() {
    return "esp_timer " + name;
  }
}
