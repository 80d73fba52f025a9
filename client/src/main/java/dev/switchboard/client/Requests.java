package dev.switchboard.client;

import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callers' publish, enqueue, subscribe and unsubscribe, on their own threads: checked (topic,
 * QoS, the broker's MQTT 5 limits, the outbox limit), made into packets with their MQTT 5
 * properties, and written at once or put in the outbox for the task. Each takes the client's lock
 * for its whole work, except a publish's wait for a full send buffer, which happens before.
 */
final class Requests {
  // Log lines say MqttClient, whichever part of it writes them.
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final WriteGate writeGate;
  private final TaskInbox inbox;
  private final OutboxFlow outbox;
  private final SubscriptionBook book;
  private final NextProperties nextProperties;

  Requests(
      ReentrantLock lock,
      ClientStatus status,
      ClientChannel channel,
      WriteGate writeGate,
      TaskInbox inbox,
      OutboxFlow outbox,
      SubscriptionBook book,
      NextProperties nextProperties) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.writeGate = writeGate;
    this.inbox = inbox;
    this.outbox = outbox;
    this.book = book;
    this.nextProperties = nextProperties;
  }

  /**
   * A publish ({@code sendNow}: written at once when connected) or an enqueue (left to the task).
   *
   * @return the message id (0 for QoS 0), -1 on failure, -2 when the outbox is full
   */
  int submit(
      String topic,
      byte[] data,
      int qos,
      boolean retain,
      Mqtt5PublishProperty property,
      boolean store,
      boolean sendNow) {
    if (topic == null || !Topics.isValidName(topic) || qos < 0 || qos > 2) {
      return -1;
    }
    if (!sendNow && qos == 0 && !store) {
      return -1;
    }
    byte[] payload = data == null ? new byte[0] : data;
    if (sendNow) {
      // Outside the lock: a full send buffer waits, as ESP-MQTT's blocking write does.
      writeGate.awaitWritable(channel.snapshot(), status.config().network().timeout().toNanos());
    }
    lock.lock();
    try {
      status.requireNotDestroyed();
      boolean v5 = status.isV5();
      Mqtt5PublishProperty p = nextProperties.publish(property);
      MqttProperties props = v5 ? Properties5.publish(p) : MqttProperties.EMPTY;
      ServerLimits limits = status.limits();
      if (v5 && !limits.allowsPublish(qos, retain, props)) {
        log.debug("publish to '{}' refused: beyond the broker's limits {}", topic, limits);
        return -1;
      }
      boolean connected = status.is(MqttClientState.CONNECTED) && channel.isOpen();
      if (qos == 0 && !store) {
        if (!connected) {
          return -1;
        }
        Publish publish = new Publish(topic, payload, 0, retain, false, 0, props);
        if (v5 && !limits.fits(MqttCodec.encodedSize(publish, status.version()))) {
          return -1;
        }
        channel.send(publish);
        return 0;
      }
      int msgId = qos == 0 ? 0 : outbox.nextPacketId();
      if (msgId < 0) {
        return -2; // 65,535 messages unacknowledged: the outbox is full whatever its limit
      }
      Publish publish = new Publish(topic, payload, qos, retain, false, msgId, props);
      int size = MqttCodec.encodedSize(publish, status.version());
      if (v5 && !limits.fits(size)) {
        return -1;
      }
      if (qos > 0 && !outbox.fits(size)) {
        return -2;
      }
      Outbox.Entry e = outbox.addPublish(msgId, qos, publish, size);
      if (sendNow && connected && (qos == 0 || outbox.hasRoomInFlight())) {
        outbox.transmit(e);
      }
      inbox.wake(); // the entry's retransmit and expiry times may come before what the task waits
      // for
      return msgId;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A SUBSCRIBE for {@code topics}, with the share name and options of {@code property} (or the
   * one-shot ones) under MQTT 5.
   *
   * @return the message id, -1 when not connected, invalid or beyond the broker's limits, -2 when
   *     the outbox is full
   */
  int subscribe(List<MqttTopic> topics, Mqtt5SubscribeProperty property) {
    if (topics == null || topics.isEmpty()) {
      return -1;
    }
    lock.lock();
    try {
      status.requireNotDestroyed();
      if (!status.is(MqttClientState.CONNECTED) || !channel.isOpen()) {
        return -1;
      }
      boolean v5 = status.isV5();
      Mqtt5SubscribeProperty p = nextProperties.subscribe(property);
      List<Subscription> subs = new ArrayList<>(topics.size());
      for (MqttTopic t : topics) {
        if (t == null || t.filter() == null || t.qos() < 0 || t.qos() > 2) {
          return -1;
        }
        String filter =
            v5 && p != null && p.shareName() != null
                ? Topics.SHARE_PREFIX + p.shareName() + "/" + t.filter()
                : t.filter();
        if (!Topics.isValidFilter(filter)) {
          return -1;
        }
        subs.add(
            v5 && p != null
                ? new Subscription(
                    filter, t.qos(), p.noLocal(), p.retainAsPublished(), p.retainHandling())
                : new Subscription(filter, t.qos()));
      }
      MqttProperties props = v5 ? Properties5.subscribe(p) : MqttProperties.EMPTY;
      ServerLimits limits = status.limits();
      if (v5 && !limits.allowsSubscribe(subs, props)) {
        log.debug("subscribe to {} refused: beyond the broker's limits {}", subs, limits);
        return -1;
      }
      int msgId = outbox.nextPacketId();
      if (msgId < 0) {
        return -2;
      }
      Subscribe packet = new Subscribe(msgId, subs, props);
      if (!outbox.queueRequest(msgId, Outbox.Kind.SUBSCRIBE, packet)) {
        return -2;
      }
      book.subscribing(msgId, subs);
      return msgId;
    } finally {
      lock.unlock();
    }
  }

  /**
   * An UNSUBSCRIBE for {@code topics}, with the share name and user properties of {@code property}
   * (or the one-shot ones) under MQTT 5.
   *
   * @return the message id, -1 when not connected or a filter is invalid, -2 when the outbox is
   *     full
   */
  int unsubscribe(List<String> topics, Mqtt5UnsubscribeProperty property) {
    if (topics == null || topics.isEmpty()) {
      return -1;
    }
    lock.lock();
    try {
      status.requireNotDestroyed();
      if (!status.is(MqttClientState.CONNECTED) || !channel.isOpen()) {
        return -1;
      }
      boolean v5 = status.isV5();
      Mqtt5UnsubscribeProperty p = nextProperties.unsubscribe(property);
      List<String> filters = new ArrayList<>(topics.size());
      for (String t : topics) {
        String filter =
            v5 && p != null && p.shareName() != null && t != null
                ? Topics.SHARE_PREFIX + p.shareName() + "/" + t
                : t;
        if (filter == null || !Topics.isValidFilter(filter)) {
          return -1;
        }
        filters.add(filter);
      }
      int msgId = outbox.nextPacketId();
      if (msgId < 0) {
        return -2;
      }
      Unsubscribe packet =
          new Unsubscribe(
              msgId,
              filters,
              v5 && p != null ? Properties5.userOnly(p.userProperties()) : MqttProperties.EMPTY);
      if (!outbox.queueRequest(msgId, Outbox.Kind.UNSUBSCRIBE, packet)) {
        return -2;
      }
      book.unsubscribing(msgId, filters);
      return msgId;
    } finally {
      lock.unlock();
    }
  }
}
