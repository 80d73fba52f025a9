package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Hubs;

/**
 * One subscription of a persistent session, keyed by (hub, clientId, filterKey).
 *
 * @param filterKey the filter as the client sent it ({@code $share/name/filter} for shared ones)
 * @param qos granted maximum QoS
 * @param retainHandling 0, 1 or 2
 * @param subscriptionId the Subscription Identifier, 0 for none
 * @param hub the session's hub
 */
public record StoredSubscription(
    String clientId,
    String filterKey,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int subscriptionId,
    String hub) {

  public StoredSubscription {
    hub = hub == null ? Hubs.DEFAULT : hub;
  }

  /** A subscription of a session of the default hub. */
  public StoredSubscription(
      String clientId,
      String filterKey,
      int qos,
      boolean noLocal,
      boolean retainAsPublished,
      int retainHandling,
      int subscriptionId) {
    this(
        clientId,
        filterKey,
        qos,
        noLocal,
        retainAsPublished,
        retainHandling,
        subscriptionId,
        Hubs.DEFAULT);
  }
}
