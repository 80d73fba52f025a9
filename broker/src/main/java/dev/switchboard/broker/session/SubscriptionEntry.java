package dev.switchboard.broker.session;

import dev.switchboard.broker.auth.TopicGuard;

/**
 * One subscription of a session, with the options it was made with.
 *
 * @param filterKey the filter as the client sent it (with {@code $share/name/} for shared ones)
 * @param filter the topic filter proper
 * @param shareName the Share Name, or null for a non-shared subscription
 * @param qos the granted maximum QoS
 * @param noLocal do not send the session its own messages
 * @param retainAsPublished keep the RETAIN flag as published when forwarding
 * @param retainHandling 0, 1 or 2 as MQTT 5 section 3.8.3.1 defines
 * @param subscriptionId the Subscription Identifier, or 0 for none
 * @param guard the topics the subscription may deliver when an access rule narrows it; null for
 *     every topic its filter matches. Not stored: it is worked out again when the client connects
 */
public record SubscriptionEntry(
    String filterKey,
    String filter,
    String shareName,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int subscriptionId,
    TopicGuard guard) {

  /** A subscription that delivers every topic its filter matches. */
  public SubscriptionEntry(
      String filterKey,
      String filter,
      String shareName,
      int qos,
      boolean noLocal,
      boolean retainAsPublished,
      int retainHandling,
      int subscriptionId) {
    this(
        filterKey,
        filter,
        shareName,
        qos,
        noLocal,
        retainAsPublished,
        retainHandling,
        subscriptionId,
        null);
  }

  public boolean isShared() {
    return shareName != null;
  }

  /** This subscription with another guard (null: none). */
  public SubscriptionEntry withGuard(TopicGuard newGuard) {
    return new SubscriptionEntry(
        filterKey,
        filter,
        shareName,
        qos,
        noLocal,
        retainAsPublished,
        retainHandling,
        subscriptionId,
        newGuard);
  }

  /** Whether a message to {@code topic} may go to this subscription. */
  public boolean delivers(String topic) {
    return guard == null || guard.allows(topic);
  }
}
