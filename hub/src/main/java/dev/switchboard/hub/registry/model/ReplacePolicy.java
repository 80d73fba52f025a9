package dev.switchboard.hub.registry.model;

/** What a new connection with a device's client id does while another one is alive. */
public enum ReplacePolicy {
  /** The new connection takes over and the old one is closed, as the MQTT specification says. */
  REPLACE,
  /** The new connection is refused with "identifier rejected" while the old one is alive. */
  REJECT
}
