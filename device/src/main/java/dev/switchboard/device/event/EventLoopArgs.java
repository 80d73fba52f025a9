package dev.switchboard.device.event;

/**
 * ESP-IDF's {@code esp_event_loop_args_t}: the queue's size, and the loop's task (none when {@code
 * taskName} is null: the owner then runs the loop with {@link EventLoop#run}). Priority, stack size
 * and core are kept for the reading of ported code; the task is a virtual thread.
 */
public record EventLoopArgs(
    int queueSize, String taskName, int taskPriority, int taskStackSize, int taskCoreId) {
  /** The default loop's: {@code CONFIG_ESP_SYSTEM_EVENT_QUEUE_SIZE} 32, task {@code sys_evt}. */
  public static final EventLoopArgs DEFAULT_LOOP = new EventLoopArgs(32, "sys_evt", 20, 2816, 0);

  /** A loop without a task. */
  public static EventLoopArgs withoutTask(int queueSize) {
    return new EventLoopArgs(queueSize, null, 0, 0, 0);
  }

  /** A loop with its own task. */
  public static EventLoopArgs withTask(int queueSize, String taskName) {
    return new EventLoopArgs(queueSize, taskName, 5, 3072, 0);
  }
}
