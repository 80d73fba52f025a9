package dev.switchboard.hub.registry;

import dev.switchboard.hub.registry.model.ApiKey;
import dev.switchboard.hub.registry.model.AuditEntry;
import dev.switchboard.hub.registry.model.Dashboard;
import dev.switchboard.hub.registry.model.RegistryException;
import java.util.List;
import java.util.Optional;

/**
 * What the HTTP API keeps beside the registry: API keys, the audit log of changes and the hubs'
 * dashboards. The {@code store} module implements it in the registry's database (schema versions 3
 * and 4). None of them moves the registry's version: the broker reads nothing of them. Thread-safe.
 */
public interface AdministrationRepository {

  /** The key with this id. */
  Optional<ApiKey> apiKey(String id);

  /** The keys of {@code hub}, or every key when it is null; by id. */
  List<ApiKey> apiKeys(String hub);

  /**
   * Stores a new key.
   *
   * @throws RegistryException {@link RegistryException.Kind#EXISTS} for an id taken; {@link
   *     RegistryException.Kind#NOT_FOUND} when its hub does not exist
   */
  void addApiKey(ApiKey key);

  /**
   * @return whether there was such a key
   */
  boolean removeApiKey(String id);

  /**
   * Appends an entry.
   *
   * @return the entry with the id it was given
   */
  AuditEntry appendAudit(AuditEntry entry);

  /**
   * Entries, newest first.
   *
   * @param hub the hub's entries only; null for every entry
   * @param beforeId entries with a smaller id only; 0 for the newest
   * @param limit at most this many
   */
  List<AuditEntry> audit(String hub, long beforeId, int limit);

  /** The dashboards of {@code hub}, by name. */
  List<Dashboard> dashboards(String hub);

  /** The dashboard of {@code hub} with that name. */
  Optional<Dashboard> dashboard(String hub, String name);

  /**
   * Saves a dashboard: adds it, or replaces the one of that hub and name (keeping its creation
   * time).
   *
   * @return whether it was new
   * @throws RegistryException {@link RegistryException.Kind#NOT_FOUND} when its hub does not exist
   */
  boolean saveDashboard(Dashboard dashboard);

  /**
   * @return whether there was such a dashboard
   */
  boolean removeDashboard(String hub, String name);
}
