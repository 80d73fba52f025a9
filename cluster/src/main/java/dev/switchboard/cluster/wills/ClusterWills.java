package dev.switchboard.cluster.wills;

import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.WillKeeper;
import org.apache.pekko.actor.typed.ActorRef;

/** The broker's will keeper on a cluster node: tells this node's {@link WillBook}. */
public final class ClusterWills implements WillKeeper {
  private final ActorRef<WillBook.Command> book;

  public ClusterWills(ActorRef<WillBook.Command> book) {
    this.book = book;
  }

  @Override
  public void holds(String hub, String clientId, PendingWill will) {
    book.tell(new WillBook.Holds(hub, clientId, WillCodec.encode(will)));
  }

  @Override
  public void released(String hub, String clientId) {
    book.tell(new WillBook.Released(hub, clientId));
  }
}
