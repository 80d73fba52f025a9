package dev.switchboard.broker.connection;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.auth.Quota;
import dev.switchboard.broker.intercept.PublishInterceptors;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.PublisherAcknowledgement;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a client that does not speak MQTT on a socket of its own (a device on the HTTP device API)
 * does in the broker, by the steps a connection's packets take: the authenticator of CONNECT, the
 * session ownership (so that takeover and the replace policy hold between such a client and an MQTT
 * connection with its client id), and PUBLISH, SUBSCRIBE and UNSUBSCRIBE with their authorization,
 * the interceptors, routing and the commit their acknowledgement waits for. Its session's work runs
 * on the session's loop, as a connection's does; the answers come back as futures, completed on
 * that loop. One per broker; thread-safe.
 */
public final class DirectClients {
  private final ConnectionContext context;
  private final SubscribeFlow subscriptions;

  public DirectClients(ConnectionContext context) {
    this.context = context;
    this.subscriptions = new SubscribeFlow(context);
  }

  /**
   * Gives a client whose subscriptions an administrator fixed exactly those, as a CONNECT does
   * (missing ones added with their retained messages, others removed): on the session's loop, once
   * the session is attached. Nothing for a client without fixed subscriptions.
   */
  public void applyFixedSubscriptions(Session session, ClientIdentity who) {
    if (who.principal() == null || who.principal().fixedSubscriptions() == null) {
      return;
    }
    session.execute(() -> subscriptions.setFixedSubscriptions(session, who));
  }

  /**
   * Takes a slot of the client's hub's connection limit, as a CONNECT does; false at the limit
   * (counted among the hub's refusals). A hub without a limit counts nothing. Give it back with
   * {@link #releaseHubSlot} when the client goes.
   */
  public boolean takeHubSlot(Principal principal) {
    int limit = principal.quota().connections();
    if (limit <= 0) {
      return true;
    }
    TopicSpaces.Space space = context.spaces().of(principal.hub());
    if (space.connections().incrementAndGet() > limit) {
      space.connections().decrementAndGet();
      space.refusals().connections.increment();
      context.metrics().connectRefused.increment();
      return false;
    }
    return true;
  }

  /** Gives back what {@link #takeHubSlot} took. */
  public void releaseHubSlot(Principal principal) {
    if (principal.quota().connections() > 0) {
      context.spaces().of(principal.hub()).connections().decrementAndGet();
    }
  }

  /** CONNECT's check of the client's credentials, by the broker's authenticator. */
  public CompletionStage<AuthResult> authenticate(ClientIdentity identity, byte[] password) {
    return context.authenticator().authenticate(identity, password);
  }

  /**
   * Attaches {@code conn} to the session of its client id in its hub through the session ownership,
   * as a CONNECT does: it takes over an MQTT connection with that id, or is refused by its replace
   * policy ({@link SessionConnection#identifierRejected()}).
   */
  public void connect(SessionConnection conn, boolean cleanStart) {
    ClientIdentity who = conn.identity();
    context.sessions().connect(conn, who.hub(), who.clientId(), cleanStart);
  }

  /** What became of a PUBLISH: its reason code (0x00, 0x10 or a refusal) and why, when refused. */
  public record PublishOutcome(int reasonCode, String reason) {
    public boolean refused() {
      return reasonCode >= 0x80;
    }
  }

  /**
   * A PUBLISH from {@code publisher}, whose session is {@code session}: checked as a connection's
   * is (topic, QoS, retain, the reserved topics, authorization, its hub's message size), through
   * the interceptors and routed; completes once what a QoS 1/2 acknowledgement promises is
   * committed (strict durability) and the other nodes it was forwarded to have it (a refusal, 0x80,
   * when it could not be forwarded). A 5.0 client's reason codes; properties as a 5.0 PUBLISH
   * carries them.
   */
  public CompletableFuture<PublishOutcome> publish(
      Session session,
      ClientIdentity publisher,
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      MqttProperties properties) {
    CompletableFuture<PublishOutcome> outcome = new CompletableFuture<>();
    session.execute(
        () -> {
          try {
            publishOnLoop(session, publisher, topic, payload, qos, retain, properties, outcome);
          } catch (RuntimeException e) {
            outcome.completeExceptionally(e);
          }
        });
    return outcome;
  }

  private void publishOnLoop(
      Session session,
      ClientIdentity publisher,
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      MqttProperties properties,
      CompletableFuture<PublishOutcome> outcome) {
    context.metrics().publishReceived(qos);
    if (!Topics.isValidName(topic)) {
      outcome.complete(refusal(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name"));
      return;
    }
    if (qos < 0 || qos > context.config().maxQos()) {
      outcome.complete(refusal(ReasonCode.QOS_NOT_SUPPORTED, "QoS " + qos + " over the maximum"));
      return;
    }
    if (retain && !context.config().retainAvailable()) {
      outcome.complete(refusal(ReasonCode.RETAIN_NOT_SUPPORTED, "retain not available"));
      return;
    }
    if (topic.startsWith(Topics.SHARE_PREFIX)) {
      context.metrics().publishDenied.increment();
      outcome.complete(
          refusal(ReasonCode.TOPIC_NAME_INVALID, "$share/ names shared subscriptions"));
      return;
    }
    boolean system = PublishFlow.isSystemTopic(topic);
    if (system
        ? !context.authorizer().canPublishSystemTopic(publisher, topic)
        : !context.authorizer().canPublish(publisher, topic)) {
      context.metrics().publishDenied.increment();
      outcome.complete(refusal(ReasonCode.NOT_AUTHORIZED, "not authorized to publish to " + topic));
      return;
    }
    Quota quota = publisher.principal().quota();
    if (quota.messageSize() > 0 && payload.length > quota.messageSize()) {
      context.spaces().of(publisher.hub()).refusals().messageSize.increment();
      outcome.complete(
          refusal(
              ReasonCode.PACKET_TOO_LARGE,
              "message over the hub's size of " + quota.messageSize()));
      return;
    }
    Message message =
        PublishFlow.toMessage(
            MqttVersion.V5,
            topic,
            payload,
            qos,
            retain,
            properties,
            publisher.clientId(),
            publisher.hub(),
            true);
    List<Message> copies = List.of();
    List<Change> changes = List.of();
    PublishInterceptors interceptors = context.interceptors();
    if (!interceptors.isEmpty()) {
      PublishInterceptors.Outcome verdict = interceptors.run(publisher, message);
      if (verdict.refused()) {
        context.metrics().publishRefusedByInterceptor.increment();
        if (verdict.refusal().disconnect()) {
          int code = verdict.refusal().reasonCode();
          String why = verdict.refusal().reason();
          session.disconnectIf(who -> who == publisher, code, why); // ends the login
        }
        outcome.complete(refusal(verdict.refusal().reasonCode(), verdict.refusal().reason()));
        return;
      }
      message = verdict.message();
      copies = verdict.copies();
      changes = verdict.changes();
    }
    Journal journal = context.journal();
    List<Change> unit = journal == null || qos == 0 ? null : new ArrayList<>(2);
    PublishFlow.storeWith(journal, unit, changes);
    HoldOnAnswer held = qos == 0 ? null : new HoldOnAnswer();
    int delivered = context.router().publish(message, unit, null, held);
    for (Message copy : copies) {
      context.router().publish(copy);
    }
    PublishOutcome done =
        new PublishOutcome(
            delivered == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS, null);
    boolean waits = unit != null && !unit.isEmpty();
    if (held == null || held.hold == null) {
      afterCommit(journal, waits, outcome, done);
      return;
    }
    CompletableFuture<PublishOutcome> stored = new CompletableFuture<>();
    afterCommit(journal, waits, stored, done);
    held.hold.whenReleased(
        new AcknowledgementHold.Outcome() {
          @Override
          public void released() {
            stored.whenComplete(
                (answer, failure) -> {
                  if (failure != null) {
                    outcome.completeExceptionally(failure);
                  } else {
                    outcome.complete(answer);
                  }
                });
          }

          @Override
          public void failed(String why) {
            outcome.complete(refusal(ReasonCode.UNSPECIFIED_ERROR, why));
          }
        });
  }

  /**
   * The answer to a QoS 1/2 publish, which route targets may hold as a connection's PUBACK (copies
   * sent to other nodes, until they are safe there): the hold is made when one asks.
   */
  private static final class HoldOnAnswer implements PublisherAcknowledgement {
    AcknowledgementHold hold;

    @Override
    public AcknowledgementHold hold() {
      if (hold == null) {
        hold = new AcknowledgementHold();
      }
      return hold.hold();
    }
  }

  private static PublishOutcome refusal(int reasonCode, String why) {
    return new PublishOutcome(reasonCode, why);
  }

  /**
   * Completes {@code future} with {@code value} once the journal has committed what was appended
   * before, when {@code waits} and durability is strict; at once otherwise. A failed commit fails
   * the future: nothing was promised.
   */
  private static <T> void afterCommit(
      Journal journal, boolean waits, CompletableFuture<T> future, T value) {
    if (!waits || journal == null || !journal.strict()) {
      future.complete(value);
      return;
    }
    journal.whenCommitted(
        new Journal.Completion() {
          @Override
          public void committed() {
            future.complete(value);
          }

          @Override
          public void failed(StoreException e) {
            future.completeExceptionally(e);
          }
        });
  }

  /**
   * A SUBSCRIBE's filters for {@code session}: each checked (valid, wildcards, authorization; a
   * client whose subscriptions an administrator fixed may not change them), the session's
   * subscriptions changed, and the retained messages each new subscription brings sent after the
   * answer. Completes with the SUBACK's codes (5.0's) once a persistent session's change is stored.
   * Shared subscriptions are not offered: a filter starting with {@code $share/} is taken as 3.1.1
   * takes it.
   */
  public CompletableFuture<List<Integer>> subscribe(
      Session session, ClientIdentity who, List<Subscription> filters) {
    CompletableFuture<List<Integer>> answer = new CompletableFuture<>();
    session.execute(
        () -> {
          try {
            subscribeOnLoop(session, who, filters, answer);
          } catch (RuntimeException e) {
            answer.completeExceptionally(e);
          }
        });
    return answer;
  }

  private void subscribeOnLoop(
      Session session,
      ClientIdentity who,
      List<Subscription> filters,
      CompletableFuture<List<Integer>> answer) {
    boolean fixed = who.principal() != null && who.principal().fixedSubscriptions() != null;
    List<Integer> codes = new ArrayList<>(filters.size());
    List<SubscriptionEntry> retainedFor = new ArrayList<>();
    for (Subscription sub : filters) {
      String filter = sub.filter();
      if (fixed) {
        context.metrics().subscribeDenied.increment();
        codes.add(ReasonCode.NOT_AUTHORIZED);
      } else if (!Topics.isValidFilter(filter)) {
        codes.add(ReasonCode.TOPIC_FILTER_INVALID);
      } else if (!context.config().wildcardSubscriptionsAvailable() && Topics.hasWildcard(filter)) {
        codes.add(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED);
      } else if (!context.authorizer().canSubscribe(who, filter)) {
        context.metrics().subscribeDenied.increment();
        codes.add(ReasonCode.NOT_AUTHORIZED);
      } else {
        int granted = Math.min(Math.max(sub.qos(), 0), context.config().maxQos());
        SubscriptionEntry entry =
            new SubscriptionEntry(
                filter,
                filter,
                null,
                granted,
                false,
                false,
                0,
                0,
                context.authorizer().subscriptionGuard(who, filter));
        session.subscribe(entry);
        codes.add(granted);
        if (context.config().retainAvailable()) {
          retainedFor.add(entry);
        }
      }
    }
    answer.whenComplete(
        (ok, failed) -> {
          if (failed == null && !retainedFor.isEmpty()) {
            session.execute(
                () -> {
                  for (SubscriptionEntry e : retainedFor) {
                    session.deliverRetained(
                        context.spaces().of(session.hub()).retained().match(e.filter()), e);
                  }
                });
          }
        });
    afterCommit(context.journal(), session.isPersistent(), answer, List.copyOf(codes));
  }

  /**
   * An UNSUBSCRIBE's filters: completes with 5.0's codes (0x00, 0x11 no subscription existed, 0x87
   * for a client whose subscriptions are fixed, 0x8F for a malformed filter) once a persistent
   * session's change is stored.
   */
  public CompletableFuture<List<Integer>> unsubscribe(
      Session session, ClientIdentity who, List<String> filters) {
    CompletableFuture<List<Integer>> answer = new CompletableFuture<>();
    session.execute(
        () -> {
          boolean fixed = who.principal() != null && who.principal().fixedSubscriptions() != null;
          List<Integer> codes = new ArrayList<>(filters.size());
          for (String filter : filters) {
            if (fixed) {
              codes.add(ReasonCode.NOT_AUTHORIZED);
            } else if (!Topics.isValidFilter(filter)) {
              codes.add(ReasonCode.TOPIC_FILTER_INVALID);
            } else {
              codes.add(
                  session.unsubscribe(filter)
                      ? ReasonCode.SUCCESS
                      : ReasonCode.NO_SUBSCRIPTION_EXISTED);
            }
          }
          afterCommit(context.journal(), session.isPersistent(), answer, List.copyOf(codes));
        });
    return answer;
  }
}
