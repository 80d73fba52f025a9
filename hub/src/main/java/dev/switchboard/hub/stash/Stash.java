package dev.switchboard.hub.stash;

import dev.switchboard.hub.registry.model.RegistryValidation;
import dev.switchboard.mqtt.topic.Topics;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stash (MyQttHub's name): a log of the messages of a hub whose topic matches a filter, kept in
 * the store so that they can be browsed, downloaded and re-sent later. Its definition lives in the
 * registry, so that {@code switchboard stashes} changes reach a running server; its entries live in
 * the store ({@link StashLog}).
 *
 * @param hub the hub whose messages it keeps
 * @param name its name, 1 to 64 of letters, digits, {@code .}, {@code _} and {@code -}
 * @param filter the topic filter a message's topic must match
 * @param clientIds when not empty, only messages published by one of these client ids
 * @param maxEntries entries kept at most (0: no limit); past it the oldest are dropped
 * @param maxBytes payload bytes kept at most (0: no limit)
 * @param maxAgeSeconds entries older than this are dropped (0: no limit)
 * @param enabled whether it appends messages now
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds
 */
public record Stash(
    String hub,
    String name,
    String filter,
    List<String> clientIds,
    long maxEntries,
    long maxBytes,
    long maxAgeSeconds,
    boolean enabled,
    long createdAt,
    long updatedAt) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public Stash {
    RegistryValidation.hubName(hub);
    if (!isName(name)) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a stash name: 1 to 64 of letters, digits, '.', '_' and '-'");
    }
    if (filter == null || !Topics.isValidFilter(filter)) {
      throw new IllegalArgumentException("'" + filter + "' is not a valid topic filter");
    }
    clientIds = List.copyOf(Objects.requireNonNull(clientIds, "clientIds"));
    for (String id : clientIds) {
      if (id.isEmpty()) {
        throw new IllegalArgumentException("a client id of a stash is not empty");
      }
    }
    if (maxEntries < 0 || maxBytes < 0 || maxAgeSeconds < 0) {
      throw new IllegalArgumentException("a stash's limits are 0 (none) or positive");
    }
  }

  public static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  /** Whether a message to {@code topic} from {@code clientId} goes in this stash. */
  public boolean captures(String topic, String clientId) {
    return enabled
        && (clientIds.isEmpty() || clientIds.contains(clientId))
        && Topics.matches(filter, topic);
  }

  /** This stash with other settings, the same name, hub and creation time. */
  public Stash with(
      String filter,
      List<String> clientIds,
      long maxEntries,
      long maxBytes,
      long maxAgeSeconds,
      boolean enabled,
      long updatedAt) {
    return new Stash(
        hub,
        name,
        filter,
        clientIds,
        maxEntries,
        maxBytes,
        maxAgeSeconds,
        enabled,
        createdAt,
        updatedAt);
  }
}
