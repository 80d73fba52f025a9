package dev.switchboard.hub.registry.model;

import java.util.Objects;

/**
 * A person who manages the server or one hub (the HTTP API and the console log them in).
 *
 * @param name what they log in as; unique on the server
 * @param hub the hub they manage; null for a server administrator (every hub)
 * @param role what they may do there
 * @param passwordHash their password as a PHC string, hashed as devices' passwords are
 * @param createdAt when they were added, epoch milliseconds
 * @param updatedAt when they were last changed, epoch milliseconds
 */
public record Admin(
    String name, String hub, AdminRole role, String passwordHash, long createdAt, long updatedAt) {

  public Admin {
    RegistryValidation.adminName(name);
    if (hub != null) {
      RegistryValidation.hubName(hub);
    }
    Objects.requireNonNull(role, "role");
    if (passwordHash == null || passwordHash.isEmpty()) {
      throw new IllegalArgumentException("an administrator needs a password");
    }
  }

  /** Whether they manage every hub. */
  public boolean serverWide() {
    return hub == null;
  }

  public Admin withPasswordHash(String hash) {
    return new Admin(name, hub, role, hash, createdAt, updatedAt);
  }

  /** {@code server} or {@code hub team3}, for listings and messages. */
  public String scope() {
    return hub == null ? "server" : "hub " + hub;
  }
}
