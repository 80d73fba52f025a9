package dev.switchboard.hub.registry.model;

import java.util.Objects;

/**
 * One access rule (a MyQttHub filter): when a client's PUBLISH topic or SUBSCRIBE filter matches
 * {@link #filter}, {@link #action} says what happens. Rules are evaluated in ascending {@link
 * #priority} (1 before 100); the first {@code ALLOW} or {@code DENY} that matches decides; a
 * matching {@code CONTINUE} decides nothing and evaluation goes on.
 *
 * @param id the registry's key for the rule; 0 for a rule not yet stored
 * @param hub the hub it belongs to: it applies only to that hub's clients
 * @param clientId the device it applies to; null for a global rule (every client of the hub)
 * @param priority evaluation order, lower first
 * @param action what a match does
 * @param operation which packets it applies to
 * @param filter an MQTT topic filter in which {@code %c} stands for the client id and {@code %u}
 *     for the user name
 * @param label a note for people; may be empty
 */
public record AccessRule(
    long id,
    String hub,
    String clientId,
    int priority,
    RuleAction action,
    RuleOperation operation,
    String filter,
    String label) {

  public AccessRule {
    RegistryValidation.hubName(hub);
    if (clientId != null) {
      RegistryValidation.clientId(clientId);
    }
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(operation, "operation");
    RegistryValidation.ruleFilter(filter);
    label = label == null ? "" : label;
  }

  /** The same rule with the id the registry gave it. */
  public AccessRule withId(long newId) {
    return new AccessRule(newId, hub, clientId, priority, action, operation, filter, label);
  }
}
