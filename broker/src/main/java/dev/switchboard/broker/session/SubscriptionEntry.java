package dev.switchboard.broker.session;

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
 */
public record SubscriptionEntry(
    String filterKey,
    String filter,
    String shareName,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int subscriptionId) {

  public boolean isShared() {
    return shareName != null;
  }
}
