package dev.switchboard.cluster.wire;

import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * What {@link ClusterSerializer} wrote of forwarded batches on one actor system: batches and their
 * bytes as they go to Artery (our binary form; Artery's own frame header is not in it). The
 * serializer is made by Pekko, so the counters hang on the actor system as an extension, one per
 * node, and the node's figures read them from there.
 */
public final class WireCounters implements Extension {
  /** The extension's id: {@code WireCounters.ID.get(system)}. */
  public static final AbstractExtensionId<WireCounters> ID =
      new AbstractExtensionId<>() {
        @Override
        public WireCounters createExtension(ExtendedActorSystem system) {
          return new WireCounters();
        }
      };

  private final LongAdder batches = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  /** The counters of {@code system}. */
  public static WireCounters of(ActorSystem system) {
    return ID.get(system);
  }

  void batchWritten(int size) {
    batches.increment();
    bytes.add(size);
  }

  /** Forwarded batches serialized for another node (a batch sent again counts again). */
  public long batches() {
    return batches.sum();
  }

  /** Their bytes. */
  public long bytes() {
    return bytes.sum();
  }
}
