package dev.switchboard.hub.registry.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A key a script calls the HTTP API with, instead of an administrator's password: an id, which is
 * public, and a secret shown once when the key is made, of which only a hash is kept.
 *
 * @param id its name, {@code k_} and 16 letters and digits; what logs and the audit log show
 * @param hub the hub it acts on; null for the whole server
 * @param role what it may do there
 * @param label a note for people (what script uses it); may be empty
 * @param secretHash SHA-256 of its secret, hex: the secret is 256 random bits, which no guessing
 *     reaches, so a slow hash would only slow every call
 * @param createdBy who made it ({@code admin:alice}, {@code key:k_...})
 * @param createdAt when it was made, epoch milliseconds
 * @param expiresAt when it stops working, epoch milliseconds; 0 for never
 */
public record ApiKey(
    String id,
    String hub,
    AdminRole role,
    String label,
    String secretHash,
    String createdBy,
    long createdAt,
    long expiresAt) {

  private static final Pattern ID = Pattern.compile("k_[A-Za-z0-9]{16}");

  public ApiKey {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("'" + id + "' is not an API key id");
    }
    if (hub != null) {
      RegistryValidation.hubName(hub);
    }
    Objects.requireNonNull(role, "role");
    label = label == null ? "" : label;
    RegistryValidation.text("label", label);
    if (secretHash == null || !secretHash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("an API key's secret hash is 64 hex digits");
    }
    createdBy = createdBy == null ? "" : createdBy;
    if (expiresAt < 0) {
      throw new IllegalArgumentException("an API key's expiry must be 0 (never) or a time");
    }
  }

  /** Whether {@code id} has the form of a key id (so that it is not mistaken for a user name). */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Whether it has expired at {@code now} (epoch milliseconds). */
  public boolean expired(long now) {
    return expiresAt != 0 && now >= expiresAt;
  }

  public boolean serverWide() {
    return hub == null;
  }
}
