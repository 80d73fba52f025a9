package dev.switchboard.hub.registry.model;

import dev.switchboard.broker.message.Hubs;
import java.util.Objects;

/**
 * A hub (tenant; MyQttHub's account, its API's {@code domainName}): its devices, rules, topics,
 * sessions and retained messages are its own, invisible to every other hub's clients.
 *
 * @param name its key, {@code [a-z0-9-]{1,32}}; {@code name@hub} user names and host names map to
 *     it
 * @param displayName what people call it; may be empty
 * @param status whether its clients may connect
 * @param limits what it may use of the server
 * @param createdAt when it was added, epoch milliseconds
 * @param updatedAt when it was last changed, epoch milliseconds
 */
public record Hub(
    String name,
    String displayName,
    HubStatus status,
    HubLimits limits,
    long createdAt,
    long updatedAt) {

  /**
   * The hub of a server that has only one, and of every registry made before hubs: the engine's own
   * default hub.
   */
  public static final String DEFAULT = Hubs.DEFAULT;

  public Hub {
    RegistryValidation.hubName(name);
    displayName = displayName == null ? "" : displayName;
    RegistryValidation.text("display name", displayName);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(limits, "limits");
  }

  /** A new, active hub without limits of its own, its display name its name. */
  public static Hub create(String name, long now) {
    return new Hub(name, name, HubStatus.ACTIVE, HubLimits.NONE, now, now);
  }

  public boolean active() {
    return status == HubStatus.ACTIVE;
  }

  public Hub withStatus(HubStatus newStatus) {
    return new Hub(name, displayName, newStatus, limits, createdAt, updatedAt);
  }

  public Hub withDisplayName(String newDisplayName) {
    return new Hub(name, newDisplayName, status, limits, createdAt, updatedAt);
  }

  public Hub withLimits(HubLimits newLimits) {
    return new Hub(name, displayName, status, newLimits, createdAt, updatedAt);
  }
}
