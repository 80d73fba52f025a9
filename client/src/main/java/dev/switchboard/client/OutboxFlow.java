package dev.switchboard.client;

import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outbox's flow: packet identifiers, entries going in (with the outbox file, when there is
 * one), sent in order while the broker's receive maximum allows, sent again after a reconnect and
 * (MQTT 3.1 and 3.1.1) after the retransmit timeout, taken out when acknowledged or expired.
 * Guarded by the client's lock: the caller holds it, except for {@link #expire()}, which takes it
 * and runs the DELETED handlers outside it.
 */
final class OutboxFlow {
  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final SubscriptionBook book;
  private final ClientEvents events;
  private final EventDispatcher dispatcher;
  private final Outbox outbox = new Outbox();
  private final OutboxFile outboxFile;
  private int lastPacketId = ThreadLocalRandom.current().nextInt(1, 0x10000);

  /** MQTT 3.1.1: when the earliest sent entry waits long enough to be sent again. */
  private long retransmitDueNanos = Long.MAX_VALUE;

  /** Opens the outbox file of the configuration, if any, and loads what it kept. */
  OutboxFlow(
      ReentrantLock lock,
      ClientStatus status,
      ClientChannel channel,
      SubscriptionBook book,
      ClientEvents events,
      EventDispatcher dispatcher) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.book = book;
    this.events = events;
    this.dispatcher = dispatcher;
    MqttClientConfig config = status.config();
    this.outboxFile =
        config.extensions().outboxFile() == null
            ? null
            : OutboxFile.open(config.extensions().outboxFile());
    if (outboxFile != null) {
      outboxFile.load(outbox, System.nanoTime());
      for (Outbox.Entry e : outbox.entries()) {
        lastPacketId = Math.max(lastPacketId, e.msgId);
      }
    }
  }

  /** The next packet identifier no outbox entry holds, or -1 when all 65,535 are held. */
  int nextPacketId() {
    for (int i = 0; i < 0xFFFF; i++) {
      lastPacketId = lastPacketId >= 0xFFFF ? 1 : lastPacketId + 1;
      if (!outbox.usesMsgId(lastPacketId)) {
        return lastPacketId;
      }
    }
    return -1; // every identifier is held by an unacknowledged entry
  }

  /** Whether {@code size} more bytes stay within {@code outbox.limit}. */
  boolean fits(int size) {
    long limit = status.config().outbox().limit();
    return limit <= 0 || outbox.bytes() + size <= limit;
  }

  /** Whether the broker's receive maximum lets one more QoS 1 or 2 PUBLISH go now. */
  boolean hasRoomInFlight() {
    return outbox.inFlight() < status.limits().receiveMaximum();
  }

  /** Puts a PUBLISH in the outbox (and its file, for QoS 1 and 2), not sent yet. */
  Outbox.Entry addPublish(int msgId, int qos, Publish publish, int size) {
    Outbox.Entry e = outbox.add(msgId, Outbox.Kind.PUBLISH, qos, publish, size, System.nanoTime());
    if (outboxFile != null && qos > 0) {
      outboxFile.added(e, status.version());
    }
    return e;
  }

  /** Puts a SUBSCRIBE or UNSUBSCRIBE in the outbox and sends it; false when over the limit. */
  boolean queueRequest(int msgId, Outbox.Kind kind, MqttPacket packet) {
    int size = MqttCodec.encodedSize(packet, status.version());
    if (!fits(size)) {
      return false;
    }
    Outbox.Entry e = outbox.add(msgId, kind, 1, packet, size, System.nanoTime());
    transmit(e);
    return true;
  }

  Outbox.Entry get(int msgId) {
    return outbox.get(msgId);
  }

  /** Takes out an acknowledged SUBSCRIBE or UNSUBSCRIBE. */
  void remove(Outbox.Entry e) {
    outbox.remove(e);
  }

  /** The bytes held. */
  long bytes() {
    return outbox.bytes();
  }

  /** When the oldest entry was made, or {@code Long.MAX_VALUE} when there is none. */
  long oldestCreatedNanos() {
    return outbox.oldestCreatedNanos();
  }

  /**
   * MQTT 3.1.1: when the earliest sent entry is due to be sent again, or {@code Long.MAX_VALUE}.
   */
  long retransmitDueNanos() {
    return retransmitDueNanos;
  }

  /** The entries in the outbox now, in their order (under the client's lock). */
  List<Outbox.Entry> snapshot() {
    return outbox.entries();
  }

  /**
   * After a CONNACK: the entries that were in the outbox before the connection ({@code earlier},
   * taken before the CONNECTED handlers ran) are sent again, in order, PUBLISHes with DUP if sent;
   * those the handlers added went out when they were added.
   */
  void resendAfterConnect(List<Outbox.Entry> earlier) {
    for (Outbox.Entry e : earlier) {
      if (!outbox.contains(e)) {
        continue; // completed or expired since
      }
      if (e.stage() == Outbox.Stage.ACKNOWLEDGED) {
        channel.send(new PubRel(e.msgId));
        sentAt(e, System.nanoTime());
      } else {
        outbox.setStage(e, Outbox.Stage.QUEUED);
      }
    }
    sendQueued();
  }

  /** Sends QUEUED entries in order while the broker's receive maximum allows. */
  void sendQueued() {
    if (!status.is(MqttClientState.CONNECTED) || !channel.isOpen() || outbox.queued() == 0) {
      return;
    }
    for (Outbox.Entry e : outbox.entries()) {
      if (e.stage() != Outbox.Stage.QUEUED) {
        continue;
      }
      if (e.kind == Outbox.Kind.PUBLISH && e.qos > 0 && !hasRoomInFlight()) {
        continue;
      }
      transmit(e);
    }
  }

  void transmit(Outbox.Entry e) {
    if (e.everSent && e.kind == Outbox.Kind.PUBLISH) {
      resend(e);
    } else {
      channel.send(e.packet);
    }
    e.everSent = true;
    sentAt(e, System.nanoTime());
    if (e.kind == Outbox.Kind.PUBLISH && e.qos == 0) {
      outbox.remove(e); // a stored QoS 0 message is done once written
    } else {
      outbox.setStage(e, Outbox.Stage.TRANSMITTED);
    }
  }

  private void resend(Outbox.Entry e) {
    if (e.packet instanceof Publish p) {
      channel.send(p.withPacketId(p.packetId(), true));
    } else {
      channel.send(e.packet);
    }
  }

  /**
   * MQTT 3.1 and 3.1.1: sends again what waited longer than the retransmit timeout for its
   * acknowledgement, and notes when the next entry will be due, so that the outbox is gone through
   * only then, not on every packet the task handles.
   */
  void retransmitDue(long now) {
    long retransmit = status.config().session().messageRetransmitTimeout().toNanos();
    long nextDue = Long.MAX_VALUE;
    for (Outbox.Entry e : outbox.entries()) {
      if (e.stage() == Outbox.Stage.QUEUED) {
        continue;
      }
      if (now - e.sentNanos >= retransmit) {
        if (e.stage() == Outbox.Stage.ACKNOWLEDGED) {
          channel.send(new PubRel(e.msgId));
        } else {
          resend(e);
        }
        e.sentNanos = now;
      }
      long due = e.sentNanos + retransmit;
      if (nextDue == Long.MAX_VALUE || due - nextDue < 0) {
        nextDue = due;
      }
    }
    retransmitDueNanos = nextDue;
  }

  /** Notes that {@code e} went out at {@code now}: its retransmit time may be the earliest. */
  private void sentAt(Outbox.Entry e, long now) {
    e.sentNanos = now;
    long due = now + status.config().session().messageRetransmitTimeout().toNanos();
    if (retransmitDueNanos == Long.MAX_VALUE || due - retransmitDueNanos < 0) {
      retransmitDueNanos = due;
    }
  }

  /** QoS 2: the PUBREC for {@code e} came; the PUBREL goes out and waits for its PUBCOMP. */
  void released(Outbox.Entry e) {
    outbox.setStage(e, Outbox.Stage.ACKNOWLEDGED);
    sentAt(e, System.nanoTime());
    if (outboxFile != null) {
      outboxFile.released(e);
    }
    channel.send(new PubRel(e.msgId));
  }

  /** A PUBLISH's exchange ended: out of the outbox, which may let queued entries go. */
  void completed(Outbox.Entry e) {
    outbox.remove(e);
    if (outboxFile != null && e.qos > 0) {
      outboxFile.removed(e);
    }
    sendQueued();
  }

  /** Deletes the entries older than {@code outbox.expiry}, with a DELETED event each. */
  void expire() {
    List<MqttEvent> deleted;
    lock.lock();
    try {
      long cutoff = System.nanoTime() - status.config().outbox().expiry().toNanos();
      List<Outbox.Entry> expired = outbox.removeExpired(cutoff);
      if (expired.isEmpty()) {
        return;
      }
      deleted = new ArrayList<>(expired.size());
      for (Outbox.Entry e : expired) {
        if (outboxFile != null && e.qos > 0 && e.kind == Outbox.Kind.PUBLISH) {
          outboxFile.removed(e);
        }
        book.forget(e.msgId);
        deleted.add(events.deleted(e));
      }
      sendQueued();
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(deleted);
  }

  /** The client stopped: entries are dropped, unless the outbox is in a file. */
  void stopped() {
    if (outboxFile == null) {
      outbox.clear();
    }
  }

  /** The client is destroyed: the outbox file, if any, is closed. */
  void close() {
    if (outboxFile != null) {
      outboxFile.close();
    }
  }
}
