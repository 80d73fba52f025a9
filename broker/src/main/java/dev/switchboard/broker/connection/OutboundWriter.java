package dev.switchboard.broker.connection;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.session.Outbound;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this connection writes: packets encoded into one buffer per burst, handed to the
 * channel in large pieces and flushed once per read burst or loop turn; PUBLISHes shaped for the
 * client (topic aliases, remaining expiry, subscription identifiers, its Maximum Packet Size); and
 * the client's diagnostics preferences applied to every other packet. One per connection, on its
 * event loop.
 */
final class OutboundWriter {
  private static final Logger log = LoggerFactory.getLogger(OutboundWriter.class);

  /** Above this many pending bytes the buffer goes to the channel without waiting for the flush. */
  private static final int HAND_OFF_BYTES = 16 * 1024;

  /** Payloads above this size are written wrapped, not copied: one array for every subscriber. */
  private static final int WRAP_PAYLOAD_ABOVE = 4 * 1024;

  private final Channel channel;
  private final BrokerMetrics metrics;

  private boolean flushScheduled;

  /**
   * Packets encoded but not yet handed to the channel: a burst of deliveries becomes one buffer,
   * one write and one flush. Null when empty, so an idle connection holds no buffer.
   */
  private ByteBuf out;

  private MqttVersion version = MqttVersion.V3_1_1;
  private long clientMaxPacketSize = Long.MAX_VALUE;
  private int clientTopicAliasMaximum;
  private boolean requestProblemInformation = true;

  /** Server-to-client aliases we assigned, up to the client's Topic Alias Maximum. */
  private Map<String, Integer> outboundAliases;

  OutboundWriter(Channel channel, BrokerMetrics metrics) {
    this.channel = channel;
    this.metrics = metrics;
  }

  MqttVersion version() {
    return version;
  }

  void version(MqttVersion v) {
    this.version = v;
  }

  boolean isV5() {
    return version == MqttVersion.V5;
  }

  /** What a 5.0 client said in its CONNECT about what it takes. */
  void clientLimits(long maxPacketSize, int topicAliasMaximum, boolean problemInformation) {
    this.clientMaxPacketSize = maxPacketSize;
    this.clientTopicAliasMaximum = topicAliasMaximum;
    this.requestProblemInformation = problemInformation;
  }

  /** Whether the client wants Reason Strings and User Properties on acknowledgements. */
  boolean requestProblemInformation() {
    return requestProblemInformation;
  }

  /** A Reason String for this client: none when it asked for no problem information. */
  MqttProperties reasonFor(String reasonString) {
    return requestProblemInformation ? Diagnostics.reason(reasonString) : MqttProperties.EMPTY;
  }

  /**
   * Writes a PUBLISH for {@code o}; returns false, writing nothing, when it would exceed the
   * client's Maximum Packet Size [MQTT-3.1.2-24].
   */
  boolean writePublish(Outbound o, boolean dup) {
    Message m = o.message();
    MqttProperties props = MqttProperties.EMPTY;
    String topic = m.topic();
    boolean newAlias = false;
    if (version == MqttVersion.V5) {
      long remaining = m.remainingExpirySeconds(System.nanoTime());
      Integer alias = null;
      if (clientTopicAliasMaximum > 0) {
        if (outboundAliases == null) {
          outboundAliases = new HashMap<>();
        }
        alias = outboundAliases.get(topic);
        if (alias != null) {
          topic = "";
        } else if (outboundAliases.size() < clientTopicAliasMaximum) {
          // [MQTT-3.3.2-11] aliases 1..the client's Topic Alias Maximum, each set once
          alias = outboundAliases.size() + 1;
          outboundAliases.put(topic, alias);
          newAlias = true;
        }
      }
      if (remaining >= 0 || alias != null || o.subscriptionIds().length > 0) {
        MqttProperties.Builder b = m.properties().toBuilder();
        if (remaining >= 0) {
          b.messageExpiryInterval(remaining); // [MQTT-3.3.2-6]
        }
        if (alias != null) {
          b.topicAlias(alias);
        }
        for (int id : o.subscriptionIds()) {
          b.addSubscriptionIdentifier(id);
        }
        props = b.build();
      } else {
        props = m.properties();
      }
    }
    Publish publish =
        new Publish(
            topic, m.payload(), o.qos(), o.retain(), dup, o.qos() == 0 ? 0 : o.packetId(), props);
    if (clientMaxPacketSize != Long.MAX_VALUE
        && MqttCodec.encodedSize(publish, version) > clientMaxPacketSize) {
      if (newAlias) {
        // the client never sees this PUBLISH, so it never learns the alias: take it back
        outboundAliases.remove(m.topic());
      }
      return false; // [MQTT-3.1.2-24] not sent; discarded as if delivered [MQTT-3.1.2-25]
    }
    write(publish);
    return true;
  }

  /** Encodes {@code packet} into the burst's buffer; a flush is scheduled for the loop's turn. */
  void write(MqttPacket packet) {
    if (!channel.isActive()) {
      return;
    }
    MqttPacket p = fit(packet);
    if (p == null) {
      // Even without its diagnostics it exceeds the client's Maximum Packet Size, which it may
      // not [MQTT-3.1.2-24]; the client cannot go on without it (a CONNACK, an acknowledgement)
      log.debug(
          "{}: a {} does not fit the client's Maximum Packet Size of {}; closing",
          channel.remoteAddress(),
          packet.type(),
          clientMaxPacketSize);
      flush();
      channel.close();
      return;
    }
    if (out == null) {
      out = channel.alloc().ioBuffer(512);
    }
    if (p instanceof Publish publish && publish.payload().length > WRAP_PAYLOAD_ABOVE) {
      MqttCodec.encodePublishHeaderInto(out, publish, version);
      handOff();
      ByteBuf payload = Unpooled.wrappedBuffer(publish.payload());
      metrics.bytesSent.add(payload.readableBytes());
      channel.write(payload, channel.voidPromise());
    } else {
      MqttCodec.encodeInto(out, p, version);
      if (out.readableBytes() >= HAND_OFF_BYTES) {
        handOff();
      }
    }
    if (!flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(this::flush);
    }
  }

  /** Gives the pending bytes to the channel (they are sent at the next flush). */
  private void handOff() {
    ByteBuf b = out;
    if (b == null) {
      return;
    }
    out = null;
    if (!b.isReadable()) {
      b.release();
      return;
    }
    metrics.bytesSent.add(b.readableBytes());
    channel.write(b, channel.voidPromise());
  }

  /** Hands what is pending to the channel and flushes it. */
  void flush() {
    flushScheduled = false;
    handOff();
    channel.flush();
  }

  /** The connection is gone: what was not handed to the channel is released. */
  void discard() {
    if (out != null) {
      out.release();
      out = null;
    }
  }

  /**
   * What may go to this client of a packet's diagnostics: no Reason String or User Properties
   * except on PUBLISH, CONNACK and DISCONNECT when it asked for no problem information
   * [MQTT-3.1.2-29], and none where they would make a packet exceed its Maximum Packet Size
   * [MQTT-3.1.2-24] (5.0 3.4.2.2.2, 3.2.2.3.9, 3.14.2.2.3 and the like). Null when it does not fit
   * even without them.
   */
  private MqttPacket fit(MqttPacket packet) {
    if (version != MqttVersion.V5 || packet instanceof Publish) {
      return packet;
    }
    MqttPacket fitted =
        requestProblemInformation ? packet : Diagnostics.withoutProblemInformation(packet);
    if (clientMaxPacketSize != Long.MAX_VALUE
        && MqttCodec.encodedSize(fitted, version) > clientMaxPacketSize) {
      fitted = Diagnostics.withoutDiagnostics(fitted);
      if (MqttCodec.encodedSize(fitted, version) > clientMaxPacketSize) {
        return null;
      }
    }
    return fitted;
  }
}
