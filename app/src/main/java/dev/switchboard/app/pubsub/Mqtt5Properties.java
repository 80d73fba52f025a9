package dev.switchboard.app.pubsub;

import dev.switchboard.client.Mqtt5ConnectProperty;
import dev.switchboard.client.Mqtt5DisconnectProperty;
import dev.switchboard.client.Mqtt5PublishProperty;
import dev.switchboard.client.Mqtt5SubscribeProperty;
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The MQTT 5 properties of the -D flags, sorted by the packet they go into. */
final class Mqtt5Properties {
  final Mqtt5ConnectProperty.Builder connect = Mqtt5ConnectProperty.builder();
  final Mqtt5PublishProperty.Builder publish = Mqtt5PublishProperty.builder();
  final Mqtt5SubscribeProperty.Builder subscribe = Mqtt5SubscribeProperty.builder();
  Long sessionExpiry;
  Long disconnectExpiry;
  final List<UserProperty> disconnectUser = new ArrayList<>();
  boolean anyPublish;
  boolean anySubscribe;
  boolean anyDisconnect;
  boolean anyWill;

  private static final Set<String> COMMANDS =
      Set.of(
          "connect",
          "publish",
          "subscribe",
          "unsubscribe",
          "will",
          "disconnect",
          "puback",
          "pubrec",
          "pubrel",
          "pubcomp",
          "auth");

  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "connect",
          Set.of(
              "session-expiry-interval",
              "maximum-packet-size",
              "receive-maximum",
              "topic-alias-maximum",
              "request-problem-information",
              "request-response-information",
              "user-property",
              "authentication-method",
              "authentication-data"),
          "publish",
          Set.of(
              "content-type",
              "correlation-data",
              "message-expiry-interval",
              "payload-format-indicator",
              "response-topic",
              "topic-alias",
              "user-property"),
          "will",
          Set.of(
              "content-type",
              "correlation-data",
              "message-expiry-interval",
              "payload-format-indicator",
              "response-topic",
              "user-property",
              "will-delay-interval"),
          "subscribe",
          Set.of("subscription-identifier", "user-property"),
          "disconnect",
          Set.of("session-expiry-interval", "user-property"));

  private static final Set<String> NAMES =
      Set.of(
          "payload-format-indicator",
          "message-expiry-interval",
          "content-type",
          "response-topic",
          "correlation-data",
          "subscription-identifier",
          "session-expiry-interval",
          "assigned-client-identifier",
          "server-keep-alive",
          "authentication-method",
          "authentication-data",
          "request-problem-information",
          "will-delay-interval",
          "request-response-information",
          "response-information",
          "server-reference",
          "reason-string",
          "receive-maximum",
          "topic-alias-maximum",
          "topic-alias",
          "maximum-qos",
          "retain-available",
          "user-property",
          "maximum-packet-size",
          "wildcard-subscription-available",
          "subscription-identifier-available",
          "shared-subscription-available");

  static Mqtt5Properties parse(List<List<String>> args, Tool tool, boolean v5) throws UsageError {
    Mqtt5Properties p = new Mqtt5Properties();
    Set<String> seen = new HashSet<>();
    for (List<String> a : args) {
      String command = a.get(0).toLowerCase(Locale.ROOT);
      String name = a.get(1).toLowerCase(Locale.ROOT);
      String value = a.get(a.size() - 1);
      if (!COMMANDS.contains(command)) {
        throw new UsageError("Invalid command " + a.get(0) + " given in --property argument.");
      }
      if (!NAMES.contains(name)) {
        throw new UsageError(
            "Invalid property name " + a.get(1) + " given in --property argument.");
      }
      boolean forThisTool =
          switch (command) {
            case "publish" -> tool == Tool.PUB;
            case "subscribe" -> tool == Tool.SUB;
            default -> true;
          };
      Set<String> allowed = ALLOWED.get(command);
      if (!forThisTool || allowed == null) {
        throw new UsageError(
            "properties of "
                + command
                + " packets are not supported by switchboard "
                + tool.command
                + " (its -D takes connect, "
                + (tool == Tool.PUB ? "publish" : "subscribe")
                + ", will and disconnect).");
      }
      if (!allowed.contains(name)) {
        throw new UsageError(
            name + " property not allowed for " + command + " in --property argument.");
      }
      if (name.startsWith("authentication-")) {
        throw new UsageError(
            name + " is not supported: enhanced authentication (AUTH) is not in the client.");
      }
      if (!name.equals("user-property") && !seen.add(command + " " + name)) {
        throw new UsageError(
            "Duplicate property " + name + " for " + command + " in --property argument.");
      }
      if (v5) {
        p.add(command, name, a, value);
      }
    }
    return p;
  }

  private void add(String command, String name, List<String> a, String value) throws UsageError {
    boolean will = command.equals("will");
    switch (command + " " + name) {
      case "connect user-property" -> connect.userProperty(a.get(2), value);
      case "will user-property" -> connect.willUserProperty(a.get(2), value);
      case "publish user-property" -> publish.userProperty(a.get(2), value);
      case "subscribe user-property" -> subscribe.userProperty(a.get(2), value);
      case "disconnect user-property" -> disconnectUser.add(new UserProperty(a.get(2), value));
      case "connect session-expiry-interval" -> sessionExpiry = u32(name, value);
      case "disconnect session-expiry-interval" -> disconnectExpiry = u32(name, value);
      case "connect maximum-packet-size" -> connect.maximumPacketSize(range(name, value, 1));
      case "connect receive-maximum" -> connect.receiveMaximum((int) range(name, value, 1, 65535));
      case "connect topic-alias-maximum" ->
          connect.topicAliasMaximum((int) range(name, value, 0, 65535));
      case "connect request-problem-information" ->
          connect.requestProblemInfo(range(name, value, 0, 1) == 1);
      case "connect request-response-information" ->
          connect.requestResponseInfo(range(name, value, 0, 1) == 1);
      case "will will-delay-interval" -> connect.willDelayInterval(u32(name, value));
      case "publish topic-alias" -> publish.topicAlias((int) range(name, value, 1, 65535));
      case "subscribe subscription-identifier" ->
          subscribe.subscribeId((int) range(name, value, 1, 268_435_455));
      default -> {
        switch (name) {
          case "content-type" -> {
            if (will) {
              connect.willContentType(value);
            } else {
              publish.contentType(value);
            }
          }
          case "correlation-data" -> {
            byte[] data = value.getBytes(StandardCharsets.UTF_8);
            if (will) {
              connect.willCorrelationData(data);
            } else {
              publish.correlationData(data);
            }
          }
          case "message-expiry-interval" -> {
            if (will) {
              connect.willMessageExpiryInterval(u32(name, value));
            } else {
              publish.messageExpiryInterval(u32(name, value));
            }
          }
          case "payload-format-indicator" -> {
            boolean utf8 = range(name, value, 0, 1) == 1;
            if (will) {
              connect.willPayloadFormatIndicator(utf8);
            } else {
              publish.payloadFormatIndicator(utf8);
            }
          }
          case "response-topic" -> {
            if (!Topics.isValidName(value)) {
              throw new UsageError(
                  "Invalid response-topic '" + value + "', does it contain '+' or '#'?");
            }
            if (will) {
              connect.willResponseTopic(value);
            } else {
              publish.responseTopic(value);
            }
          }
          default -> throw new IllegalStateException(command + " " + name);
        }
      }
    }
    anyPublish |= command.equals("publish");
    anySubscribe |= command.equals("subscribe");
    anyDisconnect |= command.equals("disconnect");
    anyWill |= command.equals("will");
  }

  Mqtt5PublishProperty publish() {
    return anyPublish ? publish.build() : null;
  }

  Mqtt5SubscribeProperty subscribe() {
    return anySubscribe ? subscribe.build() : null;
  }

  Mqtt5DisconnectProperty disconnect() {
    return anyDisconnect ? new Mqtt5DisconnectProperty(disconnectExpiry, 0, disconnectUser) : null;
  }

  private static long u32(String name, String value) throws UsageError {
    return range(name, value, 0, 0xFFFF_FFFFL);
  }

  private static long range(String name, String value, long min) throws UsageError {
    return range(name, value, min, 0xFFFF_FFFFL);
  }

  private static long range(String name, String value, long min, long max) throws UsageError {
    try {
      long v = Long.parseLong(value.strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageError(
        "Property value ("
            + value
            + ") out of range for property "
            + name
            + " ("
            + min
            + " to "
            + max
            + ").");
  }
}
