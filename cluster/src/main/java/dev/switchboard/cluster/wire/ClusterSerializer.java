package dev.switchboard.cluster.wire;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.PropertiesBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Our binary form of the {@link ClusterWireMessage}s, registered in the module's {@code
 * reference.conf}: forwarding ({@link ForwardBatch}, {@link ForwardAck}) and session ownership
 * ({@link Claim}, {@link Granted}, {@link Release}, {@link Released}). Strings are a length and
 * their UTF-8 bytes (Java's modified UTF-8 would not hold every topic); a payload is its length and
 * bytes; a message's expiry is the milliseconds it has left (nodes' clocks need not agree), made a
 * local deadline again on arrival. A format change is a new manifest, so that nodes of two versions
 * refuse each other's batches instead of misreading them.
 */
public final class ClusterSerializer extends SerializerWithStringManifest {
  static final String BATCH = "B1";
  static final String ACK = "A1";
  static final String CLAIM = "C1";
  static final String GRANTED = "G1";
  static final String RELEASE = "R1";
  static final String RELEASED = "D1";

  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;
  private volatile WireCounters counters;

  public ClusterSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 73100;
  }

  @Override
  public String manifest(Object o) {
    return switch (o) {
      case ForwardBatch b -> BATCH;
      case ForwardAck a -> ACK;
      case Claim c -> CLAIM;
      case Granted g -> GRANTED;
      case Release r -> RELEASE;
      case Released r -> RELEASED;
      default -> throw new IllegalArgumentException("not a cluster message: " + o.getClass());
    };
  }

  @Override
  public byte[] toBinary(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      switch (o) {
        case ForwardBatch b -> writeBatch(out, b);
        case ForwardAck a -> {
          out.writeInt(a.seqs().length);
          for (long s : a.seqs()) {
            out.writeLong(s);
          }
        }
        case Claim c -> {
          writeString(out, c.hub());
          writeString(out, c.clientId());
          writeString(out, c.node());
          out.writeLong(c.claimId());
          writeString(out, resolver().toSerializationFormat(c.agent()));
          out.writeBoolean(c.cleanStart()); // last: a reader that predates it leaves it unread
        }
        case Granted g -> {
          out.writeLong(g.claimId());
          // last: a reader that predates it leaves it unread (and takes every node as answering)
          out.writeInt(g.unreleased().size());
          for (String node : g.unreleased()) {
            writeString(out, node);
          }
        }
        case Release r -> {
          writeString(out, r.hub());
          writeString(out, r.clientId());
          out.writeLong(r.releaseId());
          writeString(out, resolver().toSerializationFormat(r.replyTo()));
          out.writeBoolean(r.cleanStart());
        }
        case Released r -> {
          out.writeLong(r.releaseId());
          writeString(out, r.node());
        }
        default -> throw new IllegalArgumentException("not a cluster message: " + o.getClass());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] binary = bytes.toByteArray();
    if (o instanceof ForwardBatch) {
      counters().batchWritten(binary.length);
    }
    return binary;
  }

  private WireCounters counters() {
    WireCounters c = counters;
    if (c == null) {
      c = WireCounters.of(system);
      counters = c;
    }
    return c;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return switch (manifest) {
        case BATCH -> readBatch(in);
        case ACK -> {
          int n = in.readInt();
          long[] seqs = new long[n];
          for (int i = 0; i < n; i++) {
            seqs[i] = in.readLong();
          }
          yield new ForwardAck(seqs);
        }
        case CLAIM ->
            new Claim(
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                resolver().resolveActorRef(readString(in)),
                optionalFlag(in));
        case GRANTED -> new Granted(in.readLong(), optionalStrings(in));
        case RELEASE ->
            new Release(
                readString(in),
                readString(in),
                in.readLong(),
                resolver().resolveActorRef(readString(in)),
                optionalFlag(in));
        case RELEASED -> new Released(in.readLong(), readString(in));
        default -> throw new NotSerializableException("unknown cluster message " + manifest);
      };
    } catch (IOException e) {
      NotSerializableException n = new NotSerializableException("bad " + manifest + ": " + e);
      n.initCause(e);
      throw n;
    }
  }

  private void writeBatch(DataOutputStream out, ForwardBatch b) throws IOException {
    writeString(out, b.origin());
    writeString(out, resolver().toSerializationFormat(b.replyTo()));
    out.writeInt(b.messages().size());
    long now = System.nanoTime();
    for (ForwardedMessage f : b.messages()) {
      Message m = f.message();
      out.writeLong(f.seq());
      writeString(out, m.hub());
      writeString(out, m.topic());
      writeBytes(out, m.payload());
      out.writeByte(m.qos());
      out.writeBoolean(m.retain());
      writeBytes(out, PropertiesBlob.encode(m.properties()));
      writeString(out, m.publisherId());
      out.writeLong(
          m.expiresAtNanos() == Message.NEVER
              ? -1
              : Math.max(0, TimeUnit.NANOSECONDS.toMillis(m.expiresAtNanos() - now)));
      out.writeInt(f.sharedGroups().size());
      for (String g : f.sharedGroups()) {
        writeString(out, g);
      }
    }
  }

  private ForwardBatch readBatch(DataInputStream in) throws IOException {
    String origin = readString(in);
    ActorRef<ForwardAck> replyTo = resolver().resolveActorRef(readString(in));
    int n = in.readInt();
    List<ForwardedMessage> messages = new ArrayList<>(Math.min(n, 1024));
    long now = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long seq = in.readLong();
      String hub = readString(in);
      String topic = readString(in);
      byte[] payload = readBytes(in);
      if (payload == null) {
        throw new IOException("a message without a payload");
      }
      int qos = in.readByte();
      boolean retain = in.readBoolean();
      byte[] properties = readBytes(in);
      String publisherId = readString(in);
      long leftMillis = in.readLong();
      int groups = in.readInt();
      Set<String> shared = new HashSet<>(groups);
      for (int g = 0; g < groups; g++) {
        shared.add(readString(in));
      }
      Message m =
          new Message(
              topic,
              payload,
              qos,
              retain,
              PropertiesBlob.decode(properties),
              publisherId,
              leftMillis < 0 ? Message.NEVER : now + TimeUnit.MILLISECONDS.toNanos(leftMillis),
              hub);
      messages.add(new ForwardedMessage(seq, m, shared));
    }
    return new ForwardBatch(origin, replyTo, messages);
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  /**
   * A flag a later version added at the end of a message: false when the sender (an older node in a
   * rolling upgrade) did not write it.
   */
  /** A trailing list of strings, or none when the writer predates it. */
  private static List<String> optionalStrings(DataInputStream in) throws IOException {
    if (in.available() == 0) {
      return List.of();
    }
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new NotSerializableException("a list of " + n + " strings");
    }
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readString(in));
    }
    return out;
  }

  private static boolean optionalFlag(DataInputStream in) throws IOException {
    return in.available() > 0 && in.readBoolean();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    if (n > in.available()) {
      throw new IOException("a field of " + n + " bytes past the end");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
