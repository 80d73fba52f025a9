package dev.switchboard.hub.registry;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryException.Kind;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import java.util.List;
import java.util.Optional;

/**
 * Where the hub keeps its device registry: devices and their access rules, and a version that moves
 * with every change. The {@code store} module implements it on SQLite and PostgreSQL.
 *
 * <p>The registry is changed while the broker runs, often from another process ({@code switchboard
 * devices ...}); {@link RegistryDirectory} sees the changes by polling {@link #version()} and
 * reading a {@link #snapshot()} when it moves. Every change is all or nothing and moves the version
 * in the same transaction. A change refused because of what the registry holds throws {@link
 * RegistryException}; a failure of the storage itself throws {@link StoreException} with one line
 * naming it. Implementations are thread-safe.
 */
public interface RegistryRepository extends AutoCloseable {

  /** The device with this client id. */
  Optional<Device> device(String clientId);

  /** The device that logs in with this user name. */
  Optional<Device> deviceByUsername(String username);

  /** Every device, ordered by client id (byte order of UTF-8). */
  List<Device> devices();

  /**
   * Adds {@code device} as it is, its times included.
   *
   * @throws RegistryException {@link Kind#EXISTS} when its client id or its user name is taken
   */
  void add(Device device);

  /**
   * Replaces every field of the device with {@code device}'s client id but its creation time, and
   * sets its update time to now.
   *
   * @throws RegistryException {@link Kind#NOT_FOUND} when there is no such device; {@link
   *     Kind#EXISTS} when its new user name is another device's
   */
  void update(Device device);

  /**
   * Removes the device with its subscriptions, address blocks and access rules.
   *
   * @return whether there was such a device
   */
  boolean remove(String clientId);

  /** Every rule, global and per device, in evaluation order: by priority, then by id. */
  List<AccessRule> rules();

  /**
   * The rules of device {@code clientId} (none when there is no such device), or the global rules
   * when it is null; by priority, then by id.
   */
  List<AccessRule> rules(String clientId);

  /**
   * Adds {@code rule} under a new id (its own is ignored).
   *
   * @return the rule with the id it was given; ids are never reused
   * @throws RegistryException {@link Kind#NOT_FOUND} when it is a device's rule and there is no
   *     such device
   */
  AccessRule addRule(AccessRule rule);

  /**
   * @return whether there was such a rule
   */
  boolean removeRule(long id);

  /**
   * The registry's version: it goes up with every change, in the change's transaction, and never
   * otherwise. Meant to be cheap to read: the broker polls it to know when to read a {@link
   * #snapshot()}.
   */
  long version();

  /** Every device and rule, and the version they are at, read in one transaction. */
  RegistrySnapshot snapshot();

  /**
   * What and where the registry is, for log lines and messages: {@code sqlite data/registry.db} or
   * {@code postgresql db:5432/switchboard}.
   */
  String describe();

  @Override
  void close();
}
