package dev.switchboard.http.broker;

import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.RouteTarget;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Which topics get messages, how many and when last: the topic tree's activity. A {@link
 * RouteTarget}, so it sees every message published on this node, on the publisher's event loop;
 * what it does there is one array store in a ring of that loop's own (one ring per loop and hub: a
 * single writer, no lock, no allocation, O(1)). {@link #collect} reads the rings (once a second) on
 * its own thread and counts. A ring lapped between two reads loses entries; the counts of what was
 * read are then scaled up to the number of messages written, so totals stay right and the split
 * between topics is a sample.
 *
 * <p>Messages published from other threads than event loops (the REST API's, wills on timers) go to
 * one shared ring under a lock: they are not the MQTT publish path.
 */
public final class TopicActivity implements RouteTarget {
  /** Topics kept per hub at most; the least recently active go first past it. */
  static final int MAX_TOPICS_PER_HUB = 100_000;

  /** Topics without a message for this long are forgotten. */
  static final long FORGET_AFTER_MILLIS = 3_600_000;

  /** One writer's ring of topics, for one hub. */
  static final class Ring {
    final String hub;
    final String[] topics;
    final int mask;

    @SuppressWarnings("unused") // accessed through WRITTEN
    private volatile long written;

    /** Entries read so far; the collecting thread's only. */
    long read;

    private static final VarHandle WRITTEN;

    static {
      try {
        WRITTEN = MethodHandles.lookup().findVarHandle(Ring.class, "written", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    Ring(String hub, int size) {
      this.hub = hub;
      this.topics = new String[size];
      this.mask = size - 1;
    }

    /** By its one writer. */
    void add(String topic) {
      long w = (long) WRITTEN.getOpaque(this);
      topics[(int) (w & mask)] = topic;
      WRITTEN.setRelease(this, w + 1);
    }

    long written() {
      return (long) WRITTEN.getAcquire(this);
    }
  }

  /** A topic's figures: the collecting thread writes them, readers see whole values. */
  public static final class Topic {
    volatile long messages;
    volatile long lastMillis;

    public long messages() {
      return messages;
    }

    public long lastMillis() {
      return lastMillis;
    }
  }

  private final int ringSize;
  private final FastThreadLocal<Map<String, Ring>> loopRings =
      new FastThreadLocal<>() {
        @Override
        protected Map<String, Ring> initialValue() {
          return new HashMap<>(4);
        }
      };
  private final ConcurrentLinkedQueue<Ring> rings = new ConcurrentLinkedQueue<>();
  private final Map<String, Ring> sharedRings = new HashMap<>();
  private final Map<String, Map<String, Topic>> byHub = new ConcurrentHashMap<>();

  /**
   * @param ringSize entries per ring, rounded up to a power of two
   */
  public TopicActivity(int ringSize) {
    this.ringSize = Integer.highestOneBit(Math.max(2, ringSize - 1) << 1);
  }

  @Override
  public int route(Message message) {
    String hub = message.hub();
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      Map<String, Ring> mine = loopRings.get();
      Ring ring = mine.get(hub);
      if (ring == null) {
        ring = newRing(hub);
        mine.put(hub, ring);
      }
      ring.add(message.topic());
    } else {
      synchronized (sharedRings) {
        sharedRings.computeIfAbsent(hub, this::newRing).add(message.topic());
      }
    }
    return 0; // nobody is subscribed here: it only watches
  }

  private Ring newRing(String hub) {
    Ring ring = new Ring(Hubs.isDefault(hub) ? Hubs.DEFAULT : hub, ringSize);
    rings.add(ring);
    return ring;
  }

  /**
   * Counts what the rings hold since the last call, and forgets hubs that are gone and topics idle
   * for an hour. On one thread at a time (the sampler's).
   *
   * @param hubs the hubs the broker still has; the activity of others is dropped
   */
  public void collect(long nowMillis, Set<String> hubs) {
    Map<String, Long> counted = new HashMap<>();
    for (Ring ring : rings) {
      if (!hubs.contains(ring.hub)) {
        ring.read = ring.written();
        continue;
      }
      long written = ring.written();
      long from = Math.max(ring.read, written - ring.topics.length);
      long lost = from - ring.read;
      long entries = written - from;
      ring.read = written;
      if (entries == 0) {
        continue;
      }
      Map<String, Topic> topics = byHub.computeIfAbsent(ring.hub, h -> new ConcurrentHashMap<>());
      counted.clear();
      for (long i = from; i < written; i++) {
        String topic = ring.topics[(int) (i & ring.mask)];
        if (topic != null) {
          counted.merge(topic, 1L, Long::sum);
        }
      }
      // a lapped ring: what was read stands for everything written since the last read
      double scale = lost == 0 ? 1.0 : (double) (entries + lost) / entries;
      for (Map.Entry<String, Long> e : counted.entrySet()) {
        Topic t = topics.computeIfAbsent(e.getKey(), k -> new Topic());
        t.messages += Math.round(e.getValue() * scale);
        t.lastMillis = nowMillis;
      }
    }
    byHub.keySet().retainAll(hubs);
    for (Map<String, Topic> topics : byHub.values()) {
      topics.values().removeIf(t -> nowMillis - t.lastMillis > FORGET_AFTER_MILLIS);
      if (topics.size() > MAX_TOPICS_PER_HUB) {
        long[] times = topics.values().stream().mapToLong(Topic::lastMillis).sorted().toArray();
        long cut = times[times.length - MAX_TOPICS_PER_HUB];
        topics.values().removeIf(t -> t.lastMillis < cut);
      }
    }
  }

  /** The hub's active topics and their figures (a live view; read only). */
  public Map<String, Topic> topics(String hub) {
    Map<String, Topic> topics = byHub.get(hub);
    return topics == null ? Map.of() : topics;
  }
}
