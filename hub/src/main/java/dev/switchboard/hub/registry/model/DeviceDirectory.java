package dev.switchboard.hub.registry.model;

import java.util.List;

/**
 * The registry as the authenticator and the authorizer read it: an in-memory view, so every lookup
 * is non-blocking (they run on event loops, for every CONNECT, PUBLISH and SUBSCRIBE).
 *
 * <p>An implementation should return the same list instance for as long as the rules it holds are
 * unchanged, and publish a new immutable list when they change; readers then never see a list being
 * modified.
 */
public interface DeviceDirectory {

  /** The device with this client id; null if none. */
  Device byClientId(String clientId);

  /** The device with this user name; null if none. */
  Device byUsername(String username);

  /**
   * That device's own rules in evaluation order: ascending priority, then ascending id. Empty
   * (never null) for a device with none or no such device.
   */
  List<AccessRule> rulesFor(String clientId);

  /** The rules for every client, in evaluation order: ascending priority, then ascending id. */
  List<AccessRule> globalRules();
}
