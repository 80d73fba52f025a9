package dev.switchboard.broker.connection;

import dev.switchboard.broker.auth.Quota;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.intercept.PublishInterceptors;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PUBLISH from a client, up to its acknowledgement: topic aliases, the checks of its QoS, retain
 * flag and payload format, QoS 2 duplicates, authorization, the interceptors, routing, and the
 * PUBACK or PUBREC once what it promises is stored; then the PUBREL that completes a QoS 2 flow.
 * Shared by every connection; holds no state of its own.
 */
final class PublishFlow {
  private static final Logger log = LoggerFactory.getLogger(PublishFlow.class);

  private final ConnectionContext context;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;
  private final PublishInterceptors interceptors;

  PublishFlow(ConnectionContext context) {
    this.context = context;
    this.config = context.config();
    this.metrics = context.metrics();
    this.interceptors = context.interceptors();
  }

  void onPublish(MqttConnection c, Publish p) {
    metrics.publishReceived(p.qos());
    boolean v5 = c.writer.isV5();
    MqttProperties props = p.properties();
    String topic = resolveAlias(c, p.topic(), props.topicAlias());
    if (topic == null) {
      return; // the connection was closed for a bad alias
    }
    if (!Topics.isValidName(topic)) {
      c.protocolError(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name");
      return;
    }
    if (p.qos() > config.maxQos()) {
      c.protocolError(
          ReasonCode.QOS_NOT_SUPPORTED, "QoS " + p.qos() + " over the maximum"); // [MQTT-3.2.2-11]
      return;
    }
    if (p.retain() && !config.retainAvailable()) {
      c.protocolError(ReasonCode.RETAIN_NOT_SUPPORTED, "retain not available"); // [MQTT-3.2.2-14]
      return;
    }
    if (p.qos() == 2 && c.session.awaitingPubrel().contains(p.packetId())) {
      // A resent QoS 2 PUBLISH: acknowledge again, do not deliver twice [MQTT-4.3.3-9]
      c.reply(new PubRec(p.packetId()), false, null);
      return;
    }
    if (p.qos() == 2 && c.session.awaitingPubrel().count() >= config.receiveMaximum()) {
      c.protocolError(
          ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
          "more than Receive Maximum QoS 2 in flight"); // [MQTT-3.3.4-9]
      return;
    }
    if (v5
        && Integer.valueOf(1).equals(props.payloadFormatIndicator())
        && !Diagnostics.isUtf8(p.payload())) {
      String why = "the payload is not UTF-8 but its Payload Format Indicator says it is";
      if (p.qos() == 0) {
        c.protocolError(ReasonCode.PAYLOAD_FORMAT_INVALID, why);
      } else {
        acknowledge(c, p, ReasonCode.PAYLOAD_FORMAT_INVALID, why, false, null);
      }
      return;
    }
    if (topic.startsWith("$") && !reservedTopicAllowed(c, p, topic)) {
      return;
    }
    if (!isSystemTopic(topic) && !context.authorizer().canPublish(c.identity, topic)) {
      metrics.publishDenied.increment();
      if (log.isDebugEnabled()) {
        log.debug("{}: PUBLISH to '{}' not authorized", c.describe(), LogSafe.text(topic));
      }
      refuse(c, p, ReasonCode.NOT_AUTHORIZED, "not authorized to publish to " + topic);
      return;
    }
    Quota quota = c.identity.principal().quota();
    if (quota != Quota.NONE && !withinQuota(c, p, topic, quota)) {
      return;
    }
    Message message =
        toMessage(
            c.writer.version(),
            topic,
            p.payload(),
            p.qos(),
            p.retain(),
            props,
            c.identity.clientId(),
            c.identity.hub(),
            true);
    List<Message> copies = List.of();
    List<Change> changes = List.of();
    if (!interceptors.isEmpty()) {
      PublishInterceptors.Outcome outcome = interceptors.run(c.identity, message);
      if (outcome.refused()) {
        metrics.publishRefusedByInterceptor.increment();
        log.debug(
            "{}: PUBLISH to '{}' refused by an interceptor ({})",
            c.describe(),
            LogSafe.text(topic),
            ReasonCode.describe(outcome.refusal().reasonCode()));
        if (outcome.refusal().disconnect()) {
          c.disconnect(outcome.refusal().reasonCode(), outcome.refusal().reason());
        } else {
          refuse(c, p, outcome.refusal().reasonCode(), outcome.refusal().reason());
        }
        return;
      }
      message = outcome.message();
      copies = outcome.copies();
      changes = outcome.changes();
    }
    route(c, p, message, changes);
    for (Message copy : copies) {
      context.router().publish(copy);
    }
  }

  /**
   * The hub's message size and retained limits: a payload over the size ends the connection (Packet
   * too large, 0x95, in 5.0); a retained message for a new topic past the retained limit is refused
   * (Quota exceeded, 0x97) and not routed. False when the PUBLISH was refused. Reached only by
   * clients of a hub with limits.
   */
  private boolean withinQuota(MqttConnection c, Publish p, String topic, Quota quota) {
    String hub = c.identity.hub();
    int size = quota.messageSize();
    if (size > 0 && p.payload().length > size) {
      context.spaces().of(hub).refusals().messageSize.increment();
      log.info(
          "{}: PUBLISH to '{}' of {} bytes over hub '{}''s message size of {}",
          c.describe(),
          LogSafe.text(topic),
          p.payload().length,
          hub,
          size);
      c.disconnect(ReasonCode.PACKET_TOO_LARGE, "message over the hub's size of " + size);
      return false;
    }
    int retained = quota.retainedMessages();
    if (retained > 0 && p.retain() && p.payload().length > 0) {
      TopicSpaces.Space space = context.spaces().of(hub);
      // $SYS topics are the broker's, not counted ('#' does not match them)
      if (space.retained().size() >= retained
          && space.retained().match(topic).isEmpty()
          && space.retained().match("#").size() >= retained) {
        space.refusals().retained.increment();
        log.info(
            "{}: retained PUBLISH to '{}' refused: hub '{}' holds its limit of {} retained"
                + " messages",
            c.describe(),
            LogSafe.text(topic),
            hub,
            retained);
        refuse(c, p, ReasonCode.QUOTA_EXCEEDED, "the hub's retained messages are at its limit");
        return false;
      }
    }
    return true;
  }

  /**
   * Topics a client does not publish to as it does to others: {@code $share/...} names shared
   * subscriptions, not a topic (refused, 0x90); {@code $SYS} and below are the broker's figures,
   * which only an explicit rule lets a client write (refused, 0x87). False when the PUBLISH was
   * refused.
   */
  private boolean reservedTopicAllowed(MqttConnection c, Publish p, String topic) {
    if (topic.startsWith(Topics.SHARE_PREFIX)) {
      metrics.publishDenied.increment();
      log.debug(
          "{}: PUBLISH to '{}' refused: a shared subscription's name",
          c.describe(),
          LogSafe.text(topic));
      refuse(
          c,
          p,
          ReasonCode.TOPIC_NAME_INVALID,
          "$share/ names shared subscriptions; it is not a topic");
      return false;
    }
    if (isSystemTopic(topic) && !context.authorizer().canPublishSystemTopic(c.identity, topic)) {
      metrics.publishDenied.increment();
      log.debug(
          "{}: PUBLISH to '{}' refused: the broker's own topic", c.describe(), LogSafe.text(topic));
      refuse(c, p, ReasonCode.NOT_AUTHORIZED, "$SYS topics are the broker's");
      return false;
    }
    return true;
  }

  static boolean isSystemTopic(String topic) {
    return topic.startsWith("$SYS") && (topic.length() == 4 || topic.charAt(4) == '/');
  }

  /**
   * What must be kept for a QoS 1/2 message (copies for persistent sessions, the retained message,
   * our QoS 2 state) is committed as one unit before the acknowledgement goes out; the router
   * appends the unit before it hands the copies to their sessions. Changes the interceptors asked
   * for go in the unit too (a QoS 0 message has none: they are appended on their own). A route
   * target that sent copies to other nodes may hold the acknowledgement too, until they are safe
   * there (a QoS 0 message offers it nothing to hold).
   */
  private void route(MqttConnection c, Publish p, Message message, List<Change> changes) {
    List<Change> unit = context.journal() == null || p.qos() == 0 ? null : new ArrayList<>(2);
    if (unit != null && p.qos() == 2 && c.session.isPersistent()) {
      unit.add(new Change.AwaitPubrel(c.identity.clientId(), p.packetId()));
    }
    storeWith(context.journal(), unit, changes);
    int delivered = context.router().publish(message, unit, c, p.qos() == 0 ? null : c);
    AcknowledgementHold hold = c.routedHold;
    c.routedHold = null;
    int code =
        delivered == 0 && c.writer.isV5() ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    acknowledge(c, p, code, null, unit != null && !unit.isEmpty(), hold);
  }

  /**
   * The interceptors' changes: into the publisher's unit when it has one, else (QoS 0) appended at
   * once; dropped without a store.
   */
  static void storeWith(Journal journal, List<Change> unit, List<Change> changes) {
    if (changes.isEmpty() || journal == null) {
      return;
    }
    if (unit != null) {
      unit.addAll(changes);
    } else {
      journal.appendAll(changes);
    }
  }

  /**
   * The topic of a PUBLISH once its Topic Alias is applied [MQTT-3.3.2-10]: the alias is set or
   * looked up. Null when the alias is out of range or unknown: the connection is closed.
   */
  private String resolveAlias(MqttConnection c, String topic, Integer alias) {
    if (alias == null) {
      return topic;
    }
    if (alias == 0 || alias > config.topicAliasMaximum()) {
      c.protocolError(
          ReasonCode.TOPIC_ALIAS_INVALID,
          "topic alias " + alias + " out of range"); // [MQTT-3.3.2-9]
      return null;
    }
    if (topic.isEmpty()) {
      String aliased = c.inboundAliases == null ? null : c.inboundAliases.get(alias);
      if (aliased == null) {
        c.protocolError(ReasonCode.PROTOCOL_ERROR, "unknown topic alias " + alias);
      }
      return aliased;
    }
    if (c.inboundAliases == null) {
      c.inboundAliases = new HashMap<>();
    }
    c.inboundAliases.put(alias, topic);
    return topic;
  }

  /**
   * A PUBLISH that is not routed: a 5.0 publisher hears why in its acknowledgement; a 3.1.1 one,
   * whose acknowledgements carry no reason, is acknowledged as if it had gone through.
   */
  private void refuse(MqttConnection c, Publish p, int reasonCode, String why) {
    if (c.writer.isV5()) {
      acknowledge(c, p, reasonCode, why, false, null);
    } else {
      acknowledge(c, p, ReasonCode.SUCCESS, null, false, null);
    }
  }

  /**
   * PUBACK or PUBREC, after the commit when {@code afterCommit} and after {@code hold} (the route
   * targets') is released when there is one.
   */
  private void acknowledge(
      MqttConnection c,
      Publish p,
      int reasonCode,
      String reasonString,
      boolean afterCommit,
      AcknowledgementHold hold) {
    MqttProperties props = Diagnostics.reason(reasonString);
    if (p.qos() == 1) {
      Replies.send(c, new PubAck(p.packetId(), reasonCode, props), afterCommit, hold, null);
    } else if (p.qos() == 2) {
      if (reasonCode < 0x80) {
        c.session.awaitingPubrel().add(p.packetId());
      }
      Replies.send(c, new PubRec(p.packetId(), reasonCode, props), afterCommit, hold, null);
    }
  }

  /** PUBREL: the QoS 2 flow the client started ends; PUBCOMP once its packet id is forgotten. */
  void onPubRel(MqttConnection c, PubRel r) {
    boolean known = c.session.awaitingPubrel().release(r.packetId());
    PubComp comp =
        new PubComp(
            r.packetId(),
            known ? 0 : c.v5Code(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND),
            MqttProperties.EMPTY);
    // A stored packet id must be gone before PUBCOMP: the client may reuse it at once
    c.reply(comp, c.session.isPersistent(), null);
  }

  /**
   * The message a client's PUBLISH (or will) becomes: of its 5.0 properties only those that travel
   * to subscribers; aliases and expiry are per hop [MQTT-3.3.2-7]. The Message Expiry Interval
   * counts from now when {@code expiryFromNow} (a will's counts from its publication). It is routed
   * in {@code hub}'s topic space.
   */
  static Message toMessage(
      MqttVersion version,
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      MqttProperties props,
      String publisher,
      String hub,
      boolean expiryFromNow) {
    long expiresAt = Message.NEVER;
    MqttProperties forwarded = MqttProperties.EMPTY;
    if (version == MqttVersion.V5 && !props.isEmpty()) {
      if (expiryFromNow && props.messageExpiryInterval() != null) {
        expiresAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(props.messageExpiryInterval());
      }
      forwarded =
          MqttProperties.builder()
              .payloadFormatIndicator(props.payloadFormatIndicator())
              .contentType(props.contentType())
              .responseTopic(props.responseTopic())
              .correlationData(props.correlationData())
              .userProperties(props.userProperties())
              .build();
      if (forwarded.isEmpty()) {
        forwarded = MqttProperties.EMPTY;
      }
    }
    return new Message(topic, payload, qos, retain, forwarded, publisher, expiresAt, hub);
  }
}
