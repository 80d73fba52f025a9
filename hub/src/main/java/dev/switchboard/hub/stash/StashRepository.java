package dev.switchboard.hub.stash;

import java.util.List;
import java.util.Optional;

/**
 * Where stash definitions are kept: the registry (schema version 5), so that a change made from the
 * command line while the server runs reaches it: every change moves {@link #version()}, which
 * {@link StashDirectory} polls. Changes refused because of what the registry holds throw {@link
 * dev.switchboard.hub.registry.model.RegistryException} (the hub or stash not found, the name
 * taken).
 */
public interface StashRepository {

  /** Every stash of every hub, by hub and name. */
  List<Stash> allStashes();

  /** The stashes of {@code hub}, by name. */
  List<Stash> stashes(String hub);

  Optional<Stash> stash(String hub, String name);

  /** Adds a stash; refused when its hub does not exist or the name is taken in it. */
  void addStash(Stash stash);

  /** Replaces a stash's settings; refused when there is none of that hub and name. */
  void updateStash(Stash stash);

  /** Removes a stash's definition; whether there was one. Its entries are the caller's to clear. */
  boolean removeStash(String hub, String name);

  /** Moves with every change of the registry (stashes included). */
  long version();
}
