package dev.switchboard.hub.registry.model;

import dev.switchboard.mqtt.packet.Subscription;
import java.util.List;
import java.util.Objects;

/**
 * A device of the registry (MyQttHub's model): who may connect, with what, and how.
 *
 * @param hub the hub it belongs to; its client id and user name are unique within it
 * @param clientId the MQTT client id; the device's key within its hub
 * @param username the user name it logs in with; unique within its hub
 * @param passwordHash its password as a PHC string ({@code $argon2id$...} or {@code
 *     $pbkdf2-sha256$...}), never the password itself; null when it has none (it can then log in
 *     only with a token or a certificate)
 * @param enabled a disabled device is refused ("not authorized") and its connection, if any, closed
 * @param replacePolicy what a second connection with its client id does to the first
 * @param strictClientId when true its credentials are accepted only with its own client id;
 *     otherwise with any client id, as an app account's are
 * @param subscriptionsFrozen when true the device cannot SUBSCRIBE or UNSUBSCRIBE itself: its
 *     subscriptions are {@link #subscriptions}, set whenever it connects
 * @param subscriptions the subscriptions an admin set (used when frozen)
 * @param allowedSources the addresses it may connect from, as CIDRs; empty for anywhere
 * @param createdAt when it was added, epoch milliseconds
 * @param updatedAt when it was last changed, epoch milliseconds
 */
public record Device(
    String hub,
    String clientId,
    String username,
    String passwordHash,
    boolean enabled,
    ReplacePolicy replacePolicy,
    boolean strictClientId,
    boolean subscriptionsFrozen,
    List<Subscription> subscriptions,
    List<Cidr> allowedSources,
    long createdAt,
    long updatedAt) {

  public Device {
    RegistryValidation.hubName(hub);
    RegistryValidation.clientId(clientId);
    RegistryValidation.username(username);
    Objects.requireNonNull(replacePolicy, "replacePolicy");
    subscriptions = List.copyOf(subscriptions);
    for (Subscription s : subscriptions) {
      RegistryValidation.subscription(s);
    }
    allowedSources = List.copyOf(allowedSources);
  }

  public Device withEnabled(boolean on) {
    return new Device(
        hub,
        clientId,
        username,
        passwordHash,
        on,
        replacePolicy,
        strictClientId,
        subscriptionsFrozen,
        subscriptions,
        allowedSources,
        createdAt,
        updatedAt);
  }

  public Device withPasswordHash(String hash) {
    return new Device(
        hub,
        clientId,
        username,
        hash,
        enabled,
        replacePolicy,
        strictClientId,
        subscriptionsFrozen,
        subscriptions,
        allowedSources,
        createdAt,
        updatedAt);
  }

  /**
   * The subscriptions an administrator sets for it, frozen as they are: see {@code subscriptions}.
   */
  public Device withSubscriptions(List<Subscription> frozen) {
    return new Device(
        hub,
        clientId,
        username,
        passwordHash,
        enabled,
        replacePolicy,
        strictClientId,
        subscriptionsFrozen,
        frozen,
        allowedSources,
        createdAt,
        updatedAt);
  }

  public Device withUsername(String name) {
    return new Device(
        hub,
        clientId,
        name,
        passwordHash,
        enabled,
        replacePolicy,
        strictClientId,
        subscriptionsFrozen,
        subscriptions,
        allowedSources,
        createdAt,
        updatedAt);
  }

  /**
   * A new, enabled device of hub {@link Hub#DEFAULT} with the defaults: replace, not strict, not
   * frozen, from anywhere.
   */
  public static Device create(String clientId, String username, String passwordHash, long now) {
    return create(Hub.DEFAULT, clientId, username, passwordHash, now);
  }

  /**
   * A new, enabled device of {@code hub} with the defaults, as {@link #create(String, String,
   * String, long)}.
   */
  public static Device create(
      String hub, String clientId, String username, String passwordHash, long now) {
    return new Device(
        hub,
        clientId,
        username,
        passwordHash,
        true,
        ReplacePolicy.REPLACE,
        false,
        false,
        List.of(),
        List.of(),
        now,
        now);
  }
}
