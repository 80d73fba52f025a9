package dev.switchboard.broker.persist;

import java.util.List;

/**
 * Everything a store holds, as {@link DurableStore#load()} returns it.
 *
 * @param sessions persistent sessions
 * @param subscriptions their subscriptions
 * @param messages their queued and in-flight messages, ordered by clientId then seq
 * @param awaitingPubrel QoS 2 packet ids received from clients and not yet released
 * @param retained retained messages, one per topic
 */
public record StoredState(
    List<StoredSession> sessions,
    List<StoredSubscription> subscriptions,
    List<QueuedMessage> messages,
    List<Change.AwaitPubrel> awaitingPubrel,
    List<StoredMessage> retained) {

  public static final StoredState EMPTY =
      new StoredState(List.of(), List.of(), List.of(), List.of(), List.of());
}
