package dev.switchboard.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Records a client's events, in order, with the thread each handler ran on. */
final class Recorder implements MqttEventHandler {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final List<MqttEvent> events = new CopyOnWriteArrayList<>();
  final List<String> threads = new CopyOnWriteArrayList<>();

  @Override
  public void handle(MqttEvent event) {
    events.add(event);
    threads.add(Thread.currentThread().getName());
  }

  List<MqttEventId> ids() {
    List<MqttEventId> out = new ArrayList<>();
    events.forEach(e -> out.add(e.eventId()));
    return out;
  }

  List<MqttEvent> of(MqttEventId id) {
    return events.stream().filter(e -> e.eventId() == id).toList();
  }

  MqttEvent await(MqttEventId id) {
    return await(e -> e.eventId() == id, id.toString());
  }

  MqttEvent await(Predicate<MqttEvent> p, String what) {
    try {
      Awaitility.await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> events.stream().anyMatch(p));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no event " + what + " within " + TIMEOUT + "; got " + ids());
    }
    return events.stream().filter(p).findFirst().orElseThrow();
  }

  void awaitCount(MqttEventId id, int n) {
    try {
      Awaitility.await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> of(id).size() >= n);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "not " + n + " " + id + " events within " + TIMEOUT + "; got " + ids());
    }
  }

  void clear() {
    events.clear();
    threads.clear();
  }
}
