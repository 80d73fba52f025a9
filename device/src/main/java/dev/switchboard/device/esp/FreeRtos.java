package dev.switchboard.device.esp;

/**
 * FreeRTOS's time units as ESP-IDF configures them ({@code CONFIG_FREERTOS_HZ} 100): a tick is 10
 * ms. Calls that wait take ticks, as their ESP-IDF counterparts do.
 */
public final class FreeRtos {
  private FreeRtos() {}

  /** {@code portTICK_PERIOD_MS}. */
  public static final int portTICK_PERIOD_MS = 10;

  /** {@code portMAX_DELAY}: wait for ever. */
  public static final long portMAX_DELAY = 0xFFFF_FFFFL;

  /** {@code pdMS_TO_TICKS}. */
  public static long pdMS_TO_TICKS(long ms) {
    return ms / portTICK_PERIOD_MS;
  }

  /** Nanoseconds of a wait of {@code ticks}; {@link Long#MAX_VALUE} for {@link #portMAX_DELAY}. */
  public static long ticksToNanos(long ticks) {
    return ticks == portMAX_DELAY ? Long.MAX_VALUE : ticks * portTICK_PERIOD_MS * 1_000_000L;
  }
}
