package dev.switchboard.broker.routing;

import dev.switchboard.broker.message.Message;
import java.util.List;

/**
 * What the publish path needs of a subscriber (a session): where to hand a copy, and whether it is
 * online and kept in the store. The session implements it; routing never sees the session itself,
 * so the session package may import routing and not the other way round.
 */
public interface Subscriber {
  /** The client id: with the hub, the key of the session's stored copies. */
  String clientId();

  /** The hub the subscriber belongs to (whose topic space it subscribes in). */
  String hub();

  /** True while a connection is attached. Safe from any thread (a hint for shared groups). */
  boolean isOnline();

  /**
   * Whether the subscriber is kept in the store (safe from any thread): a QoS 1/2 copy for it is
   * stored before the publisher is acknowledged.
   */
  boolean isPersistent();

  /**
   * Hands a message that matched the subscriber's non-shared subscriptions {@code filterKeys} to
   * it, from any thread: it is delivered on the subscriber's own loop, in the order of the offers.
   * Returns true when the subscriber's mailbox is past its bound and the publisher should stop
   * reading until {@link #whenRoom} says so (past a second, higher bound the message is dropped,
   * its stored copy {@code storedSeq} deleted, and the drop counted).
   *
   * @param storedSeq the copy stored for this subscriber (0: not stored); its {@code PutMessage} is
   *     appended to the journal before this call
   */
  boolean offer(Message message, List<String> filterKeys, long storedSeq);

  /**
   * As {@link #offer}, for a message given to the subscriber as the chosen member of the shared
   * subscription {@code filterKey} ({@code $share/name/filter}).
   */
  boolean offerShared(Message message, String filterKey, long storedSeq);

  /**
   * Runs {@code resume} once the subscriber has room again: at once, or on the subscriber's loop
   * (so {@code resume} only hands work to its own loop).
   */
  void whenRoom(Runnable resume);
}
