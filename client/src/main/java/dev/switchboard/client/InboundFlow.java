package dev.switchboard.client;

import dev.switchboard.mqtt.codec.DecodeError;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.UnsubAck;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker sends on an accepted connection, on the task thread: PUBLISHes become DATA events
 * (topic aliases resolved, QoS 2 delivered once) and are acknowledged after their handlers ran;
 * acknowledgements go to {@link Acknowledgements}; a DISCONNECT, a closed connection, a malformed
 * or unexpected packet end the connection. Its own state (topic aliases, QoS 2 ids awaiting their
 * PUBREL) is guarded by the client's lock.
 */
final class InboundFlow {
  // Log lines say MqttClient, whichever part of it writes them.
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final Acknowledgements acks;
  private final Disconnects disconnects;
  private final TaskTimers timers;
  private final ClientEvents events;
  private final EventDispatcher dispatcher;
  private final Set<Integer> awaitingRelease = new HashSet<>();
  private final Map<Integer, String> inboundAliases = new LinkedHashMap<>();

  InboundFlow(
      ReentrantLock lock,
      ClientStatus status,
      ClientChannel channel,
      Acknowledgements acks,
      Disconnects disconnects,
      TaskTimers timers,
      ClientEvents events,
      EventDispatcher dispatcher) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.acks = acks;
    this.disconnects = disconnects;
    this.timers = timers;
    this.events = events;
    this.dispatcher = dispatcher;
  }

  /** A new connection: the broker's topic aliases start afresh; the caller holds the lock. */
  void connected() {
    inboundAliases.clear();
  }

  /**
   * No session was kept, or the client stopped: no QoS 2 message awaits its PUBREL any more; the
   * caller holds the lock.
   */
  void forgetReleases() {
    awaitingRelease.clear();
  }

  /** Handles what the current connection delivered. */
  void handle(Object what) {
    if (what instanceof Publish p) {
      onPublish(p);
    } else if (what instanceof PubAck a) {
      acks.onPublishDone(a.packetId(), a.reasonCode(), a.properties(), false);
    } else if (what instanceof PubRec r) {
      acks.onPubRec(r);
    } else if (what instanceof PubRel r) {
      onPubRel(r);
    } else if (what instanceof PubComp c) {
      acks.onPublishDone(c.packetId(), c.reasonCode(), c.properties(), true);
    } else if (what instanceof SubAck s) {
      acks.onSubAck(s);
    } else if (what instanceof UnsubAck u) {
      acks.onUnsubAck(u);
    } else if (what instanceof PingResp) {
      timers.pingAnswered();
    } else if (what instanceof Disconnect d) {
      disconnects.lost(
          MqttErrorCodes.disconnectedByBroker(
              d.reasonCode(),
              String.format("the broker disconnected: reason code 0x%02X", d.reasonCode())
                  + (d.properties().reasonString() == null
                      ? ""
                      : " (" + d.properties().reasonString() + ")")),
          false);
    } else if (what instanceof TaskInbox.Closed c) {
      disconnects.lost(TransportErrors.of(c.cause(), "connection"), true);
    } else if (what instanceof DecodeError e) {
      log.warn("client {}: malformed packet from the broker: {}", status.displayId(), e.message());
      disconnects.lost(
          MqttErrorCodes.transport(
              0, null, "malformed packet from the broker: " + e.message(), null),
          true);
    } else {
      log.warn(
          "client {}: unexpected {} from the broker; closing", status.displayId(), describe(what));
      disconnects.lost(
          MqttErrorCodes.transport(0, null, "protocol error: unexpected " + describe(what), null),
          true);
    }
  }

  private void onPublish(Publish p) {
    String topic = p.topic();
    Integer alias = p.properties().topicAlias();
    lock.lock();
    try {
      if (alias != null) {
        if (!topic.isEmpty()) {
          inboundAliases.put(alias, topic);
        } else {
          topic = inboundAliases.get(alias);
        }
      }
    } finally {
      lock.unlock();
    }
    if (topic == null || topic.isEmpty()) {
      disconnects.lost(
          MqttErrorCodes.transport(0, null, "protocol error: unknown topic alias " + alias, null),
          true);
      return;
    }
    boolean deliver = true;
    if (p.qos() == 2) {
      lock.lock();
      try {
        // Exactly once: a PUBLISH sent again before our PUBREC arrived is not delivered twice.
        deliver = awaitingRelease.add(p.packetId());
      } finally {
        lock.unlock();
      }
    }
    if (deliver) {
      dispatcher.dispatch(events.data(p, topic));
    }
    lock.lock();
    try {
      if (!status.is(MqttClientState.CONNECTED)) {
        return;
      }
      if (p.qos() == 1) {
        channel.send(new PubAck(p.packetId()));
      } else if (p.qos() == 2) {
        channel.send(new PubRec(p.packetId()));
      }
    } finally {
      lock.unlock();
    }
  }

  private void onPubRel(PubRel r) {
    lock.lock();
    try {
      boolean known = awaitingRelease.remove(r.packetId());
      channel.send(
          new PubComp(
              r.packetId(), known || !status.version().isV5() ? 0 : 0x92, MqttProperties.EMPTY));
    } finally {
      lock.unlock();
    }
  }

  /** A packet's type, or the class of anything else, for a log line or an error. */
  static String describe(Object what) {
    return what instanceof MqttPacket p ? p.type().toString() : what.getClass().getSimpleName();
  }
}
