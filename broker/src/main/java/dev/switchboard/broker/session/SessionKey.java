package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Hubs;

/**
 * A session's identity: its hub and client id. A session of the default hub is known by its client
 * id alone (the {@link String} itself, as before hubs), so that it costs no object of its own; one
 * of another hub by a {@link InHub}. The two never equal each other.
 */
final class SessionKey {
  private SessionKey() {}

  /** The client id of a session of a hub other than the default one. */
  record InHub(String hub, String clientId) {}

  /** The key of {@code clientId} in {@code hub}: the client id itself in the default hub. */
  static Object of(String hub, String clientId) {
    return Hubs.isDefault(hub) ? clientId : new InHub(hub, clientId);
  }

  static String clientId(Object key) {
    return key instanceof InHub k ? k.clientId() : (String) key;
  }

  static String hub(Object key) {
    return key instanceof InHub k ? k.hub() : Hubs.DEFAULT;
  }
}
