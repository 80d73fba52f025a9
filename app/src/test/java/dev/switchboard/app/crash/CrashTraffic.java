package dev.switchboard.app.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * QoS 1 and QoS 2 traffic between a publisher and a subscriber with persistent sessions (clean
 * session 0), each on a thread that reconnects for as long as the broker is down, and keeps its
 * side of the session in memory, as a real client with a persistent store would. Message n is QoS 1
 * when n is even, QoS 2 when odd; every fifth is retained on {@code crash/r}, the rest go to {@code
 * crash/t}. Payloads are {@code m<n>}.
 */
final class CrashTraffic implements AutoCloseable {
  static final String PUBLISHER = "crash-pub";
  static final String SUBSCRIBER = "crash-sub";
  private static final int WINDOW = 24;

  private final BrokerChild broker;
  private final Object lock = new Object();
  private volatile boolean closed;
  private volatile boolean publishing = true;

  // publisher's side, guarded by lock
  private int nextMessage = 1;
  private int nextPacketId = 1;
  private final LinkedHashMap<Integer, Integer> awaitingPuback = new LinkedHashMap<>();
  private final LinkedHashMap<Integer, Integer> awaitingPubrec = new LinkedHashMap<>();
  private final LinkedHashSet<Integer> awaitingPubcomp = new LinkedHashSet<>();
  private final Set<Integer> acknowledged = new HashSet<>();
  private int lastAcknowledgedRetained;

  // subscriber's side, guarded by lock
  private final Map<Integer, Integer> received = new HashMap<>();
  private final Set<Integer> subscriberAwaitingPubrel = new HashSet<>();

  /** Problems seen by the client threads (a session not present after a restart, say). */
  final java.util.List<String> problems =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  private final Thread publisherThread;
  private final Thread subscriberThread;
  private volatile MiniClient publisherClient;
  private volatile MiniClient subscriberClient;

  /** Set at the first SUBACK: the publisher starts then, so that every message has its reader. */
  private volatile boolean subscribed;

  private boolean publisherConnectedOnce;

  CrashTraffic(BrokerChild broker) {
    this.broker = broker;
    this.publisherThread = new Thread(this::runPublisher, "crash-publisher");
    this.subscriberThread = new Thread(this::runSubscriber, "crash-subscriber");
  }

  void start() {
    subscriberThread.start();
    publisherThread.start();
  }

  /** No new messages from now on; what is in flight is completed. */
  void stopPublishing() {
    publishing = false;
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  int lastAcknowledgedRetained() {
    synchronized (lock) {
      return lastAcknowledgedRetained;
    }
  }

  int sent() {
    synchronized (lock) {
      return nextMessage - 1;
    }
  }

  int acknowledgedCount() {
    synchronized (lock) {
      return acknowledged.size();
    }
  }

  boolean publisherDone() {
    synchronized (lock) {
      return awaitingPuback.isEmpty() && awaitingPubrec.isEmpty() && awaitingPubcomp.isEmpty();
    }
  }

  String inFlight() {
    synchronized (lock) {
      return "awaiting PUBACK "
          + awaitingPuback
          + ", PUBREC "
          + awaitingPubrec
          + ", PUBCOMP "
          + awaitingPubcomp;
    }
  }

  /** Message numbers acknowledged to the publisher (PUBACK, or PUBREC for QoS 2). */
  Set<Integer> acknowledged() {
    synchronized (lock) {
      return new HashSet<>(acknowledged);
    }
  }

  /** How many times the subscriber got each message. */
  Map<Integer, Integer> received() {
    synchronized (lock) {
      return new HashMap<>(received);
    }
  }

  static int qosOf(int message) {
    return message % 2 == 0 ? 1 : 2;
  }

  static boolean retained(int message) {
    return message % 5 == 0;
  }

  // ---------------------------------------------------------------- publisher

  private void runPublisher() {
    while (!closed && !subscribed) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
    while (!closed) {
      MiniClient c = connect(PUBLISHER);
      if (c == null) {
        continue;
      }
      publisherClient = c;
      Thread reader = new Thread(() -> readPublisherAcks(c), "crash-publisher-acks");
      reader.start();
      try {
        synchronized (lock) {
          if (publisherConnectedOnce && !c.sessionPresent()) {
            problems.add("publisher session not present after a restart");
          }
          publisherConnectedOnce = true;
          // What was in flight goes again in the order it was first sent [MQTT-4.6.0-1]:
          // PUBLISH with DUP (QoS 1 and QoS 2 mixed, by message number: a retained QoS 2 message
          // sent again after a later QoS 1 one would otherwise replace it), then PUBREL
          List<Map.Entry<Integer, Integer>> again = new ArrayList<>(awaitingPuback.entrySet());
          again.addAll(awaitingPubrec.entrySet());
          again.sort(Map.Entry.comparingByValue());
          for (Map.Entry<Integer, Integer> e : again) {
            send(c, e.getKey(), e.getValue(), true);
          }
          for (int id : awaitingPubcomp) {
            c.pubrel(id);
          }
        }
        while (!closed && reader.isAlive()) {
          synchronized (lock) {
            int inFlight = awaitingPuback.size() + awaitingPubrec.size() + awaitingPubcomp.size();
            if (!publishing || inFlight >= WINDOW) {
              lock.wait(20);
              continue;
            }
            int n = nextMessage++;
            int id = packetId();
            (qosOf(n) == 1 ? awaitingPuback : awaitingPubrec).put(id, n);
            send(c, id, n, false);
          }
        }
      } catch (IOException e) {
        // the broker went away: reconnect
      } catch (InterruptedException e) {
        return;
      } finally {
        c.close();
      }
    }
  }

  private void send(MiniClient c, int packetId, int message, boolean dup) throws IOException {
    String topic = retained(message) ? "crash/r" : "crash/t";
    byte[] payload = ("m" + message).getBytes(StandardCharsets.US_ASCII);
    c.publish(packetId, topic, payload, qosOf(message), retained(message), dup);
  }

  private int packetId() {
    while (true) {
      int id = nextPacketId;
      nextPacketId = id == 65535 ? 1 : id + 1;
      if (!awaitingPuback.containsKey(id)
          && !awaitingPubrec.containsKey(id)
          && !awaitingPubcomp.contains(id)) {
        return id;
      }
    }
  }

  private void readPublisherAcks(MiniClient c) {
    try {
      while (true) {
        MiniClient.Packet p = c.read();
        synchronized (lock) {
          switch (p.type()) {
            case MiniClient.PUBACK -> {
              Integer n = awaitingPuback.remove(p.packetId());
              if (n != null) {
                acknowledge(n);
              }
            }
            case MiniClient.PUBREC -> {
              Integer n = awaitingPubrec.remove(p.packetId());
              if (n != null) {
                acknowledge(n);
                awaitingPubcomp.add(p.packetId());
              }
              if (awaitingPubcomp.contains(p.packetId())) {
                c.pubrel(p.packetId());
              }
            }
            case MiniClient.PUBCOMP -> awaitingPubcomp.remove(p.packetId());
            default -> problems.add("publisher got packet type " + p.type());
          }
          lock.notifyAll();
        }
      }
    } catch (IOException e) {
      c.close(); // the broker went away
    }
  }

  private void acknowledge(int n) {
    acknowledged.add(n);
    if (retained(n)) {
      lastAcknowledgedRetained = Math.max(lastAcknowledgedRetained, n);
    }
  }

  // ---------------------------------------------------------------- subscriber

  private void runSubscriber() {
    while (!closed) {
      MiniClient c = connect(SUBSCRIBER);
      if (c == null) {
        continue;
      }
      subscriberClient = c;
      try {
        if (!subscribed) {
          c.subscribe(1, "crash/#", 2);
        } else if (!c.sessionPresent()) {
          problems.add("subscriber session not present after a restart");
        }
        while (!closed) {
          MiniClient.Packet p = c.read();
          switch (p.type()) {
            case MiniClient.SUBACK -> subscribed = true;
            case MiniClient.PUBLISH -> onMessage(c, p);
            case MiniClient.PUBREL -> {
              synchronized (lock) {
                subscriberAwaitingPubrel.remove(p.packetId());
              }
              c.pubcomp(p.packetId());
            }
            default -> problems.add("subscriber got packet type " + p.type());
          }
        }
      } catch (IOException e) {
        // the broker went away: reconnect
      } finally {
        c.close();
      }
    }
  }

  /** QoS 2 as method B of the spec: counted on the first PUBLISH of a packet id until PUBREL. */
  private void onMessage(MiniClient c, MiniClient.Packet p) throws IOException {
    String text = new String(p.payload(), StandardCharsets.US_ASCII);
    int n = Integer.parseInt(text.substring(1));
    synchronized (lock) {
      if (p.qos() == 2) {
        if (subscriberAwaitingPubrel.add(p.packetId())) {
          received.merge(n, 1, Integer::sum);
        }
      } else {
        received.merge(n, 1, Integer::sum);
      }
      if (p.qos() != qosOf(n)) {
        problems.add("m" + n + " came at QoS " + p.qos());
      }
      lock.notifyAll();
    }
    if (p.qos() == 1) {
      c.puback(p.packetId());
    } else if (p.qos() == 2) {
      c.pubrec(p.packetId());
    }
  }

  private MiniClient connect(String clientId) {
    try {
      return new MiniClient(broker.port(), clientId, false);
    } catch (IOException e) {
      try {
        Thread.sleep(25);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        closed = true;
      }
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    MiniClient p = publisherClient;
    MiniClient s = subscriberClient;
    if (p != null) {
      p.close();
    }
    if (s != null) {
      s.close();
    }
    synchronized (lock) {
      lock.notifyAll();
    }
    publisherThread.join(5000);
    subscriberThread.join(5000);
  }
}
