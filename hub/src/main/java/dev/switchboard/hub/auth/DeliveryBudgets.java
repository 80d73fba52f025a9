package dev.switchboard.hub.auth;

import dev.switchboard.broker.auth.DeliveryBudget;

/**
 * Where the authenticator finds a device's budget (its quota's meter) to put in its principal.
 * Asked once per login, on the event loop: an in-memory lookup.
 */
@FunctionalInterface
public interface DeliveryBudgets {
  /** The budget of device {@code clientId} of {@code hub}; null when it has no limit. */
  DeliveryBudget budgetFor(String hub, String clientId);
}
