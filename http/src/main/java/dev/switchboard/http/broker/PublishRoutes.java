package dev.switchboard.http.broker;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/v1/hubs/{hub}/publish}: a message into the hub's topic space, routed as a
 * client's would be (retained store, subscribers, the store for persistent sessions). The answer
 * says how many subscribers it went to. Publishing is traffic, not administration: it is not
 * written to the audit log (a script may publish thousands a second).
 */
public final class PublishRoutes {
  /** The publisher id of the API's messages: what a 5.0 subscriber's No Local compares. */
  static final String PUBLISHER = "$http";

  private final LiveState live;
  private final ExistingHub hubs;
  private final Json json;

  record Publish(
      String topic,
      String payload,
      String payloadBase64,
      Integer qos,
      Boolean retain,
      MessageJson.Properties properties) {}

  record Published(String topic, int subscribers, boolean delivered) {}

  public PublishRoutes(LiveState live, ExistingHub hubs, Json json) {
    this.live = live;
    this.hubs = hubs;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.post("/api/v1/hubs/{hub}/publish", Access.WRITE, this::publish));
  }

  private void publish(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    Publish body = json.read(ctx, Publish.class);
    Message message = message(body, hub, live.broker().config());
    int subscribers = live.broker().publish(message);
    json.send(ctx, new Published(message.topic(), subscribers, subscribers > 0));
  }

  /** The message a request asks for, checked whole; a problem naming the field. */
  static Message message(Publish body, String hub, BrokerConfig config) {
    String topic = body.topic();
    if (topic == null || !Topics.isValidName(topic)) {
      throw Problem.invalid("topic", "a topic name, without wildcards, is required");
    }
    if (topic.startsWith("$")) {
      throw Problem.invalid("topic", "topics starting with '$' are the server's");
    }
    if (body.payload() != null && body.payloadBase64() != null) {
      throw Problem.invalid("payloadBase64", "give payload or payloadBase64, not both");
    }
    byte[] payload;
    if (body.payloadBase64() != null) {
      try {
        payload = Base64.getDecoder().decode(body.payloadBase64());
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("payloadBase64", "not base64");
      }
    } else {
      payload =
          body.payload() == null ? new byte[0] : body.payload().getBytes(StandardCharsets.UTF_8);
    }
    if (payload.length > config.maxPacketSize()) {
      throw Problem.invalid(
          "payload",
          "the payload is larger than limits.max-packet-size (" + config.maxPacketSize() + ")");
    }
    int qos = body.qos() == null ? 0 : body.qos();
    if (qos < 0 || qos > config.maxQos()) {
      throw Problem.invalid("qos", "QoS is 0 to " + config.maxQos() + " on this server");
    }
    boolean retain = Boolean.TRUE.equals(body.retain());
    if (retain && !config.retainAvailable()) {
      throw Problem.invalid("retain", "this server keeps no retained messages");
    }
    MqttProperties properties = MessageJson.properties(body.properties());
    Long expiry = properties.messageExpiryInterval();
    long expiresAt =
        expiry == null ? Message.NEVER : System.nanoTime() + TimeUnit.SECONDS.toNanos(expiry);
    return new Message(topic, payload, qos, retain, properties, PUBLISHER, expiresAt, hub);
  }
}
