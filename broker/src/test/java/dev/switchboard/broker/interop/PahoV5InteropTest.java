package dev.switchboard.broker.interop;

import static dev.switchboard.broker.interop.InteropSupport.clientId;
import static dev.switchboard.broker.interop.InteropSupport.eventually;
import static dev.switchboard.broker.interop.InteropSupport.inParallel;
import static dev.switchboard.broker.interop.InteropSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.broker.interop.InteropSupport.Closer;
import dev.switchboard.broker.interop.InteropSupport.Inbox;
import dev.switchboard.broker.interop.InteropSupport.Received;
import dev.switchboard.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Eclipse Paho Java (mqttv5 1.2.5) against the broker over MQTT 5.0. */
@DisplayName("Interop: Eclipse Paho Java v5 client")
class PahoV5InteropTest {
  private static final long WAIT = InteropSupport.TIMEOUT.toMillis();

  private static TestBroker broker;
  private static final Closer shared = new Closer();
  private static MqttAsyncClient publisher;
  private final Closer closer = new Closer();

  /** A message as Paho v5 delivered it: the common fields and its MQTT 5 properties. */
  record V5Message(Received summary, MqttProperties properties) {
    String payload() {
      return summary.payload();
    }
  }

  @BeforeAll
  static void startBrokerAndPublisher() throws Exception {
    broker = TestBroker.start();
    publisher = newClient(shared, clientId("p5pub"), null);
    publisher.connect(options(true, 0)).waitForCompletion(WAIT);
  }

  @AfterAll
  static void stopBroker() {
    shared.close();
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeClients() {
    closer.close();
  }

  // ---------------------------------------------------------------- helpers

  private MqttAsyncClient newClient(String id, Inbox<V5Message> inbox) throws MqttException {
    return newClient(closer, id, inbox);
  }

  /** A client, not yet connected, that {@code closer} ends without DISCONNECT. */
  private static MqttAsyncClient newClient(Closer closer, String id, Inbox<V5Message> inbox)
      throws MqttException {
    MqttAsyncClient client =
        new MqttAsyncClient("tcp://127.0.0.1:" + broker.port(), id, new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void disconnected(MqttDisconnectResponse response) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            if (inbox != null) {
              inbox.add(
                  new V5Message(
                      Received.of(
                          topic, message.getPayload(), message.getQos(), message.isRetained()),
                      message.getProperties()));
            }
          }

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverURI) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
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

  private static MqttConnectionOptions options(boolean cleanStart, long sessionExpiry) {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(cleanStart);
    o.setSessionExpiryInterval(sessionExpiry);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(10);
    o.setKeepAliveInterval(30);
    // Subscription identifiers are the test's to choose, not Paho's
    o.setUseSubscriptionIdentifiers(false);
    return o;
  }

  private static boolean connect(MqttAsyncClient client, MqttConnectionOptions options)
      throws MqttException {
    IMqttToken token = client.connect(options);
    token.waitForCompletion(WAIT);
    return token.getSessionPresent();
  }

  private static void subscribe(MqttAsyncClient client, String filter, int qos)
      throws MqttException {
    subscribe(client, new MqttSubscription(filter, qos), null);
  }

  private static void subscribe(
      MqttAsyncClient client, MqttSubscription subscription, Integer subscriptionId)
      throws MqttException {
    MqttProperties props = new MqttProperties();
    if (subscriptionId != null) {
      // Paho encodes the singular property in SUBSCRIBE; a list set here is silently dropped
      props.setSubscriptionIdentifier(subscriptionId);
    }
    IMqttToken token = client.subscribe(new MqttSubscription[] {subscription}, null, null, props);
    token.waitForCompletion(WAIT);
    assertThat(token.getReasonCodes())
        .as("SUBACK for %s", subscription.getTopic())
        .containsExactly(subscription.getQos());
  }

  private static void publish(MqttAsyncClient client, String topic, MqttMessage message)
      throws MqttException {
    client.publish(topic, message).waitForCompletion(WAIT);
  }

  private static MqttMessage message(String payload, int qos, boolean retained) {
    MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    m.setQos(qos);
    m.setRetained(retained);
    return m;
  }

  private static MqttMessage message(String payload, int qos, MqttProperties properties) {
    MqttMessage m = message(payload, qos, false);
    m.setProperties(properties);
    return m;
  }

  private static List<Received> summaries(List<V5Message> messages) {
    return messages.stream().map(V5Message::summary).toList();
  }

  // ---------------------------------------------------------------- tests

  @Test
  @DisplayName("QoS 0, 1 and 2 reach subscribers at min(published, granted) [MQTT-3.8.4-8]")
  void publishAndSubscribeAtEachQos() throws Exception {
    String base = topic("paho5-qos");
    Inbox<V5Message> atQos2 = new Inbox<>();
    Inbox<V5Message> atQos1 = new Inbox<>();
    MqttAsyncClient sub2 = newClient(clientId("p5sub2"), atQos2);
    MqttAsyncClient sub1 = newClient(clientId("p5sub1"), atQos1);
    inParallel(() -> connect(sub2, options(true, 0)), () -> connect(sub1, options(true, 0)));
    subscribe(sub2, base + "/#", 2);
    subscribe(sub1, base + "/+", 1);

    for (int qos = 0; qos <= 2; qos++) {
      publish(publisher, base + "/q" + qos, message("five at " + qos, qos, false));
    }

    assertThat(summaries(atQos2.await(3)))
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "five at 0", 0, false),
            new Received(base + "/q1", "five at 1", 1, false),
            new Received(base + "/q2", "five at 2", 2, false));
    assertThat(summaries(atQos1.await(3)))
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "five at 0", 0, false),
            new Received(base + "/q1", "five at 1", 1, false),
            new Received(base + "/q2", "five at 2", 1, false));
  }

  @Test
  @DisplayName(
      "User properties (in order), content type and payload format reach the subscriber"
          + " [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20] [MQTT-3.3.2-4]")
  void userPropertiesAndContentType() throws Exception {
    String t = topic("paho5-props");
    Inbox<V5Message> inbox = new Inbox<>();
    MqttAsyncClient sub = newClient(clientId("p5props"), inbox);
    connect(sub, options(true, 0));
    subscribe(sub, t, 1);

    MqttProperties props = new MqttProperties();
    props.setUserProperties(
        List.of(
            new UserProperty("site", "lab 7"),
            new UserProperty("device", "esp32-a"),
            new UserProperty("site", "second value, same key")));
    props.setContentType("application/json; charset=utf-8");
    props.setPayloadFormat(true);
    publish(publisher, t, message("{\"temperature\":21.5}", 1, props));

    V5Message got = inbox.await(1).get(0);
    assertThat(got.summary()).isEqualTo(new Received(t, "{\"temperature\":21.5}", 1, false));
    assertThat(got.properties().getUserProperties())
        .extracting(UserProperty::getKey, UserProperty::getValue)
        .containsExactly(
            tuple("site", "lab 7"),
            tuple("device", "esp32-a"),
            tuple("site", "second value, same key"));
    assertThat(got.properties().getContentType()).isEqualTo("application/json; charset=utf-8");
    assertThat(got.properties().getPayloadFormat()).isTrue();
  }

  @Test
  @DisplayName(
      "Request/response: response topic and correlation data reach the responder unchanged"
          + " [MQTT-3.3.2-15] [MQTT-3.3.2-16]")
  void requestResponse() throws Exception {
    String requests = topic("paho5-request");
    String responses = topic("paho5-response");
    Inbox<V5Message> atRequester = new Inbox<>();
    Inbox<V5Message> atResponder = new Inbox<>();
    MqttAsyncClient requester = newClient(clientId("p5req"), atRequester);
    MqttAsyncClient responder = newClient(clientId("p5resp"), null);
    responder.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage request) throws Exception {
            atResponder.add(
                new V5Message(
                    Received.of(topic, request.getPayload(), request.getQos(), false),
                    request.getProperties()));
            MqttProperties replyProps = new MqttProperties();
            replyProps.setCorrelationData(request.getProperties().getCorrelationData());
            String question = new String(request.getPayload(), StandardCharsets.UTF_8);
            // Not waited for: this runs on Paho's callback thread
            responder.publish(
                request.getProperties().getResponseTopic(),
                message("answer to " + question, 1, replyProps));
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverURI) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    inParallel(
        () -> connect(requester, options(true, 0)), () -> connect(responder, options(true, 0)));
    subscribe(responder, requests, 1);
    subscribe(requester, responses, 1);

    for (int i = 1; i <= 2; i++) {
      MqttProperties props = new MqttProperties();
      props.setResponseTopic(responses);
      props.setCorrelationData(new byte[] {0, (byte) 0xff, (byte) i});
      publish(requester, requests, message("question " + i, 1, props));
    }

    List<V5Message> asked = atResponder.await(2);
    assertThat(asked.get(0).properties().getResponseTopic()).isEqualTo(responses);
    List<V5Message> answers = atRequester.await(2);
    assertThat(summaries(answers))
        .containsExactlyInAnyOrder(
            new Received(responses, "answer to question 1", 1, false),
            new Received(responses, "answer to question 2", 1, false));
    for (V5Message answer : answers) {
      int i = answer.payload().endsWith("1") ? 1 : 2;
      assertThat(answer.properties().getCorrelationData())
          .as("correlation data of %s", answer.payload())
          .containsExactly(0, 0xff, i);
    }
  }

  @Test
  @DisplayName(
      "Subscription identifiers: one copy carrying the id of every matching subscription"
          + " [MQTT-3.3.4-3] [MQTT-3.3.4-4] [MQTT-3.3.4-5]")
  void subscriptionIdentifiers() throws Exception {
    String base = topic("paho5-subid");
    Inbox<V5Message> inbox = new Inbox<>();
    MqttAsyncClient sub = newClient(clientId("p5subid"), inbox);
    connect(sub, options(true, 0));
    subscribe(sub, new MqttSubscription(base + "/+", 1), 7);
    subscribe(sub, new MqttSubscription(base + "/#", 2), 268_435_455);
    subscribe(sub, new MqttSubscription(base + "/only/#", 0), null);

    publish(publisher, base + "/both", message("to both", 2, false));
    publish(publisher, base + "/only/x", message("to the one without id", 1, false));

    List<V5Message> got = inbox.await(2);
    V5Message both =
        got.stream().filter(m -> m.payload().equals("to both")).findFirst().orElseThrow();
    assertThat(both.summary())
        .as("one copy at the highest granted QoS")
        .isEqualTo(new Received(base + "/both", "to both", 2, false));
    assertThat(both.properties().getSubscriptionIdentifiers())
        .containsExactlyInAnyOrder(7, 268_435_455);
    V5Message other =
        got.stream().filter(m -> m.payload().startsWith("to the one")).findFirst().orElseThrow();
    assertThat(other.summary())
        .isEqualTo(new Received(base + "/only/x", "to the one without id", 1, false));
    assertThat(other.properties().getSubscriptionIdentifiers())
        .as("only the matching subscription with an id: base/#")
        .containsExactly(268_435_455);
    assertThat(inbox.all()).hasSize(2);
  }

  @Test
  @DisplayName("A shared subscription gives each message to one member of the group [MQTT-4.8.2-2]")
  void sharedSubscription() throws Exception {
    String t = topic("paho5-shared");
    Inbox<V5Message> memberA = new Inbox<>();
    Inbox<V5Message> memberB = new Inbox<>();
    Inbox<V5Message> everything = new Inbox<>();
    MqttAsyncClient a = newClient(clientId("p5shA"), memberA);
    MqttAsyncClient b = newClient(clientId("p5shB"), memberB);
    MqttAsyncClient plain = newClient(clientId("p5plain"), everything);
    inParallel(
        () -> connect(a, options(true, 0)),
        () -> connect(b, options(true, 0)),
        () -> connect(plain, options(true, 0)));
    subscribe(a, "$share/workers/" + t, 1);
    subscribe(b, "$share/workers/" + t, 1);
    subscribe(plain, t, 1);

    int n = 20;
    for (int i = 0; i < n; i++) {
      publish(publisher, t, message("job " + i, 1, false));
    }

    assertThat(everything.await(n)).as("a non-shared subscriber gets them all").hasSize(n);
    eventually().until(() -> memberA.size() + memberB.size() >= n);
    List<Received> shared = new ArrayList<>(summaries(memberA.all()));
    shared.addAll(summaries(memberB.all()));
    Set<String> payloads = new HashSet<>();
    for (Received r : shared) {
      assertThat(r.topic()).as("the topic name, not the share filter").isEqualTo(t);
      assertThat(r.qos()).isEqualTo(1);
      assertThat(r.retained()).isFalse();
      payloads.add(r.payload());
    }
    assertThat(shared).as("each message to exactly one member").hasSize(n);
    assertThat(payloads).hasSize(n);
    assertThat(memberA.size()).as("spread over both members").isPositive();
    assertThat(memberB.size()).as("spread over both members").isPositive();
  }

  @Test
  @DisplayName(
      "Message expiry: an expired message is not delivered, queued or retained; a live one"
          + " carries the time left [MQTT-3.3.2-5] [MQTT-3.3.2-6]")
  void messageExpiry() throws Exception {
    String t = topic("paho5-expiry");
    String retainedShort = t + "/retained-short";
    String retainedLong = t + "/retained-long";
    String id = clientId("p5exp");
    Inbox<V5Message> inbox = new Inbox<>();
    MqttAsyncClient sub = newClient(id, inbox);
    connect(sub, options(true, 300));
    subscribe(sub, t, 1);
    sub.disconnect().waitForCompletion(WAIT);
    eventually().until(() -> !broker.broker().sessions().get(id).isOnline());

    MqttProperties shortLived = new MqttProperties();
    shortLived.setMessageExpiryInterval(1L);
    MqttProperties longLived = new MqttProperties();
    longLived.setMessageExpiryInterval(60L);
    long publishedAt = System.nanoTime();
    publish(publisher, t, message("expires in 1 s", 1, shortLived));
    publish(publisher, t, message("expires in 60 s", 1, longLived));
    publish(publisher, t, message("never expires", 1, new MqttProperties()));
    MqttMessage retained = message("retained for 1 s", 1, shortLived);
    retained.setRetained(true);
    publish(publisher, retainedShort, retained);
    MqttMessage kept = message("retained for 60 s", 1, longLived);
    kept.setRetained(true);
    publish(publisher, retainedLong, kept);

    // The feature under test is the passing of time: wait until the short-lived ones expired.
    long expiredAt = publishedAt + TimeUnit.MILLISECONDS.toNanos(1100);
    eventually().until(() -> System.nanoTime() - expiredAt > 0);

    MqttAsyncClient again = newClient(id, inbox);
    assertThat(connect(again, options(false, 300))).as("session present").isTrue();
    assertThat(inbox.awaitAndTakeBefore(m -> m.payload().equals("never expires")))
        .extracting(V5Message::summary)
        .as("the expired message is gone; the others come in order")
        .containsExactly(new Received(t, "expires in 60 s", 1, false));
    V5Message live = inbox.all().get(0);
    assertThat(live.properties().getMessageExpiryInterval())
        .as("expiry lowered by the time spent queued")
        .isBetween(1L, 59L);
    assertThat(inbox.all().get(1).properties().getMessageExpiryInterval()).isNull();

    subscribe(again, t + "/+", 1);
    List<V5Message> all = inbox.await(3);
    assertThat(all.get(2).summary())
        .as("only the unexpired retained message")
        .isEqualTo(new Received(retainedLong, "retained for 60 s", 1, true));
    assertThat(all.get(2).properties().getMessageExpiryInterval()).isBetween(1L, 59L);
    publish(publisher, retainedLong, message("", 0, true)); // clean up; delivered live, too
    publish(publisher, t + "/marker", message("marker", 0, false));
    assertThat(inbox.awaitAndTakeBefore(m -> m.payload().equals("marker")))
        .extracting(V5Message::payload)
        .as("the expired retained message never came")
        .containsExactly("expires in 60 s", "never expires", "retained for 60 s", "");
    again.disconnect().waitForCompletion(WAIT);
  }

  @Test
  @DisplayName(
      "DISCONNECT may shorten the session expiry to 0: the session ends with the connection"
          + " [MQTT-3.14.2-2]")
  void sessionExpiryChangedOnDisconnect() throws Exception {
    String id = clientId("p5disexp");
    MqttAsyncClient client = newClient(id, null);
    connect(client, options(true, 300));
    MqttProperties props = new MqttProperties();
    props.setSessionExpiryInterval(0L);
    client.disconnect(WAIT, null, null, 0, props).waitForCompletion(WAIT);
    eventually().until(() -> broker.broker().sessions().get(id) == null);

    MqttAsyncClient again = newClient(id, null);
    assertThat(connect(again, options(false, 0))).as("no session present").isFalse();
  }

  @Test
  @DisplayName(
      "Session expiry and session present: kept while within its expiry, gone after it"
          + " [MQTT-3.1.2-23] [MQTT-3.2.2-2] [MQTT-3.2.2-3] [MQTT-3.1.2-4]")
  void sessionExpiryAndSessionPresent() throws Exception {
    String t = topic("paho5-session");
    String id = clientId("p5sess");
    Inbox<V5Message> inbox = new Inbox<>();
    MqttAsyncClient first = newClient(id, inbox);
    assertThat(connect(first, options(true, 60))).as("clean start: no session").isFalse();
    subscribe(first, t, 2);
    first.disconnect().waitForCompletion(WAIT);
    eventually().until(() -> !broker.broker().sessions().get(id).isOnline());
    publish(publisher, t, message("while away", 2, false));

    MqttAsyncClient second = newClient(id, inbox);
    assertThat(connect(second, options(false, 1))).as("resumed: session present").isTrue();
    assertThat(summaries(inbox.await(1))).containsExactly(new Received(t, "while away", 2, false));
    second.disconnect().waitForCompletion(WAIT);

    // Expiry 1 s from the last connection's end; then nothing of it is left.
    eventually().until(() -> broker.broker().sessions().get(id) == null);
    MqttAsyncClient third = newClient(id, inbox);
    assertThat(connect(third, options(false, 0))).as("expired: no session present").isFalse();
    publish(publisher, t, message("after expiry", 1, false));
    subscribe(third, t + "/marker", 0);
    publish(publisher, t + "/marker", message("marker", 0, false));
    assertThat(summaries(inbox.awaitAndTakeBefore(m -> m.payload().equals("marker"))))
        .as("the expired session's subscription went with it")
        .containsExactly(new Received(t, "while away", 2, false));
  }

  @Test
  @DisplayName(
      "Will: sent with its properties on an abrupt close and on DISCONNECT 0x04 [MQTT-3.1.2-8]"
          + " [MQTT-3.14.4-3]")
  void willOnAbruptCloseAndOnDisconnectWithWill() throws Exception {
    String willTopic = topic("paho5-will");
    Inbox<V5Message> watcher = new Inbox<>();
    MqttAsyncClient watch = newClient(clientId("p5watch"), watcher);
    MqttAsyncClient dropped = newClient(clientId("p5drop"), null);
    MqttAsyncClient asked = newClient(clientId("p5ask"), null);
    MqttConnectionOptions droppedOptions = options(true, 0);
    MqttProperties willProps = new MqttProperties();
    willProps.setContentType("text/plain");
    willProps.setUserProperties(List.of(new UserProperty("reason", "power lost")));
    droppedOptions.setWill(willTopic, message("dropped", 1, false));
    droppedOptions.setWillMessageProperties(willProps);
    MqttConnectionOptions askedOptions = options(true, 0);
    askedOptions.setWill(willTopic, message("asked for its will", 2, false));
    inParallel(
        () -> connect(watch, options(true, 0)),
        () -> connect(dropped, droppedOptions),
        () -> connect(asked, askedOptions));
    subscribe(watch, willTopic, 2);

    dropped.disconnectForcibly(0, 1000, false);
    V5Message first = watcher.await(1).get(0);
    assertThat(first.summary()).isEqualTo(new Received(willTopic, "dropped", 1, false));
    assertThat(first.properties().getContentType()).isEqualTo("text/plain");
    assertThat(first.properties().getUserProperties())
        .extracting(UserProperty::getKey, UserProperty::getValue)
        .containsExactly(tuple("reason", "power lost"));

    asked.disconnect(WAIT, null, null, 0x04, new MqttProperties()).waitForCompletion(WAIT);
    assertThat(summaries(watcher.await(2)).get(1))
        .isEqualTo(new Received(willTopic, "asked for its will", 2, false));
  }

  @Test
  @DisplayName("No Local and Retain As Published subscription options [MQTT-3.8.3-3]")
  void noLocalAndRetainAsPublished() throws Exception {
    String t = topic("paho5-options");
    Inbox<V5Message> inbox = new Inbox<>();
    MqttAsyncClient client = newClient(clientId("p5opts"), inbox);
    connect(client, options(true, 0));
    MqttSubscription noLocal = new MqttSubscription(t + "/local", 1);
    noLocal.setNoLocal(true);
    MqttSubscription asPublished = new MqttSubscription(t + "/retained", 1);
    asPublished.setRetainAsPublished(true);
    subscribe(client, noLocal, null);
    subscribe(client, asPublished, null);

    publish(client, t + "/local", message("own message", 1, false));
    publish(publisher, t + "/local", message("someone else's", 1, false));
    publish(publisher, t + "/retained", message("kept", 1, true));

    assertThat(summaries(inbox.await(2)))
        .containsExactly(
            new Received(t + "/local", "someone else's", 1, false),
            new Received(t + "/retained", "kept", 1, true));
    publish(publisher, t + "/retained", message("", 0, true));
  }
}
