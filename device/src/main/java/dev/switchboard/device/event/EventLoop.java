package dev.switchboard.device.event;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_ARG;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_STATE;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_TIMEOUT;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import dev.switchboard.device.esp.FreeRtos;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An event loop: ESP-IDF's {@code esp_event_loop_handle_t} and the {@code _with}/{@code _to} calls
 * that take one. Posts wait in a bounded queue ({@code ESP_ERR_TIMEOUT} when it stays full for the
 * ticks the poster would wait) and are dispatched one at a time, by the loop's own task (a virtual
 * thread) or, for a loop made without one, by whoever calls {@link #run}. Handlers run in ESP-IDF's
 * order (see {@link HandlerTree}). A handler that throws is handed to the loop's failure policy:
 * the device runtime stops that device, as a crash in a handler resets a chip.
 */
public final class EventLoop {
  /** {@code ESP_EVENT_ANY_ID}. */
  public static final int ESP_EVENT_ANY_ID = -1;

  private record Post(EventBase base, int id, Object data, Runnable done) {}

  private final String name;
  private final ArrayBlockingQueue<Post> queue;
  private final HandlerTree handlers = new HandlerTree();
  private final Consumer<RuntimeException> onHandlerFailure;
  private final Thread task;
  private volatile boolean deleted;

  private EventLoop(EventLoopArgs args, String threadSuffix, Consumer<RuntimeException> onFailure) {
    this.name = args.taskName() == null ? "" : args.taskName();
    this.queue = new ArrayBlockingQueue<>(args.queueSize());
    this.onHandlerFailure = onFailure;
    this.task =
        args.taskName() == null
            ? null
            : Thread.ofVirtual()
                .name(args.taskName() + (threadSuffix.isEmpty() ? "" : " " + threadSuffix))
                .unstarted(this::runTask);
    if (task != null) {
      task.start();
    }
  }

  /**
   * {@code esp_event_loop_create}: {@code ESP_ERR_INVALID_ARG} for a queue of no size. A handler
   * that throws is logged by the thread's uncaught-exception handler and the loop goes on.
   */
  public static int create(EventLoopArgs args, EventLoop[] out) {
    return create(
        args,
        "",
        e ->
            Thread.currentThread()
                .getUncaughtExceptionHandler()
                .uncaughtException(Thread.currentThread(), e),
        out);
  }

  static int create(
      EventLoopArgs args,
      String threadSuffix,
      Consumer<RuntimeException> onHandlerFailure,
      EventLoop[] out) {
    if (args == null || out == null || args.queueSize() <= 0) {
      return ESP_ERR_INVALID_ARG;
    }
    out[0] = new EventLoop(args, threadSuffix, onHandlerFailure);
    return ESP_OK;
  }

  /** {@code esp_event_loop_delete}: stops its task; what was queued is dropped. */
  public int delete() {
    deleted = true;
    if (task != null) {
      task.interrupt();
    }
    Post p;
    while ((p = queue.poll()) != null) {
      if (p.done != null) {
        p.done.run();
      }
    }
    handlers.clear();
    return ESP_OK;
  }

  // ------------------------------------------------------------------ handlers

  /** {@code esp_event_handler_register_with}: ANY base with a specific id is INVALID_ARG. */
  public int handlerRegisterWith(EventBase base, int id, EventHandler handler) {
    int err = checkRegistration(base, id, handler);
    return err != ESP_OK ? err : handlers.add(new EventHandlerInstance(base, id, handler), true);
  }

  /** {@code esp_event_handler_instance_register_with}: the registration in {@code out[0]}. */
  public int handlerInstanceRegisterWith(
      EventBase base, int id, EventHandler handler, EventHandlerInstance[] out) {
    int err = checkRegistration(base, id, handler);
    if (err != ESP_OK) {
      return err;
    }
    EventHandlerInstance inst = new EventHandlerInstance(base, id, handler);
    handlers.add(inst, false);
    if (out != null) {
      out[0] = inst;
    }
    return ESP_OK;
  }

  /** {@code esp_event_handler_unregister_with}: ESP_OK also when it was not registered. */
  public int handlerUnregisterWith(EventBase base, int id, EventHandler handler) {
    int err = checkRegistration(base, id, handler);
    if (err == ESP_OK) {
      handlers.remove(base, id, handler, null);
    }
    return err;
  }

  /** {@code esp_event_handler_instance_unregister_with}. */
  public int handlerInstanceUnregisterWith(EventBase base, int id, EventHandlerInstance instance) {
    if (instance == null) {
      return ESP_ERR_INVALID_ARG;
    }
    int err = checkRegistration(base, id, instance.handler);
    if (err == ESP_OK) {
      handlers.remove(base, id, null, instance);
    }
    return err;
  }

  private static int checkRegistration(EventBase base, int id, EventHandler handler) {
    if (base == null || handler == null || (base == EventBase.ANY && id != ESP_EVENT_ANY_ID)) {
      return ESP_ERR_INVALID_ARG;
    }
    return ESP_OK;
  }

  // ------------------------------------------------------------------ posting

  /**
   * {@code esp_event_post_to}: a {@code byte[]} is copied, as ESP-IDF copies {@code event_data};
   * other data is passed as it is and should be immutable. {@code ESP_ERR_INVALID_ARG} for the ANY
   * base or id; {@code ESP_ERR_TIMEOUT} when the queue stays full for {@code ticksToWait}.
   */
  public int postTo(EventBase base, int id, Object data, long ticksToWait) {
    if (base == null || base == EventBase.ANY || id == ESP_EVENT_ANY_ID) {
      return ESP_ERR_INVALID_ARG;
    }
    return enqueue(new Post(base, id, copy(data), null), ticksToWait);
  }

  /**
   * Posts and returns once the event's handlers ran, as ESP-MQTT does with its own loop ({@code
   * esp_event_post_to}, then {@code esp_event_loop_run} on {@code mqtt_task}), so that what follows
   * the event (an acknowledgement) waits for its handlers. On the loop's own task, or on a loop
   * without one, the event is dispatched by the caller.
   */
  public int postAndWait(EventBase base, int id, Object data) {
    if (base == null || base == EventBase.ANY || id == ESP_EVENT_ANY_ID) {
      return ESP_ERR_INVALID_ARG;
    }
    if (task == null || Thread.currentThread() == task) {
      dispatch(new Post(base, id, copy(data), null));
      return ESP_OK;
    }
    CountDownLatch ran = new CountDownLatch(1);
    int err = enqueue(new Post(base, id, copy(data), ran::countDown), FreeRtos.portMAX_DELAY);
    if (err != ESP_OK) {
      return err;
    }
    try {
      // a deleted loop runs nothing more: stop waiting then
      while (!ran.await(100, TimeUnit.MILLISECONDS)) {
        if (deleted) {
          return ESP_ERR_INVALID_STATE;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ESP_ERR_TIMEOUT;
    }
    return ESP_OK;
  }

  private int enqueue(Post p, long ticksToWait) {
    if (deleted) {
      return ESP_ERR_INVALID_STATE;
    }
    try {
      boolean queued =
          ticksToWait == 0
              ? queue.offer(p)
              : queue.offer(p, FreeRtos.ticksToNanos(ticksToWait), TimeUnit.NANOSECONDS);
      return queued ? ESP_OK : ESP_ERR_TIMEOUT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ESP_ERR_TIMEOUT;
    }
  }

  private static Object copy(Object data) {
    return data instanceof byte[] b ? b.clone() : data;
  }

  // ------------------------------------------------------------------ dispatching

  /**
   * {@code esp_event_loop_run}: dispatches what is queued, waiting for more, for {@code
   * ticksToRun}; for a loop made without a task.
   */
  public int run(long ticksToRun) {
    long deadline = System.nanoTime() + Math.min(FreeRtos.ticksToNanos(ticksToRun), 1L << 62);
    try {
      while (!deleted) {
        long left = deadline - System.nanoTime();
        Post p = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
        if (p == null) {
          break;
        }
        dispatch(p);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ESP_OK;
  }

  private void runTask() {
    try {
      while (!deleted) {
        dispatch(queue.take());
      }
    } catch (InterruptedException e) {
      // deleted
    }
  }

  private void dispatch(Post p) {
    try {
      for (EventHandlerInstance h : handlers.matching(p.base, p.id)) {
        if (!h.removed) {
          try {
            h.handler.handle(p.base, p.id, p.data);
          } catch (RuntimeException e) {
            onHandlerFailure.accept(e);
          }
        }
      }
    } finally {
      if (p.done != null) {
        p.done.run();
      }
    }
  }

  /** The loop's task name; empty for a loop without a task. */
  public String name() {
    return name;
  }

  /** Events waiting to be dispatched. */
  public int queued() {
    return queue.size();
  }
}
