package dev.switchboard.device.event;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_STATE;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import java.util.function.Consumer;

/**
 * One device's {@code esp_event} library: its default event loop ({@code
 * esp_event_loop_create_default}, the {@code esp_event_handler_*} calls and {@code esp_event_post}
 * without a loop argument) and the user loops it makes ({@code esp_event_loop_create}). Each device
 * has its own, as each chip has.
 */
public final class EspEvent {
  private final String deviceName;
  private final Consumer<RuntimeException> onHandlerFailure;
  private volatile EventLoop defaultLoop;

  /**
   * @param deviceName added to the loops' thread names
   * @param onHandlerFailure what a handler that throws does to the device
   */
  public EspEvent(String deviceName, Consumer<RuntimeException> onHandlerFailure) {
    this.deviceName = deviceName;
    this.onHandlerFailure = onHandlerFailure;
  }

  /** {@code esp_event_loop_create}: a user loop of this device. */
  public int loopCreate(EventLoopArgs args, EventLoop[] out) {
    return EventLoop.create(args, deviceName, onHandlerFailure, out);
  }

  /** {@code esp_event_loop_create_default}: {@code ESP_ERR_INVALID_STATE} the second time. */
  public synchronized int loopCreateDefault() {
    if (defaultLoop != null) {
      return ESP_ERR_INVALID_STATE;
    }
    EventLoop[] out = new EventLoop[1];
    int err = loopCreate(EventLoopArgs.DEFAULT_LOOP, out);
    if (err == ESP_OK) {
      defaultLoop = out[0];
    }
    return err;
  }

  /** {@code esp_event_loop_delete_default}: {@code ESP_ERR_INVALID_STATE} when there is none. */
  public synchronized int loopDeleteDefault() {
    EventLoop loop = defaultLoop;
    if (loop == null) {
      return ESP_ERR_INVALID_STATE;
    }
    defaultLoop = null;
    return loop.delete();
  }

  /** The default loop, or null before {@link #loopCreateDefault()}. */
  public EventLoop defaultLoop() {
    return defaultLoop;
  }

  /** {@code esp_event_handler_register}: {@code ESP_ERR_INVALID_STATE} without a default loop. */
  public int handlerRegister(EventBase base, int id, EventHandler handler) {
    EventLoop loop = defaultLoop;
    return loop == null ? ESP_ERR_INVALID_STATE : loop.handlerRegisterWith(base, id, handler);
  }

  /** {@code esp_event_handler_instance_register}. */
  public int handlerInstanceRegister(
      EventBase base, int id, EventHandler handler, EventHandlerInstance[] out) {
    EventLoop loop = defaultLoop;
    return loop == null
        ? ESP_ERR_INVALID_STATE
        : loop.handlerInstanceRegisterWith(base, id, handler, out);
  }

  /** {@code esp_event_handler_unregister}. */
  public int handlerUnregister(EventBase base, int id, EventHandler handler) {
    EventLoop loop = defaultLoop;
    return loop == null ? ESP_ERR_INVALID_STATE : loop.handlerUnregisterWith(base, id, handler);
  }

  /** {@code esp_event_handler_instance_unregister}. */
  public int handlerInstanceUnregister(EventBase base, int id, EventHandlerInstance instance) {
    EventLoop loop = defaultLoop;
    return loop == null
        ? ESP_ERR_INVALID_STATE
        : loop.handlerInstanceUnregisterWith(base, id, instance);
  }

  /** {@code esp_event_post}: to the default loop. */
  public int post(EventBase base, int id, Object data, long ticksToWait) {
    EventLoop loop = defaultLoop;
    return loop == null ? ESP_ERR_INVALID_STATE : loop.postTo(base, id, data, ticksToWait);
  }

  /** Deletes the default loop, if any: the device is stopping. */
  public void shutdown() {
    loopDeleteDefault();
  }
}
