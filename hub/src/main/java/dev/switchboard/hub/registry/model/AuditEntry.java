package dev.switchboard.hub.registry.model;

/**
 * One change made through the HTTP API, as the audit log keeps it: who, when, what, from where.
 *
 * @param id its place in the log; ids go up with time; 0 for an entry not yet stored
 * @param at when, epoch milliseconds
 * @param actor who: {@code admin:alice} or {@code key:k_...}
 * @param source the address the request came from
 * @param hub the hub the change was made in; null for a server-wide change (a hub, a server
 *     administrator)
 * @param action what was done, a stable name such as {@code device.create}
 * @param target what it was done to (a client id, a rule id, an administrator's name)
 * @param detail a short description of the change (never a password or secret)
 */
public record AuditEntry(
    long id,
    long at,
    String actor,
    String source,
    String hub,
    String action,
    String target,
    String detail) {

  public AuditEntry {
    if (actor == null || actor.isEmpty() || action == null || action.isEmpty()) {
      throw new IllegalArgumentException("an audit entry needs an actor and an action");
    }
    source = source == null ? "" : source;
    target = target == null ? "" : target;
    detail = detail == null ? "" : detail;
  }

  public AuditEntry withId(long newId) {
    return new AuditEntry(newId, at, actor, source, hub, action, target, detail);
  }
}
