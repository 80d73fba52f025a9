package dev.switchboard.broker.routing;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.Stored;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.mqtt.topic.SharedSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The publish path after the interceptors: the retained store, one copy per matching subscriber
 * (every matching filter of a session in one copy), one member of each matching shared group, the
 * copies persistent sessions must keep, and the {@link RouteTarget}s beyond this node. Thread-safe:
 * every event loop publishes through it at once; it reads the {@link SubscriptionIndex} without
 * locks and hands each copy to its subscriber's own loop.
 */
public final class Router {
  private final BrokerConfig config;
  private final BrokerMetrics metrics;
  private final TopicSpaces spaces;

  /** Where copies for persistent sessions are written; null when the broker keeps memory only. */
  private final Journal journal;

  private final List<RouteTarget> targets = new CopyOnWriteArrayList<>();

  public Router(BrokerConfig config, BrokerMetrics metrics, TopicSpaces spaces, Journal journal) {
    this.config = config;
    this.metrics = metrics;
    this.spaces = spaces;
    this.journal = journal;
  }

  /** Adds a target that gets every message published on this node from now on. */
  public void addTarget(RouteTarget target) {
    targets.add(target);
  }

  public void removeTarget(RouteTarget target) {
    targets.remove(target);
  }

  /**
   * Routes a message a client (or its will) published: the retained store first if RETAIN is set
   * (an empty payload clears it [MQTT-3.3.1-10]), then one copy per matching session, then the
   * route targets. Returns the number of subscribers it went to.
   */
  public int publish(Message message) {
    metrics.messagesReceived.increment();
    return route(message, null, true, true, null, null, null);
  }

  /**
   * As {@link #publish(Message)}, adding to {@code unit} what must be stored before the publisher
   * is acknowledged (the copies for persistent sessions, the retained message) and appending the
   * unit, with what the caller put in it already, to the journal as one transaction. It is appended
   * before the sessions get their copies: what they write about a copy (sent, dropped,
   * acknowledged) must come after it. With a null unit those changes are appended at once.
   */
  public int publish(Message message, List<Change> unit) {
    metrics.messagesReceived.increment();
    return route(message, unit, true, true, null, null, null);
  }

  /**
   * As {@link #publish(Message, List)}, telling {@code pressure} of each subscriber whose mailbox
   * the message filled past its bound: the publisher should wait for it.
   */
  public int publish(Message message, List<Change> unit, Backpressure pressure) {
    metrics.messagesReceived.increment();
    return route(message, unit, true, true, pressure, null, null);
  }

  /**
   * As {@link #publish(Message, List, Backpressure)}, for a message whose publisher waits for its
   * acknowledgement: the route targets may hold {@code acknowledgement} until their copies are safe
   * beyond this node (see {@link RouteTarget#route(Message, PublisherAcknowledgement)}).
   */
  public int publish(
      Message message,
      List<Change> unit,
      Backpressure pressure,
      PublisherAcknowledgement acknowledgement) {
    metrics.messagesReceived.increment();
    return route(message, unit, true, true, pressure, null, acknowledgement);
  }

  /**
   * A message the broker made about this node ({@code $SYS}): retained and delivered here, not
   * offered to the route targets, not counted as received.
   */
  public int publishNodeLocal(Message message) {
    return route(message, null, true, false, null, null, null);
  }

  /**
   * A message a route target brought in from elsewhere (another node): to this node's sessions
   * only; the node it was published on kept it retained and offered it to everyone else.
   */
  public int deliverLocally(Message message) {
    return route(message, null, false, false, null, null, null);
  }

  /**
   * As {@link #deliverLocally(Message)}, giving a member of this node's shared subscription groups
   * only for the groups in {@code sharedGroups} (their filter keys, {@code $share/group/filter}):
   * the node the message was published on chose which node serves each group, so that a group with
   * members on several nodes gets the message once.
   */
  public int deliverLocally(Message message, Set<String> sharedGroups) {
    return route(message, null, false, false, null, sharedGroups, null);
  }

  private int route(
      Message message,
      List<Change> unit,
      boolean keepRetained,
      boolean toTargets,
      Backpressure pressure,
      Set<String> sharedGroups,
      PublisherAcknowledgement acknowledgement) {
    // the message's hub's own subscriptions and retained messages: no other hub's
    TopicSpaces.Space space = spaces.of(message.hub());
    if (toTargets && space != spaces.defaultSpace()) {
      // a client's message (what the targets get): counted for its hub; the default hub's figure
      // is the server's less the others', so its messages count nothing more
      space.messagesReceived().increment();
    }
    if (keepRetained && message.retain() && config.retainAvailable()) {
      if (message.payload().length == 0) {
        space.retained().remove(message.topic());
        store(unit, () -> new Change.DeleteRetained(message.topic(), message.hub()));
      } else {
        space.retained().put(message);
        if (message.publisherId() != null) { // $SYS topics are made anew after a restart
          store(unit, () -> new Change.PutRetained(Stored.message(message)));
        }
      }
    }
    MatchCollector matches = MatchCollector.collect(space.subscriptions(), message.topic());
    int count = 0;
    try {
      StoredMessage stored = null;
      // Copies stored in the unit go to their sessions once the unit is appended (a session on this
      // loop runs its delivery at once, and may append an update or a delete of its copy)
      List<Runnable> afterAppend = null;
      for (int i = 0, n = matches.size(); i < n; i++) {
        Subscriber s = matches.session(i);
        List<String> keys = matches.filterKeys(i);
        long seq = 0;
        if (message.qos() > 0 && s.isPersistent() && journal != null) {
          stored = stored == null ? Stored.message(message) : stored;
          seq = storeCopy(unit, s, stored, keys, false);
        }
        long storedAs = seq;
        if (seq == 0 || unit == null) {
          pressed(s.offer(message, keys, seq), s, pressure);
        } else {
          afterAppend = later(afterAppend);
          afterAppend.add(() -> pressed(s.offer(message, keys, storedAs), s, pressure));
        }
        count++;
      }
      for (SubscriptionIndex.SharedGroup<Subscriber> g : matches.shared()) {
        if (sharedGroups != null && !sharedGroups.contains(g.filterKey())) {
          continue; // another node serves this group
        }
        Subscriber member = SharedMembers.pick(g, null);
        if (member != null) {
          String key = g.filterKey();
          long seq = 0;
          if (message.qos() > 0 && member.isPersistent() && journal != null) {
            stored = stored == null ? Stored.message(message) : stored;
            seq = storeCopy(unit, member, stored, List.of(key), true);
          }
          long storedAs = seq;
          if (seq == 0 || unit == null) {
            pressed(member.offerShared(message, key, seq), member, pressure);
          } else {
            afterAppend = later(afterAppend);
            afterAppend.add(
                () -> pressed(member.offerShared(message, key, storedAs), member, pressure));
          }
          count++;
        }
      }
      if (unit != null && journal != null) {
        journal.appendAll(unit);
      }
      if (afterAppend != null) {
        afterAppend.forEach(Runnable::run);
      }
    } finally {
      matches.release();
    }
    if (toTargets) {
      for (RouteTarget t : targets) {
        count += acknowledgement == null ? t.route(message) : t.route(message, acknowledgement);
      }
    }
    return count;
  }

  /**
   * Copies whose stored form is in the publisher's unit go to their subscribers once the unit is
   * appended (what a subscriber then writes about its copy must come after it): made on first use.
   */
  private static List<Runnable> later(List<Runnable> later) {
    return later == null ? new ArrayList<>() : later;
  }

  /** A subscriber past its bound tells the publisher, if there is one to tell, to wait. */
  private static void pressed(boolean full, Subscriber s, Backpressure pressure) {
    if (full && pressure != null) {
      pressure.subscriberFull(s);
    }
  }

  /**
   * Stores a subscriber's copy of a message before the subscriber gets it, so that anything it
   * later writes about it (sent, acknowledged) comes after; returns its number.
   */
  private long storeCopy(
      List<Change> unit, Subscriber s, StoredMessage stored, List<String> keys, boolean shared) {
    long seq = journal.nextSeq();
    Change put =
        new Change.PutMessage(
            QueuedMessage.queued(s.hub(), s.clientId(), seq, stored, keys, shared));
    if (unit != null) {
      unit.add(put);
    } else {
      journal.append(put);
    }
    return seq;
  }

  private void store(List<Change> unit, Supplier<Change> change) {
    if (journal == null) {
      return;
    }
    if (unit != null) {
      unit.add(change.get());
    } else {
      journal.append(change.get());
    }
  }

  /**
   * Gives a message that came through the shared subscription {@code sharedFilterKey} ({@code
   * $share/name/filter}) to another member of the group than {@code leaving}; returns false when
   * there is none.
   */
  public boolean redispatchShared(Message message, String sharedFilterKey, Subscriber leaving) {
    SharedSubscription shared = SharedSubscription.parse(sharedFilterKey);
    if (shared == null) {
      return false;
    }
    SubscriptionIndex.SharedGroup<Subscriber> g =
        spaces.of(message.hub()).subscriptions().sharedGroup(shared.group(), shared.filter());
    if (g == null) {
      return false;
    }
    Subscriber member = SharedMembers.pick(g, leaving);
    if (member == null) {
      return false;
    }
    String key = g.filterKey();
    long seq =
        message.qos() > 0 && member.isPersistent() && journal != null
            ? storeCopy(null, member, Stored.message(message), List.of(key), true)
            : 0;
    member.offerShared(message, key, seq);
    return true;
  }
}
