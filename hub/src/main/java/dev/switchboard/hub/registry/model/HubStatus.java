package dev.switchboard.hub.registry.model;

/** Whether a hub's clients may connect. */
public enum HubStatus {
  /** Its devices connect as usual. */
  ACTIVE,
  /** Every CONNECT to it is refused as a bad login, and its connections are ended. */
  DISABLED
}
