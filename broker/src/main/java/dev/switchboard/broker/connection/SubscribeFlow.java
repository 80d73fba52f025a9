package dev.switchboard.broker.connection;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.topic.SharedSubscription;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE and UNSUBSCRIBE: each filter checked (validity, shared, wildcard and identifier
 * support, authorization), the session's subscriptions changed, SUBACK or UNSUBACK once a
 * persistent session's change is stored, and the retained messages a new subscription brings; and
 * the subscriptions an administrator fixed for a client. Shared by every connection; holds no state
 * of its own.
 */
final class SubscribeFlow {
  private static final Logger log = LoggerFactory.getLogger(SubscribeFlow.class);

  private final ConnectionContext context;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;

  SubscribeFlow(ConnectionContext context) {
    this.context = context;
    this.config = context.config();
    this.metrics = context.metrics();
  }

  void onSubscribe(MqttConnection c, Subscribe s) {
    boolean v5 = c.writer.isV5();
    Integer subscriptionId =
        s.properties().subscriptionIdentifiers().isEmpty()
            ? null
            : s.properties().subscriptionIdentifiers().get(0);
    if (subscriptionId != null && !config.subscriptionIdentifiersAvailable()) {
      c.protocolError(
          ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED,
          "subscription identifiers not supported");
      return;
    }
    if (fixedSubscriptions(c) != null) {
      metrics.subscribeDenied.increment();
      log.debug("{}: SUBSCRIBE refused: its subscriptions are fixed", c.describe());
      List<Integer> refused = new ArrayList<>(s.subscriptions().size());
      for (int i = 0; i < s.subscriptions().size(); i++) {
        refused.add(v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE);
      }
      MqttProperties props =
          v5
              ? c.writer.reasonFor("subscriptions are set by an administrator")
              : MqttProperties.EMPTY;
      c.writer.write(new SubAck(s.packetId(), refused, props));
      return;
    }
    if (!wellFormed(c, s, v5)) {
      return; // nothing of it applied
    }
    List<Integer> codes = new ArrayList<>(s.subscriptions().size());
    List<SubscriptionEntry> retainedFor = new ArrayList<>();
    for (Subscription sub : s.subscriptions()) {
      String key = sub.filter();
      String filter = key;
      String shareName = null;
      if (SharedSubscription.isShared(key) && v5) {
        if (!config.sharedSubscriptionsAvailable()) {
          codes.add(ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED);
          continue;
        }
        SharedSubscription shared = SharedSubscription.parse(key);
        shareName = shared.group();
        filter = shared.filter();
      }
      if (!config.wildcardSubscriptionsAvailable() && Topics.hasWildcard(filter)) {
        codes.add(
            v5 ? ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.V3_SUBACK_FAILURE);
        continue;
      }
      if (!context.authorizer().canSubscribe(c.identity, key)) {
        metrics.subscribeDenied.increment();
        if (log.isDebugEnabled()) {
          log.debug("{}: SUBSCRIBE to '{}' not authorized", c.describe(), LogSafe.text(key));
        }
        codes.add(v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE);
        continue;
      }
      int granted = Math.min(sub.qos(), config.maxQos());
      SubscriptionEntry entry =
          new SubscriptionEntry(
              key,
              filter,
              shareName,
              granted,
              v5 && sub.noLocal(),
              v5 && sub.retainAsPublished(),
              v5 ? sub.retainHandling() : 0,
              subscriptionId == null ? 0 : subscriptionId,
              context.authorizer().subscriptionGuard(c.identity, key));
      boolean existed = c.session.subscribe(entry);
      codes.add(granted);
      // Retained messages: not for shared subscriptions; retain handling 1 only when new
      // [MQTT-3.3.1-10]
      if (config.retainAvailable() && shareName == null) {
        int rh = entry.retainHandling();
        if (rh == 0 || (rh == 1 && !existed)) {
          retainedFor.add(entry);
        }
      }
    }
    MqttProperties ackProps = MqttProperties.EMPTY;
    for (int i = 0; v5 && i < codes.size(); i++) {
      if (codes.get(i) >= 0x80) {
        String why = "topic filter refused: " + s.subscriptions().get(i).filter();
        ackProps = Diagnostics.reason(why);
        break;
      }
    }
    Session subscriber = c.session;
    Runnable sendRetained =
        retainedFor.isEmpty()
            ? null
            : () -> {
              for (SubscriptionEntry entry : retainedFor) {
                sendRetained(subscriber, entry);
              }
            };
    // A stored subscription is acknowledged once committed; retained messages follow the SUBACK
    c.reply(new SubAck(s.packetId(), codes, ackProps), subscriber.isPersistent(), sendRetained);
  }

  private void sendRetained(Session subscriber, SubscriptionEntry entry) {
    subscriber.deliverRetained(
        context.spaces().of(subscriber.hub()).retained().match(entry.filter()), entry);
  }

  void onUnsubscribe(MqttConnection c, Unsubscribe u) {
    boolean v5 = c.writer.isV5();
    if (fixedSubscriptions(c) != null) {
      // 5.0 says "not authorized" per filter; 3.1.1's UNSUBACK has no codes, so the client gets
      // its acknowledgement and keeps its subscriptions
      metrics.subscribeDenied.increment();
      log.debug("{}: UNSUBSCRIBE refused: its subscriptions are fixed", c.describe());
      List<Integer> refused = new ArrayList<>(u.filters().size());
      for (int i = 0; v5 && i < u.filters().size(); i++) {
        refused.add(ReasonCode.NOT_AUTHORIZED);
      }
      c.writer.write(new UnsubAck(u.packetId(), refused, MqttProperties.EMPTY));
      return;
    }
    for (String filterKey : u.filters()) {
      if (!wellFormedFilter(filterKey, v5)) {
        malformedFilter(c, "UNSUBSCRIBE", filterKey);
        return;
      }
    }
    List<Integer> codes = new ArrayList<>(u.filters().size());
    for (String filterKey : u.filters()) {
      boolean existed = c.session.unsubscribe(filterKey);
      codes.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
    }
    c.reply(
        new UnsubAck(u.packetId(), v5 ? codes : List.of(), MqttProperties.EMPTY),
        c.session.isPersistent(),
        null);
  }

  /**
   * Whether every filter of {@code s} is well formed, checked before any of them is applied; when
   * one is not, the connection is ended and nothing of the SUBSCRIBE took effect.
   */
  private static boolean wellFormed(MqttConnection c, Subscribe s, boolean v5) {
    for (Subscription sub : s.subscriptions()) {
      String key = sub.filter();
      if (!wellFormedFilter(key, v5)) {
        malformedFilter(c, "SUBSCRIBE", key);
        return false;
      }
      if (sub.noLocal() && v5 && SharedSubscription.isShared(key)) {
        c.protocolError(
            ReasonCode.PROTOCOL_ERROR, "no local on a shared subscription"); // [MQTT-3.8.3-4]
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a filter is well formed: a 5.0 {@code $share/name/filter} with its name and a valid
   * filter [MQTT-4.8.2-1] [MQTT-4.8.2-2], any other filter valid as a filter [MQTT-4.7.1-1]
   * [MQTT-4.7.1-2] [MQTT-4.7.3-1] (in 3.1.1, {@code $share/} is just the start of a filter).
   */
  private static boolean wellFormedFilter(String key, boolean v5) {
    return v5 && SharedSubscription.isShared(key)
        ? SharedSubscription.parse(key) != null
        : Topics.isValidFilter(key);
  }

  /**
   * An empty or malformed topic filter (a wildcard out of place, a shared subscription without its
   * name or filter) breaks the protocol: the connection ends, in 5.0 with DISCONNECT 0x82, in 3.1.1
   * by closing it [MQTT-4.8.0-1]. (0x8F in a SUBACK is for a well-formed filter this client may not
   * use.)
   */
  private static void malformedFilter(MqttConnection c, String packet, String filter) {
    c.protocolError(
        ReasonCode.PROTOCOL_ERROR,
        "malformed topic filter in " + packet + ": " + LogSafe.text(filter));
  }

  /**
   * A client whose subscriptions an administrator fixed gets exactly those, whatever its session
   * had: missing ones are added (with their retained messages, as a SUBSCRIBE would bring them),
   * others removed. After the re-sends of a resumed session, before anything the client sent.
   */
  void setFixedSubscriptions(MqttConnection c) {
    setFixedSubscriptions(c.session, c.identity);
  }

  /** {@link #setFixedSubscriptions(MqttConnection)} for a session and its client's identity. */
  void setFixedSubscriptions(Session session, ClientIdentity identity) {
    List<Subscription> fixed =
        identity == null || identity.principal() == null
            ? null
            : identity.principal().fixedSubscriptions();
    if (fixed == null) {
      return;
    }
    Map<String, Subscription> wanted = new LinkedHashMap<>();
    for (Subscription sub : fixed) {
      wanted.put(sub.filter(), sub);
    }
    for (SubscriptionEntry existing : List.copyOf(session.subscriptions())) {
      Subscription want = wanted.get(existing.filterKey());
      if (want == null) {
        session.unsubscribe(existing.filterKey());
      } else if (Math.min(want.qos(), config.maxQos()) == existing.qos()) {
        wanted.remove(existing.filterKey()); // already as it should be
      }
    }
    for (Subscription sub : wanted.values()) {
      String key = sub.filter();
      SharedSubscription shared =
          SharedSubscription.isShared(key) ? SharedSubscription.parse(key) : null;
      String filter = shared == null ? key : shared.filter();
      SubscriptionEntry entry =
          new SubscriptionEntry(
              key,
              filter,
              shared == null ? null : shared.group(),
              Math.min(sub.qos(), config.maxQos()),
              false,
              false,
              0,
              0,
              context.authorizer().subscriptionGuard(identity, key));
      boolean existed = session.subscribe(entry);
      if (!existed && shared == null && config.retainAvailable()) {
        sendRetained(session, entry);
      }
    }
  }

  /**
   * A resumed session's subscriptions get the guards the client's access rules call for now (the
   * guards are not stored, and the rules may have changed while the client was away).
   */
  void refreshGuards(MqttConnection c) {
    for (SubscriptionEntry e : List.copyOf(c.session.subscriptions())) {
      var guard = context.authorizer().subscriptionGuard(c.identity, e.filterKey());
      if (guard != null || e.guard() != null) {
        c.session.guard(e.filterKey(), guard);
      }
    }
  }

  /** The subscriptions an administrator fixed for this client, or null when it manages its own. */
  private static List<Subscription> fixedSubscriptions(MqttConnection c) {
    return c.identity == null || c.identity.principal() == null
        ? null
        : c.identity.principal().fixedSubscriptions();
  }
}
