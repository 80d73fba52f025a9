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

  EventDispatcher(ReentrantLock lock, ClientStatus status) {
    this.lock = lock;
    this.status = status;
  }

  void register(MqttEventId id, MqttEventHandler handler) {
    handlers.add(new Registration(Objects.requireNonNull(id), Objects.requireNonNull(handler)));
  }

  void unregister(MqttEventId id, MqttEventHandler handler) {
    handlers.removeIf(r -> r.id == id && r.handler == handler);
  }

  /** Runs the handlers for each event, in order, on the task thread, outside the lock. */
  void dispatch(List<MqttEvent> events) {
    assert !lock.isHeldByCurrentThread() : "a handler would run under the client's lock";
    for (MqttEvent e : events) {
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
