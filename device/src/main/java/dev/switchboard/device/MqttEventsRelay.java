package dev.switchboard.device;

import static dev.switchboard.device.esp.EspErr.ESP_OK;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttEventHandler;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.client.MqttEventLoop;
import dev.switchboard.device.event.EspEvent;
import dev.switchboard.device.event.EventBase;
import dev.switchboard.device.event.EventHandler;
import dev.switchboard.device.event.EventHandlerInstance;
import dev.switchboard.device.event.EventLoop;
import dev.switchboard.device.event.EventLoopArgs;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's events through a device's event loop, base {@code MQTT_EVENTS} with ESP-MQTT's ids
 * ({@code esp_mqtt_event_id_t}: ERROR 0 ... USER 9, ANY -1): the default loop when the firmware
 * made one, else a loop of the client's own run on its task, as ESP-MQTT does. Handlers registered
 * through the client see only that client's events; a firmware may also register on the default
 * loop itself ({@code esp_event_handler_register(MQTT_EVENTS, ...)}) and then sees every client's.
 */
final class MqttEventsRelay implements MqttEventLoop {
  /** ESP-MQTT's event base. */
  static final EventBase MQTT_EVENTS = EventBase.define("MQTT_EVENTS");

  private record Key(MqttEventId id, MqttEventHandler handler) {}

  private final EventLoop loop;
  private final Map<Key, EventHandlerInstance> registrations = new ConcurrentHashMap<>();
  private volatile MqttClient client;
  private volatile Thread handlerThread;
  private final DeviceCounters counters;
  // Touched by the client's task only (dispatch), and by forget() once the task has ended.
  private boolean connected;
  private boolean everConnected;

  MqttEventsRelay(EspEvent esp) {
    this(esp, new DeviceCounters());
  }

  MqttEventsRelay(EspEvent esp, DeviceCounters counters) {
    this.counters = counters;
    EventLoop defaultLoop = esp.defaultLoop();
    if (defaultLoop != null) {
      this.loop = defaultLoop;
    } else {
      EventLoop[] own = new EventLoop[1];
      esp.loopCreate(EventLoopArgs.withoutTask(32), own);
      this.loop = own[0];
    }
  }

  /** The client whose events these are; set right after {@code init}. */
  void bind(MqttClient client) {
    this.client = client;
  }

  static int idOf(MqttEventId id) {
    return id == MqttEventId.ANY ? EventLoop.ESP_EVENT_ANY_ID : id.ordinal() - 1;
  }

  @Override
  public void register(MqttEventId id, MqttEventHandler handler) {
    EventHandler onLoop =
        (base, eventId, data) -> {
          if (data instanceof MqttEvent e && e.client() == client) {
            Thread previous = handlerThread;
            handlerThread = Thread.currentThread();
            try {
              handler.handle(e);
            } finally {
              handlerThread = previous;
            }
          }
        };
    EventHandlerInstance[] out = new EventHandlerInstance[1];
    if (loop.handlerInstanceRegisterWith(MQTT_EVENTS, idOf(id), onLoop, out) == ESP_OK) {
      EventHandlerInstance old = registrations.put(new Key(id, handler), out[0]);
      if (old != null) {
        // ESP-IDF registers a handler once per event: the newer registration replaces it
        loop.handlerInstanceUnregisterWith(MQTT_EVENTS, idOf(id), old);
      }
    }
  }

  @Override
  public void unregister(MqttEventId id, MqttEventHandler handler) {
    EventHandlerInstance inst = registrations.remove(new Key(id, handler));
    if (inst != null) {
      loop.handlerInstanceUnregisterWith(MQTT_EVENTS, idOf(id), inst);
    }
  }

  @Override
  public void dispatch(MqttEvent event) {
    count(event.eventId());
    loop.postAndWait(MQTT_EVENTS, idOf(event.eventId()), event);
  }

  private synchronized void count(MqttEventId id) {
    switch (id) {
      case CONNECTED -> {
        if (everConnected) {
          counters.reconnects.increment();
        }
        everConnected = true;
        if (!connected) {
          connected = true;
          counters.connected.increment();
        }
      }
      case DISCONNECTED -> {
        if (connected) {
          connected = false;
          counters.connected.decrement();
        }
      }
      case PUBLISHED, DATA -> counters.messages.increment();
      case ERROR -> counters.errors.increment();
      default -> {}
    }
  }

  /** The client is gone: it no longer counts as connected. */
  synchronized void forget() {
    if (connected) {
      connected = false;
      counters.connected.decrement();
    }
  }

  @Override
  public boolean isHandlerThread() {
    return Thread.currentThread() == handlerThread;
  }
}
