package dev.switchboard.hub.registry;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryException.Kind;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import java.util.List;
import java.util.Optional;

/**
 * Where the hub keeps its registry: hubs, their devices and access rules, administrators, and a
 * version that moves with every change. The {@code store} module implements it on SQLite and
 * PostgreSQL.
 *
 * <p>Every device and rule belongs to one hub; a client id or user name is unique within its hub,
 * not across hubs. A registry always has hub {@link Hub#DEFAULT}.
 *
 * <p>The registry is changed while the broker runs, often from another process ({@code switchboard
 * devices ...}); {@link RegistryDirectory} sees the changes by polling {@link #version()} and
 * reading a {@link #snapshot()} when it moves. Every change is all or nothing and moves the version
 * in the same transaction. A change refused because of what the registry holds throws {@link
 * RegistryException}; a failure of the storage itself throws {@link StoreException} with one line
 * naming it. Implementations are thread-safe.
 */
public interface RegistryRepository extends AutoCloseable {

  /** The hub of that name. */
  Optional<Hub> hub(String name);

  /** Every hub, by name. */
  List<Hub> hubs();

  /**
   * Adds {@code hub} as it is, its times included.
   *
   * @throws RegistryException {@link Kind#EXISTS} when its name is taken
   */
  void addHub(Hub hub);

  /**
   * Replaces every field of the hub of {@code hub}'s name but its creation time, and sets its
   * update time to now.
   *
   * @throws RegistryException {@link Kind#NOT_FOUND} when there is no such hub
   */
  void updateHub(Hub hub);

  /**
   * Removes the hub with its devices, rules and administrators.
   *
   * @param evenWithDevices whether to remove it when it still has devices
   * @return whether there was such a hub
   * @throws RegistryException {@link Kind#IN_USE} for hub {@link Hub#DEFAULT}, and for a hub with
   *     devices unless {@code evenWithDevices}; the message says what it holds
   */
  boolean removeHub(String name, boolean evenWithDevices);

  /** The device of {@code hub} with this client id. */
  Optional<Device> device(String hub, String clientId);

  /** The device of {@code hub} that logs in with this user name. */
  Optional<Device> deviceByUsername(String hub, String username);

  /** Every device of {@code hub}, ordered by client id (byte order of UTF-8). */
  List<Device> devices(String hub);

  /**
   * A page of {@code hub}'s devices: up to {@code limit} whose client ids come after {@code
   * afterClientId} (from the first when null), ordered as {@link #devices(String)}. An
   * implementation should seek to the key rather than read what comes before it.
   */
  default List<Device> devices(String hub, String afterClientId, int limit) {
    java.util.stream.Stream<Device> all = devices(hub).stream();
    if (afterClientId != null) {
      byte[] after = afterClientId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      all =
          all.filter(
              d ->
                  java.util.Arrays.compareUnsigned(
                          d.clientId().getBytes(java.nio.charset.StandardCharsets.UTF_8), after)
                      > 0);
    }
    return all.limit(limit).toList();
  }

  /** Every device of every hub, ordered by hub, then client id. */
  List<Device> devices();

  /**
   * Adds {@code device} to its hub as it is, its times included.
   *
   * @throws RegistryException {@link Kind#NOT_FOUND} when its hub does not exist; {@link
   *     Kind#EXISTS} when its client id or its user name is taken in its hub; {@link Kind#LIMIT}
   *     when the hub has as many devices as its limit allows
   */
  void add(Device device);

  /**
   * Replaces every field of the device of {@code device}'s hub and client id but its creation time,
   * and sets its update time to now.
   *
   * @throws RegistryException {@link Kind#NOT_FOUND} when there is no such device; {@link
   *     Kind#EXISTS} when its new user name is another device's of its hub
   */
  void update(Device device);

  /**
   * Removes the device with its subscriptions, address blocks and access rules.
   *
   * @return whether there was such a device
   */
  boolean remove(String hub, String clientId);

  /** Every rule of every hub, global and per device: by hub, then in evaluation order. */
  List<AccessRule> rules();

  /**
   * The rules of device {@code clientId} of {@code hub} (none when there is no such device), or the
   * hub's global rules when it is null; by priority, then by id.
   */
  List<AccessRule> rules(String hub, String clientId);

  /**
   * Adds {@code rule} under a new id (its own is ignored).
   *
   * @return the rule with the id it was given; ids are never reused
   * @throws RegistryException {@link Kind#NOT_FOUND} when its hub does not exist, or it is a
   *     device's rule and there is no such device in the hub
   */
  AccessRule addRule(AccessRule rule);

  /**
   * @return whether there was such a rule
   */
  boolean removeRule(long id);

  /** The administrator of that name. */
  Optional<Admin> admin(String name);

  /** Every administrator, by name. */
  List<Admin> admins();

  /**
   * Adds {@code admin} as it is, its times included.
   *
   * @throws RegistryException {@link Kind#EXISTS} when the name is taken; {@link Kind#NOT_FOUND}
   *     when their hub does not exist
   */
  void addAdmin(Admin admin);

  /**
   * Replaces the role and password of the administrator of {@code admin}'s name and sets their
   * update time to now (their scope does not change).
   *
   * @throws RegistryException {@link Kind#NOT_FOUND} when there is no such administrator
   */
  void updateAdmin(Admin admin);

  /**
   * @return whether there was such an administrator
   * @throws RegistryException {@link Kind#IN_USE} for the last server administrator
   */
  boolean removeAdmin(String name);

  /**
   * The registry's version: it goes up with every change, in the change's transaction, and never
   * otherwise. Meant to be cheap to read: the broker polls it to know when to read a {@link
   * #snapshot()}.
   */
  long version();

  /** Every hub, device and rule, and the version they are at, read in one transaction. */
  RegistrySnapshot snapshot();

  /**
   * What and where the registry is, for log lines and messages: {@code sqlite data/registry.db} or
   * {@code postgresql db:5432/switchboard}.
   */
  String describe();

  @Override
  void close();
}
