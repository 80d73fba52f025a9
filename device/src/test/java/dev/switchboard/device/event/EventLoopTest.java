package dev.switchboard.device.event;

import static dev.switchboard.device.esp.EspErr.*;
import static dev.switchboard.device.event.EventLoop.ESP_EVENT_ANY_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.device.esp.FreeRtos;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The event loop library against ESP-IDF v5.5's documented behaviour ({@code esp_event.h}). */
class EventLoopTest {
  static final EventBase WIFI = EventBase.define("WIFI_EVENT");
  static final EventBase IP = EventBase.define("IP_EVENT");

  final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
  final EspEvent esp = new EspEvent("test", failures::add);
  final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void deleteDefault() {
    esp.shutdown();
  }

  private EventHandler named(String name) {
    return (base, id, data) -> ran.add(name + "<" + base + ":" + id + ">");
  }

  private EventLoop loopWithoutTask(int queue) {
    EventLoop[] out = new EventLoop[1];
    assertThat(esp.loopCreate(EventLoopArgs.withoutTask(queue), out)).isEqualTo(ESP_OK);
    return out[0];
  }

  @Test
  @DisplayName(
      "esp_event_loop_create_default twice: INVALID_STATE; the default-loop calls before it: INVALID_STATE")
  void defaultLoop() {
    assertThat(esp.handlerRegister(WIFI, 1, named("h"))).isEqualTo(ESP_ERR_INVALID_STATE);
    assertThat(esp.post(WIFI, 1, null, 0)).isEqualTo(ESP_ERR_INVALID_STATE);
    assertThat(esp.loopCreateDefault()).isEqualTo(ESP_OK);
    assertThat(esp.loopCreateDefault()).isEqualTo(ESP_ERR_INVALID_STATE);
    assertThat(esp.handlerRegister(WIFI, 1, named("h"))).isEqualTo(ESP_OK);
    assertThat(esp.post(WIFI, 1, null, FreeRtos.portMAX_DELAY)).isEqualTo(ESP_OK);
    await().until(() -> ran.size() == 1);
    assertThat(ran).containsExactly("h<WIFI_EVENT:1>");
    assertThat(esp.loopDeleteDefault()).isEqualTo(ESP_OK);
    assertThat(esp.loopDeleteDefault()).isEqualTo(ESP_ERR_INVALID_STATE);
  }

  @Test
  @DisplayName("the default loop's handlers run on its task, sys_evt")
  void defaultLoopTask() {
    esp.loopCreateDefault();
    List<String> threads = new CopyOnWriteArrayList<>();
    esp.handlerRegister(
        WIFI, ESP_EVENT_ANY_ID, (b, i, d) -> threads.add(Thread.currentThread().getName()));
    esp.post(WIFI, 2, null, FreeRtos.portMAX_DELAY);
    await().until(() -> threads.size() == 1);
    assertThat(threads.get(0)).isEqualTo("sys_evt test");
  }

  @Test
  @DisplayName(
      "dispatch order: node by node, loop-level, base-level, then id-level handlers, as esp_event.c")
  void dispatchOrder() {
    EventLoop loop = loopWithoutTask(32);
    loop.handlerRegisterWith(WIFI, 1, named("a")); // loop node 1, WIFI node, id 1
    loop.handlerRegisterWith(WIFI, ESP_EVENT_ANY_ID, named("b")); // a new WIFI node after id nodes
    loop.handlerRegisterWith(EventBase.ANY, ESP_EVENT_ANY_ID, named("c")); // a new loop node
    loop.handlerRegisterWith(WIFI, 1, named("d")); // loop node 2
    loop.handlerRegisterWith(IP, 1, named("e"));
    loop.handlerRegisterWith(WIFI, ESP_EVENT_ANY_ID, named("f")); // a new WIFI node in node 2
    loop.handlerRegisterWith(WIFI, 2, named("g")); // f's WIFI node, id 2
    loop.postTo(WIFI, 1, null, 0);
    loop.postTo(WIFI, 2, null, 0);
    loop.postTo(IP, 1, null, 0);
    loop.run(0);
    assertThat(ran)
        .containsExactly(
            // WIFI:1 — loop node 1: a (id), then b (its own base node, made after a's id node);
            // loop node 2: c (loop level), d (a WIFI node), f (a WIFI node after d's id node)
            "a<WIFI_EVENT:1>",
            "b<WIFI_EVENT:1>",
            "c<WIFI_EVENT:1>",
            "d<WIFI_EVENT:1>",
            "f<WIFI_EVENT:1>",
            "b<WIFI_EVENT:2>",
            "c<WIFI_EVENT:2>",
            "f<WIFI_EVENT:2>",
            "g<WIFI_EVENT:2>",
            "c<IP_EVENT:1>",
            "e<IP_EVENT:1>");
  }

  @Test
  @DisplayName(
      "the same handler registered twice runs once; as two instances, twice; unregister each way")
  void registrations() {
    EventLoop loop = loopWithoutTask(32);
    EventHandler h = named("h");
    loop.handlerRegisterWith(WIFI, 1, h);
    loop.handlerRegisterWith(WIFI, 1, h);
    EventHandlerInstance[] i1 = new EventHandlerInstance[1];
    EventHandlerInstance[] i2 = new EventHandlerInstance[1];
    EventHandler k = named("k");
    assertThat(loop.handlerInstanceRegisterWith(WIFI, 1, k, i1)).isEqualTo(ESP_OK);
    assertThat(loop.handlerInstanceRegisterWith(WIFI, 1, k, i2)).isEqualTo(ESP_OK);
    loop.postTo(WIFI, 1, null, 0);
    loop.run(0);
    assertThat(ran).containsExactly("h<WIFI_EVENT:1>", "k<WIFI_EVENT:1>", "k<WIFI_EVENT:1>");
    ran.clear();
    assertThat(loop.handlerUnregisterWith(WIFI, 1, h)).isEqualTo(ESP_OK);
    assertThat(loop.handlerInstanceUnregisterWith(WIFI, 1, i1[0])).isEqualTo(ESP_OK);
    // unregistering with another id than the registration's leaves it
    assertThat(loop.handlerInstanceUnregisterWith(WIFI, 2, i2[0])).isEqualTo(ESP_OK);
    loop.postTo(WIFI, 1, null, 0);
    loop.run(0);
    assertThat(ran).containsExactly("k<WIFI_EVENT:1>");
  }

  @Test
  @DisplayName(
      "wildcards: a post with ANY base or id is INVALID_ARG; registering ANY base with an id too")
  void wildcards() {
    EventLoop loop = loopWithoutTask(32);
    assertThat(loop.postTo(EventBase.ANY, 1, null, 0)).isEqualTo(ESP_ERR_INVALID_ARG);
    assertThat(loop.postTo(WIFI, ESP_EVENT_ANY_ID, null, 0)).isEqualTo(ESP_ERR_INVALID_ARG);
    assertThat(loop.handlerRegisterWith(EventBase.ANY, 3, named("x")))
        .isEqualTo(ESP_ERR_INVALID_ARG);
    assertThat(loop.handlerRegisterWith(EventBase.ANY, ESP_EVENT_ANY_ID, named("any")))
        .isEqualTo(ESP_OK);
    assertThat(loop.postTo(IP, 7, null, 0)).isEqualTo(ESP_OK);
    loop.run(0);
    assertThat(ran).containsExactly("any<IP_EVENT:7>");
  }

  @Test
  @DisplayName("esp_event_post copies its data: changing the array afterwards changes nothing")
  void postCopies() {
    EventLoop loop = loopWithoutTask(32);
    List<byte[]> got = new CopyOnWriteArrayList<>();
    loop.handlerRegisterWith(WIFI, 1, (b, i, d) -> got.add((byte[]) d));
    byte[] data = {1, 2, 3};
    loop.postTo(WIFI, 1, data, 0);
    data[0] = 99;
    loop.run(0);
    assertThat(got).hasSize(1);
    assertThat(got.get(0)).containsExactly(1, 2, 3);
  }

  @Test
  @DisplayName(
      "the queue holds 32 posts; the 33rd times out (ESP_ERR_TIMEOUT); all 32 run, in order")
  void boundedQueue() {
    EventLoop loop = loopWithoutTask(32);
    List<Integer> ids = new CopyOnWriteArrayList<>();
    loop.handlerRegisterWith(WIFI, ESP_EVENT_ANY_ID, (b, i, d) -> ids.add(i));
    for (int i = 0; i < 32; i++) {
      assertThat(loop.postTo(WIFI, i, null, 0)).isEqualTo(ESP_OK);
    }
    assertThat(loop.postTo(WIFI, 32, null, 0)).isEqualTo(ESP_ERR_TIMEOUT);
    assertThat(loop.postTo(WIFI, 32, null, 2)).isEqualTo(ESP_ERR_TIMEOUT);
    loop.run(0);
    assertThat(ids).hasSize(32).isSorted();
    assertThat(loop.postTo(WIFI, 33, null, 0)).isEqualTo(ESP_OK);
  }

  @Test
  @DisplayName(
      "a handler that throws goes to the device's failure policy; the other handlers still run")
  void throwingHandler() {
    EventLoop loop = loopWithoutTask(32);
    loop.handlerRegisterWith(
        WIFI,
        1,
        (b, i, d) -> {
          throw new IllegalStateException("boom");
        });
    loop.handlerRegisterWith(WIFI, 1, named("after"));
    loop.postTo(WIFI, 1, null, 0);
    loop.run(0);
    assertThat(failures).extracting(Throwable::getMessage).containsExactly("boom");
    assertThat(ran).containsExactly("after<WIFI_EVENT:1>");
  }

  @Test
  @DisplayName("postAndWait returns after the handlers ran on the loop's task")
  void postAndWait() {
    esp.loopCreateDefault();
    esp.handlerRegister(WIFI, 5, named("slow"));
    assertThat(esp.defaultLoop().postAndWait(WIFI, 5, null)).isEqualTo(ESP_OK);
    assertThat(ran).containsExactly("slow<WIFI_EVENT:5>");
  }
}
