package dev.switchboard.broker.interop;

import static dev.switchboard.broker.interop.InteropSupport.clientId;
import static dev.switchboard.broker.interop.InteropSupport.eventually;
import static dev.switchboard.broker.interop.InteropSupport.inParallel;
import static dev.switchboard.broker.interop.InteropSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.interop.InteropSupport.Closer;
import dev.switchboard.broker.interop.InteropSupport.Inbox;
import dev.switchboard.broker.interop.InteropSupport.Received;
import dev.switchboard.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Eclipse Paho Java (mqttv3 1.2.5) against the broker, over MQTT 3.1.1 and 3.1. */
@DisplayName("Interop: Eclipse Paho Java v3 client")
class PahoV3InteropTest {
  private static TestBroker broker;
  private static final Closer shared = new Closer();
  private static MqttClient publisher311;
  private static MqttClient publisher31;
  private final Closer closer = new Closer();

  @BeforeAll
  static void startBrokerAndPublishers() throws Exception {
    broker = TestBroker.start();
    publisher311 = newClient(shared, clientId("p3pub311"), null);
    publisher31 = newClient(shared, clientId("p3pub31"), null);
    inParallel(
        () -> publisher311.connect(options(MqttConnectOptions.MQTT_VERSION_3_1_1, true)),
        () -> publisher31.connect(options(MqttConnectOptions.MQTT_VERSION_3_1, true)));
  }

  @AfterAll
  static void stopBroker() {
    shared.close();
    if (broker != null) {
      broker.close();
    }
  }

  private static MqttClient publisher(int version) {
    return version == MqttConnectOptions.MQTT_VERSION_3_1 ? publisher31 : publisher311;
  }

  @AfterEach
  void closeClients() {
    closer.close();
  }

  static List<Arguments> versions() {
    return List.of(
        Arguments.of("3.1.1", MqttConnectOptions.MQTT_VERSION_3_1_1),
        Arguments.of("3.1", MqttConnectOptions.MQTT_VERSION_3_1));
  }

  // ---------------------------------------------------------------- helpers

  /** A Paho client whose every message lands in {@code inbox}, connected with {@code options}. */
  private MqttClient connect(String id, MqttConnectOptions options, Inbox<Received> inbox)
      throws MqttException {
    MqttClient client = newClient(id, inbox);
    client.connect(options);
    return client;
  }

  private MqttClient newClient(String id, Inbox<Received> inbox) throws MqttException {
    return newClient(closer, id, inbox);
  }

  /** A Paho client, not yet connected, that {@code closer} will end without DISCONNECT. */
  private static MqttClient newClient(Closer closer, String id, Inbox<Received> inbox)
      throws MqttException {
    MqttClient client =
        new MqttClient("tcp://127.0.0.1:" + broker.port(), id, new MemoryPersistence());
    client.setTimeToWait(InteropSupport.TIMEOUT.toMillis());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            if (inbox != null) {
              inbox.add(
                  Received.of(topic, message.getPayload(), message.getQos(), message.isRetained()));
            }
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    closer.register(
        () -> {
          try {
            if (client.isConnected()) {
              client.disconnectForcibly(0, 1000, false);
            }
          } finally {
            client.close(true);
          }
        });
    return client;
  }

  private static MqttConnectOptions options(int version, boolean cleanSession) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(version);
    o.setCleanSession(cleanSession);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(10);
    o.setKeepAliveInterval(30);
    // A synchronous publish returns before Paho frees its in-flight slot (eclipse-paho
    // paho.mqtt.java#551): with the default of 10, back-to-back publishes under load hit "too
    // many publishes in progress" now and then
    o.setMaxInflight(100);
    return o;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static MqttMessage message(String payload, int qos, boolean retained) {
    MqttMessage m = new MqttMessage(utf8(payload));
    m.setQos(qos);
    m.setRetained(retained);
    return m;
  }

  // ---------------------------------------------------------------- tests

  @ParameterizedTest(name = "MQTT {0}")
  @MethodSource("versions")
  @DisplayName("QoS 0, 1 and 2 reach subscribers at min(published, granted) [MQTT-3.8.4-8]")
  void publishAndSubscribeAtEachQos(String name, int version) throws Exception {
    String base = topic("paho3-qos");
    Inbox<Received> atQos2 = new Inbox<>();
    Inbox<Received> atQos0 = new Inbox<>();
    MqttClient sub2 = newClient(clientId("p3sub2"), atQos2);
    MqttClient sub0 = newClient(clientId("p3sub0"), atQos0);
    inParallel(
        () -> sub2.connect(options(version, true)), () -> sub0.connect(options(version, true)));
    sub2.subscribe(base + "/#", 2);
    sub0.subscribe(base + "/+", 0);

    for (int qos = 0; qos <= 2; qos++) {
      publisher(version).publish(base + "/q" + qos, message("payload at qos " + qos, qos, false));
    }

    assertThat(atQos2.await(3))
        .as("a QoS 2 subscription gets each message at the QoS it was published with")
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "payload at qos 0", 0, false),
            new Received(base + "/q1", "payload at qos 1", 1, false),
            new Received(base + "/q2", "payload at qos 2", 2, false));
    assertThat(atQos0.await(3))
        .as("a QoS 0 subscription gets every message downgraded to QoS 0")
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "payload at qos 0", 0, false),
            new Received(base + "/q1", "payload at qos 1", 0, false),
            new Received(base + "/q2", "payload at qos 2", 0, false));
  }

  @Test
  @DisplayName("Messages from one publisher at one QoS arrive in order [MQTT-4.6.0-6]")
  void messagesArriveInOrder() throws Exception {
    // One QoS per topic: Paho hands a QoS 2 message to the application only on PUBREL, so across
    // QoS levels the application may see an order the broker did not send.
    int version = MqttConnectOptions.MQTT_VERSION_3_1_1;
    String base = topic("paho3-order");
    Inbox<Received> inbox = new Inbox<>();
    MqttClient sub = connect(clientId("p3ord"), options(version, true), inbox);
    sub.subscribe(base + "/#", 2);
    for (int i = 0; i < 40; i++) {
      publisher(version).publish(base + "/q1", message("m" + i, 1, false));
      publisher(version).publish(base + "/q2", message("m" + i, 2, false));
    }
    List<Received> got = inbox.await(80);
    for (int qos = 1; qos <= 2; qos++) {
      String t = base + "/q" + qos;
      List<Received> expected = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        expected.add(new Received(t, "m" + i, qos, false));
      }
      assertThat(got.stream().filter(r -> r.topic().equals(t)).toList())
          .as("QoS %d messages in publishing order", qos)
          .containsExactlyElementsOf(expected);
    }
  }

  @ParameterizedTest(name = "MQTT {0}")
  @MethodSource("versions")
  @DisplayName(
      "Retained messages are set, replaced and cleared [MQTT-3.3.1-5] [MQTT-3.3.1-9]"
          + " [MQTT-3.3.1-10] [MQTT-3.3.1-11]")
  void retainedSetReplaceClear(String name, int version) throws Exception {
    String t = topic("paho3-retained");
    MqttClient pub = publisher(version);
    Inbox<Received> first = new Inbox<>();
    Inbox<Received> second = new Inbox<>();
    Inbox<Received> third = new Inbox<>();
    MqttClient early = newClient(clientId("p3r1"), first);
    MqttClient late = newClient(clientId("p3r2"), second);
    MqttClient after = newClient(clientId("p3r3"), third);
    inParallel(
        () -> early.connect(options(version, true)),
        () -> late.connect(options(version, true)),
        () -> after.connect(options(version, true)));

    pub.publish(t, message("first", 1, true));
    early.subscribe(t, 2);
    assertThat(first.await(1))
        .as("a new subscription gets the retained message with RETAIN set")
        .containsExactly(new Received(t, "first", 1, true));

    pub.publish(t, message("second", 2, true));
    assertThat(first.await(2))
        .as("an existing subscriber gets a newly retained message with RETAIN clear")
        .containsExactly(new Received(t, "first", 1, true), new Received(t, "second", 2, false));

    late.subscribe(t, 1);
    assertThat(second.await(1))
        .as("the retained message was replaced; QoS is min(2, granted 1)")
        .containsExactly(new Received(t, "second", 1, true));

    pub.publish(t, message("", 0, true));
    assertThat(first.await(3).get(2))
        .as("an empty retained message is still delivered to current subscribers")
        .isEqualTo(new Received(t, "", 0, false));

    // Retained messages are sent right after SUBACK on the same connection, so a live marker
    // published after subscribing arrives after any retained message would have.
    after.subscribe(t, 1);
    pub.publish(t, message("marker", 1, false));
    assertThat(third.awaitAndTakeBefore(r -> r.payload().equals("marker")))
        .as("no retained message after an empty retained PUBLISH cleared it")
        .isEmpty();
    assertThat(third.all()).containsExactly(new Received(t, "marker", 1, false));
  }

  @ParameterizedTest(name = "MQTT {0}")
  @MethodSource("versions")
  @DisplayName("The will is published when the connection drops without DISCONNECT [MQTT-3.1.2-8]")
  void willOnAbruptClose(String name, int version) throws Exception {
    String willTopic = topic("paho3-will");
    Inbox<Received> watcher = new Inbox<>();
    MqttClient watch = newClient(clientId("p3watch"), watcher);
    MqttClient dying = newClient(clientId("p3dying"), null);
    MqttConnectOptions o = options(version, true);
    o.setWill(willTopic, utf8("gone " + name), 1, false);
    inParallel(() -> watch.connect(options(version, true)), () -> dying.connect(o));
    watch.subscribe(willTopic, 2);

    // Paho closes its socket without sending DISCONNECT: an abrupt end, as far as the broker sees
    dying.disconnectForcibly(0, 1000, false);

    assertThat(watcher.await(1)).containsExactly(new Received(willTopic, "gone " + name, 1, false));
  }

  @Test
  @DisplayName("A retained will is retained [MQTT-3.1.2-17]")
  void retainedWill() throws Exception {
    int version = MqttConnectOptions.MQTT_VERSION_3_1_1;
    String willTopic = topic("paho3-will-retained");
    Inbox<Received> later = new Inbox<>();
    MqttClient sub = newClient(clientId("p3wlate"), later);
    MqttClient dying = newClient(clientId("p3dyingr"), null);
    MqttConnectOptions o = options(version, true);
    o.setWill(willTopic, utf8("offline"), 2, true);
    inParallel(() -> sub.connect(options(version, true)), () -> dying.connect(o));

    dying.disconnectForcibly(0, 1000, false);
    eventually().until(() -> !broker.broker().retained().match(willTopic).isEmpty());

    sub.subscribe(willTopic, 2);
    assertThat(later.await(1)).containsExactly(new Received(willTopic, "offline", 2, true));
    publisher(version).publish(willTopic, message("", 0, true));
  }

  @Test
  @DisplayName("A normal DISCONNECT discards the will [MQTT-3.1.2-10] [MQTT-3.14.4-3]")
  void noWillAfterDisconnect() throws Exception {
    int version = MqttConnectOptions.MQTT_VERSION_3_1_1;
    String willTopic = topic("paho3-nowill");
    Inbox<Received> watcher = new Inbox<>();
    String id = clientId("p3polite");
    MqttClient watch = newClient(clientId("p3watch"), watcher);
    MqttClient polite = newClient(id, null);
    MqttConnectOptions o = options(version, true);
    o.setWill(willTopic, utf8("should not be sent"), 1, false);
    inParallel(() -> watch.connect(options(version, true)), () -> polite.connect(o));
    watch.subscribe(willTopic, 1);

    polite.disconnect(5000);
    // The session goes once the broker handled the connection's end; a will would have been
    // routed to the watcher before that, so a marker published now comes after it.
    eventually().until(() -> broker.broker().sessions().get(id) == null);
    watch.publish(willTopic, message("marker", 1, false));

    assertThat(watcher.awaitAndTakeBefore(r -> r.payload().equals("marker"))).isEmpty();
  }

  @ParameterizedTest(name = "MQTT {0}")
  @MethodSource("versions")
  @DisplayName(
      "A persistent session keeps subscriptions and queues QoS 1 and 2 messages while offline"
          + " [MQTT-3.1.2-4] [MQTT-3.1.2-5] [MQTT-3.2.2-2]")
  void persistentSessionQueuesWhileOffline(String name, int version) throws Exception {
    String t = topic("paho3-offline");
    String id = clientId("p3durable");
    Inbox<Received> inbox = new Inbox<>();
    MqttClient durable = connect(id, options(version, false), inbox);
    durable.subscribe(t, 2);
    durable.disconnect(5000);
    eventually().until(() -> !broker.broker().sessions().get(id).isOnline());

    for (int i = 1; i <= 3; i++) {
      publisher(version).publish(t, message("queued " + i, 1, false));
    }
    publisher(version).publish(t, message("queued at qos 2", 2, false));

    MqttClient again = newClient(id, inbox);
    boolean sessionPresent = again.connectWithResult(options(version, false)).getSessionPresent();
    if (version == MqttConnectOptions.MQTT_VERSION_3_1_1) {
      assertThat(sessionPresent).as("CONNACK session present").isTrue();
    }
    assertThat(inbox.await(4))
        .as("queued in order at their QoS, without subscribing again")
        .containsExactly(
            new Received(t, "queued 1", 1, false),
            new Received(t, "queued 2", 1, false),
            new Received(t, "queued 3", 1, false),
            new Received(t, "queued at qos 2", 2, false));
    again.disconnect(5000);

    // Clean session discards it, and the clean session itself ends with the connection
    // [MQTT-3.1.2-6]
    MqttClient clean = newClient(id, null);
    assertThat(clean.connectWithResult(options(version, true)).getSessionPresent()).isFalse();
    clean.disconnect(5000);
    eventually().until(() -> broker.broker().sessions().get(id) == null);
  }

  @Test
  @DisplayName(
      "An unacknowledged QoS 1 message is sent again, DUP set, when the session resumes"
          + " [MQTT-4.4.0-1] [MQTT-3.3.1-1]")
  void unacknowledgedMessageIsRedelivered() throws Exception {
    int version = MqttConnectOptions.MQTT_VERSION_3_1_1;
    String t = topic("paho3-redeliver");
    String id = clientId("p3redeliver");
    List<MqttMessage> firstTime = new CopyOnWriteArrayList<>();
    MqttClient forgetful = newClient(id, null);
    // No PUBACK: with manual acks Paho acknowledges only when told to, and it is never told.
    forgetful.setManualAcks(true);
    forgetful.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            firstTime.add(message);
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    forgetful.connect(options(version, false));
    forgetful.subscribe(t, 1);
    publisher(version).publish(t, message("please ack", 1, false));
    eventually().until(() -> firstTime.size() == 1);
    assertThat(firstTime.get(0).isDuplicate()).isFalse();
    forgetful.disconnectForcibly(0, 1000, false);
    eventually().until(() -> !broker.broker().sessions().get(id).isOnline());

    List<MqttMessage> secondTime = new CopyOnWriteArrayList<>();
    Inbox<Received> inbox = new Inbox<>();
    MqttClient again = newClient(id, null);
    again.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            secondTime.add(message);
            inbox.add(
                Received.of(topic, message.getPayload(), message.getQos(), message.isRetained()));
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    assertThat(again.connectWithResult(options(version, false)).getSessionPresent()).isTrue();
    assertThat(inbox.await(1)).containsExactly(new Received(t, "please ack", 1, false));
    assertThat(secondTime.get(0).isDuplicate()).as("DUP on the resent PUBLISH").isTrue();
    assertThat(secondTime.get(0).getId())
        .as("same packet identifier")
        .isEqualTo(firstTime.get(0).getId());

    again.disconnect(5000);
    MqttClient clean = newClient(id, null);
    clean.connect(options(version, true));
  }
}
