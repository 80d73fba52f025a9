package dev.switchboard.client;

import dev.switchboard.mqtt.packet.MqttPacket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the client has sent, or must send, and not yet seen acknowledged: ESP-MQTT's outbox. QoS 1
 * and 2 PUBLISHes, SUBSCRIBEs and UNSUBSCRIBEs (for their acknowledgements), and QoS 0 messages
 * enqueued with {@code store}. Entries are kept in the order they were made, which is the order
 * they are sent again after a reconnect. It counts the entries not sent yet and the PUBLISHes in
 * flight, so that neither needs a pass over all entries; stages change through {@link #setStage}.
 * Used under the client's lock only.
 */
final class Outbox {
  enum Kind {
    PUBLISH,
    SUBSCRIBE,
    UNSUBSCRIBE
  }

  /** ESP-MQTT's pending states: not sent yet, sent, PUBREC received (PUBREL sent). */
  enum Stage {
    QUEUED,
    TRANSMITTED,
    ACKNOWLEDGED
  }

  static final class Entry {
    final long seq;
    final int msgId;
    final Kind kind;
    final int qos;
    final int size;
    final long createdNanos;
    MqttPacket packet;
    private Stage stage = Stage.QUEUED;
    long sentNanos;
    boolean everSent;

    Entry(long seq, int msgId, Kind kind, int qos, MqttPacket packet, int size, long createdNanos) {
      this.seq = seq;
      this.msgId = msgId;
      this.kind = kind;
      this.qos = qos;
      this.packet = packet;
      this.size = size;
      this.createdNanos = createdNanos;
    }

    Stage stage() {
      return stage;
    }

    /** A PUBLISH that occupies one of the broker's receive-maximum slots while unacknowledged. */
    boolean countsInFlight() {
      return kind == Kind.PUBLISH && qos > 0 && stage != Stage.QUEUED;
    }
  }

  private final Map<Long, Entry> bySeq = new LinkedHashMap<>();
  private final Map<Integer, Entry> byMsgId = new HashMap<>();
  private long nextSeq;
  private long bytes;
  private int queued;
  private int inFlight;

  Entry add(int msgId, Kind kind, int qos, MqttPacket packet, int size, long nowNanos) {
    Entry e = new Entry(nextSeq++, msgId, kind, qos, packet, size, nowNanos);
    bySeq.put(e.seq, e);
    if (msgId != 0) {
      byMsgId.put(msgId, e);
    }
    bytes += size;
    queued++;
    return e;
  }

  /** Moves an entry to another stage, keeping the counts. */
  void setStage(Entry e, Stage stage) {
    uncount(e);
    e.stage = stage;
    count(e);
  }

  private void count(Entry e) {
    if (e.stage == Stage.QUEUED) {
      queued++;
    }
    if (e.countsInFlight()) {
      inFlight++;
    }
  }

  private void uncount(Entry e) {
    if (e.stage == Stage.QUEUED) {
      queued--;
    }
    if (e.countsInFlight()) {
      inFlight--;
    }
  }

  /** Entries not sent yet (on this connection). */
  int queued() {
    return queued;
  }

  /** QoS 1 and 2 PUBLISHes sent and not yet acknowledged: the broker's receive-maximum slots. */
  int inFlight() {
    return inFlight;
  }

  Entry get(int msgId) {
    return byMsgId.get(msgId);
  }

  /** Whether {@code e} is still in the outbox (not completed, expired or removed). */
  boolean contains(Entry e) {
    return bySeq.get(e.seq) == e;
  }

  boolean usesMsgId(int msgId) {
    return byMsgId.containsKey(msgId);
  }

  void remove(Entry e) {
    if (bySeq.remove(e.seq) != null) {
      bytes -= e.size;
      uncount(e);
      if (e.msgId != 0) {
        byMsgId.remove(e.msgId, e);
      }
    }
  }

  /** The entries, oldest first; a copy, so the caller may remove while going through it. */
  List<Entry> entries() {
    return new ArrayList<>(bySeq.values());
  }

  /** Removes the entries made before {@code cutoffNanos} and returns them, oldest first. */
  List<Entry> removeExpired(long cutoffNanos) {
    List<Entry> out = new ArrayList<>();
    Iterator<Entry> it = bySeq.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.createdNanos - cutoffNanos > 0) {
        break; // entries are in creation order
      }
      it.remove();
      bytes -= e.size;
      uncount(e);
      if (e.msgId != 0) {
        byMsgId.remove(e.msgId, e);
      }
      out.add(e);
    }
    return out;
  }

  /** When the oldest entry was made, or {@code Long.MAX_VALUE} when there is none. */
  long oldestCreatedNanos() {
    for (Entry e : bySeq.values()) {
      return e.createdNanos;
    }
    return Long.MAX_VALUE;
  }

  long bytes() {
    return bytes;
  }

  void clear() {
    bySeq.clear();
    byMsgId.clear();
    bytes = 0;
    queued = 0;
    inFlight = 0;
  }
}
