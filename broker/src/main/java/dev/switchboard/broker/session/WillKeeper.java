package dev.switchboard.broker.session;

/**
 * Told which connections of this node hold a will that would be lost with the node: the will of a
 * session that ends with its connection (Session Expiry Interval 0). If the node dies, nothing here
 * publishes it; a keeper outside the node (the cluster's, which replicates them to the other nodes)
 * can. The will of a persistent session is in the store with it, and is not told.
 *
 * <p>Called on the session's event loop: an implementation must not block.
 */
public interface WillKeeper {
  /** A single node: its wills die with it, as do its connections. */
  WillKeeper NONE =
      new WillKeeper() {
        @Override
        public void holds(String hub, String clientId, PendingWill will) {}

        @Override
        public void released(String hub, String clientId) {}
      };

  /** The connection of {@code clientId} in {@code hub}, just attached here, holds {@code will}. */
  void holds(String hub, String clientId, PendingWill will);

  /**
   * The connection told of by {@link #holds} has ended here (its will published or dropped, its
   * session taken over or ended) or the node is stopping after publishing it: nobody else should.
   */
  void released(String hub, String clientId);
}
