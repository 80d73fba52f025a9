package dev.switchboard.broker.persist;

/**
 * One subscription of a persistent session, keyed by (clientId, filterKey).
 *
 * @param filterKey the filter as the client sent it ({@code $share/name/filter} for shared ones)
 * @param qos granted maximum QoS
 * @param retainHandling 0, 1 or 2
 * @param subscriptionId the Subscription Identifier, 0 for none
 */
public record StoredSubscription(
    String clientId,
    String filterKey,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int subscriptionId) {}
