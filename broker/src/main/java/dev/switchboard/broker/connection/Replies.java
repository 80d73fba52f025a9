package dev.switchboard.broker.connection;

import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubRec;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledgements waiting for a commit, and those that came after them: they go out in the order
 * they were made, each once the store has what it acknowledges. Made for a connection on its first
 * wait; on its event loop.
 */
final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private static final int WAITING = 0;
  private static final int READY = 1;
  private static final int FAILED = 2;

  private static final class Reply {
    final MqttPacket packet;
    final Runnable after;
    int state;
    StoreException failure;

    Reply(MqttPacket packet, Runnable after, int state) {
      this.packet = packet;
      this.after = after;
      this.state = state;
    }
  }

  private final MqttConnection connection;
  private final Journal journal;
  private final ArrayDeque<Reply> queue = new ArrayDeque<>();

  Replies(MqttConnection connection, Journal journal) {
    this.connection = connection;
    this.journal = journal;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Queues {@code packet} behind the replies already waiting; when {@code waits}, it also waits for
   * the commit of what was appended to the journal before it.
   */
  void add(MqttPacket packet, Runnable after, boolean waits) {
    Reply r = new Reply(packet, after, waits ? WAITING : READY);
    queue.add(r);
    if (waits) {
      EventLoop loop = connection.eventLoop();
      journal.whenCommitted(
          new Journal.Completion() {
            @Override
            public void committed() {
              loop.execute(() -> settle(r, READY, null));
            }

            @Override
            public void failed(StoreException e) {
              loop.execute(() -> settle(r, FAILED, e));
            }
          });
    }
  }

  private void settle(Reply r, int outcome, StoreException failure) {
    r.state = outcome;
    r.failure = failure;
    while (!queue.isEmpty() && queue.peekFirst().state != WAITING) {
      Reply next = queue.pollFirst();
      if (next.state == FAILED && !refuse(next)) {
        queue.clear();
        return;
      }
      if (next.state == READY) {
        connection.writer.write(next.packet);
        if (next.after != null && connection.state == MqttConnection.State.CONNECTED) {
          next.after.run();
        }
      }
    }
  }

  /**
   * What could not be stored is not acknowledged: a 5.0 PUBACK or PUBREC says 0x80 and why; for
   * anything else, or a 3.1.1 client, the connection closes without the acknowledgement, so that
   * the client sends again when it reconnects. Returns false when the connection was closed.
   */
  private boolean refuse(Reply r) {
    String why = "not stored: " + r.failure.kind().name().toLowerCase(Locale.ROOT);
    OutboundWriter writer = connection.writer;
    if (writer.isV5() && r.packet instanceof PubAck a) {
      writer.write(new PubAck(a.packetId(), ReasonCode.UNSPECIFIED_ERROR, Diagnostics.reason(why)));
      return true;
    }
    if (writer.isV5() && r.packet instanceof PubRec rec) {
      if (connection.session != null) {
        connection.session.awaitingPubrel().forget(rec.packetId());
      }
      writer.write(
          new PubRec(rec.packetId(), ReasonCode.UNSPECIFIED_ERROR, Diagnostics.reason(why)));
      return true;
    }
    log.warn(
        "{}: closing: {} could not be stored ({})", connection.describe(), r.packet.type(), why);
    connection.disconnect(ReasonCode.UNSPECIFIED_ERROR, why);
    return false;
  }
}
