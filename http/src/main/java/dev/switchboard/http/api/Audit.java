package dev.switchboard.http.api;

import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.model.AuditEntry;
import java.time.Clock;

/** Writes the audit log: one entry per change made through the API, after the change is made. */
public final class Audit {
  private final AdministrationRepository repository;
  private final Clock clock;

  public Audit(AdministrationRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  /**
   * Records that {@code caller} did {@code action} to {@code target} in {@code hub} (null for the
   * server); {@code detail} never holds a password or secret.
   */
  public void record(Caller caller, String hub, String action, String target, String detail) {
    repository.appendAudit(
        new AuditEntry(
            0, clock.millis(), caller.describe(), caller.source(), hub, action, target, detail));
  }
}
