package dev.switchboard.client;

import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The broker's acknowledgements of what the client sent: PUBACK, PUBREC and PUBCOMP end or advance
 * a PUBLISH's exchange (PUBLISHED), SUBACK and UNSUBACK end a request (SUBSCRIBED, UNSUBSCRIBED).
 * Each takes the client's lock to update the outbox, then runs the handlers outside it.
 */
final class Acknowledgements {
  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final OutboxFlow outbox;
  private final SubscriptionBook book;
  private final ClientEvents events;
  private final EventDispatcher dispatcher;

  Acknowledgements(
      ReentrantLock lock,
      ClientStatus status,
      ClientChannel channel,
      OutboxFlow outbox,
      SubscriptionBook book,
      ClientEvents events,
      EventDispatcher dispatcher) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.outbox = outbox;
    this.book = book;
    this.events = events;
    this.dispatcher = dispatcher;
  }

  void onPubRec(PubRec r) {
    List<MqttEvent> out = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(r.packetId());
      if (e == null || e.kind != Outbox.Kind.PUBLISH || e.qos != 2) {
        // Not ours (any more): release it so the broker can forget it.
        channel.send(
            new PubRel(r.packetId(), status.version().isV5() ? 0x92 : 0, MqttProperties.EMPTY));
        return;
      }
      if (r.reasonCode() >= 0x80) {
        // MQTT 5: the broker refused the message; the exchange ends here [MQTT-4.3.3-4].
        outbox.completed(e);
        out.add(events.published(e.msgId, r.reasonCode(), r.properties()));
      } else {
        outbox.released(e);
      }
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  /** A PUBACK ({@code comp} false) or PUBCOMP ({@code comp} true). */
  void onPublishDone(int packetId, int reason, MqttProperties props, boolean comp) {
    List<MqttEvent> out = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(packetId);
      if (e == null || e.kind != Outbox.Kind.PUBLISH || e.qos != (comp ? 2 : 1)) {
        return; // a late acknowledgement of an entry already expired
      }
      outbox.completed(e);
      out.add(events.published(packetId, reason, props));
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  void onSubAck(SubAck s) {
    List<MqttEvent> out = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(s.packetId());
      if (e == null || e.kind != Outbox.Kind.SUBSCRIBE) {
        return;
      }
      outbox.remove(e);
      List<Subscription> asked = book.takeSubscribing(s.packetId());
      byte[] codes = new byte[s.reasonCodes().size()];
      boolean failed = false;
      for (int i = 0; i < codes.length; i++) {
        int code = s.reasonCodes().get(i);
        codes[i] = (byte) code;
        if (code >= 0x80) {
          failed = true;
        } else if (asked != null && i < asked.size()) {
          book.subscribed(asked.get(i));
        }
      }
      MqttErrorCodes error =
          failed
              ? MqttErrorCodes.subscribeFailed(
                  "the broker refused "
                      + (codes.length == 1 ? "the subscription" : "one or more subscriptions"))
              : null;
      out.add(events.notice(MqttEventId.SUBSCRIBED, s.packetId(), codes, error, s.properties(), 0));
      outbox.sendQueued();
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  void onUnsubAck(UnsubAck u) {
    List<MqttEvent> out = new ArrayList<>(1);
    lock.lock();
    try {
      Outbox.Entry e = outbox.get(u.packetId());
      if (e == null || e.kind != Outbox.Kind.UNSUBSCRIBE) {
        return;
      }
      outbox.remove(e);
      book.unsubscribed(u.packetId());
      byte[] codes = new byte[u.reasonCodes().size()];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (byte) (int) u.reasonCodes().get(i);
      }
      out.add(
          events.notice(MqttEventId.UNSUBSCRIBED, u.packetId(), codes, null, u.properties(), 0));
      outbox.sendQueued();
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }
}
