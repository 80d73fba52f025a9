package dev.switchboard.client;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event handlers of a client and their running: each event goes to the handlers registered for
 * its id or for ANY, in the order they were registered, one event after the other, on the task
 * thread and never under the client's lock, so that a handler may call the client. Registering is
 * safe from any thread, handlers included.
 */
final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  private record Registration(MqttEventId id, MqttEventHandler handler) {}

  private final List<Registration> handlers = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock;
  private final ClientStatus status;
  // A device's event loop that registrations and events go through instead; null: this dispatcher
  private final MqttEventLoop eventLoop;

  EventDispatcher(ReentrantLock lock, ClientStatus status, MqttEventLoop eventLoop) {
    this.lock = lock;
    this.status = status;
    this.eventLoop = eventLoop;
  }

  void register(MqttEventId id, MqttEventHandler handler) {
    Objects.requireNonNull(id);
    Objects.requireNonNull(handler);
    if (eventLoop != null) {
      eventLoop.register(id, handler);
      return;
    }
    handlers.add(new Registration(id, handler));
  }

  void unregister(MqttEventId id, MqttEventHandler handler) {
    if (eventLoop != null) {
      eventLoop.unregister(id, handler);
      return;
    }
    handlers.removeIf(r -> r.id == id && r.handler == handler);
  }

  /** Whether the calling thread runs a handler of a device's event loop for this client. */
  boolean onLoopHandlerThread() {
    return eventLoop != null && eventLoop.isHandlerThread();
  }

  /** Runs the handlers for each event, in order, on the task thread, outside the lock. */
  void dispatch(List<MqttEvent> events) {
    assert !lock.isHeldByCurrentThread() : "a handler would run under the client's lock";
    for (MqttEvent e : events) {
      if (eventLoop != null) {
        try {
          eventLoop.dispatch(e);
        } catch (RuntimeException ex) {
          log.warn("client {}: the event loop failed on {}", status.displayId(), e.eventId(), ex);
        }
        continue;
      }
      for (Registration r : handlers) {
        if (r.id == MqttEventId.ANY || r.id == e.eventId()) {
          try {
            r.handler.handle(e);
          } catch (RuntimeException ex) {
            log.warn("client {}: a {} handler failed", status.displayId(), e.eventId(), ex);
          }
        }
      }
    }
  }
}
