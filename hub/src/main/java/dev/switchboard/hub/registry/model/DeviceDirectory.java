package dev.switchboard.hub.registry.model;

import java.util.List;

/**
 * The registry as the authenticator and the authorizer read it: an in-memory view, so every lookup
 * is non-blocking (they run on event loops, for every CONNECT, PUBLISH and SUBSCRIBE). Devices and
 * rules are looked up within one hub: the same client id or user name in two hubs are two devices.
 *
 * <p>An implementation should return the same list instance for as long as the rules it holds are
 * unchanged, and publish a new immutable list when they change; readers then never see a list being
 * modified.
 */
public interface DeviceDirectory {

  /** The hub of that name; null if none. */
  Hub hub(String name);

  /** The device of {@code hub} with this client id; null if none. */
  Device byClientId(String hub, String clientId);

  /** The device of {@code hub} with this user name; null if none. */
  Device byUsername(String hub, String username);

  /**
   * The hubs that have a device with this user name, by name (empty, never null, when none): what
   * chooses the hub of a CONNECT that names none.
   */
  List<String> hubsWithUsername(String username);

  /**
   * That device's own rules in evaluation order: ascending priority, then ascending id. Empty
   * (never null) for a device with none or no such device.
   */
  List<AccessRule> rulesFor(String hub, String clientId);

  /**
   * The rules for every client of {@code hub}, in evaluation order: ascending priority, then
   * ascending id.
   */
  List<AccessRule> globalRules(String hub);

  /**
   * What {@link #rulesFor} and {@link #globalRules} answer from, compared by identity: while it is
   * the same object, their answers stay the same and a caller may keep them (the authorizer does,
   * per connection, so that a PUBLISH does not look its rules up again).
   */
  Object rulesEpoch();

  /**
   * Brings the view up to the registry's latest version before it returns, applying what changed
   * (ending the connections a change takes back), so that a writer in this process can answer once
   * its change is in effect. A view that is always current does nothing.
   */
  default void catchUp() {}
}
