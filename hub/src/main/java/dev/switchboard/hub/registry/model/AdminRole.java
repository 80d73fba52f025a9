package dev.switchboard.hub.registry.model;

/** What an administrator may do, within their scope (the server, or one hub). */
public enum AdminRole {
  /** Everything, administrators included. */
  OWNER,
  /** Everything but managing administrators. */
  ADMIN,
  /** Read only. */
  VIEWER
}
