package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.codec.MqttDecoder;
import dev.switchboard.mqtt.packet.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox extension: QoS 1 and 2 PUBLISHes kept in a file, so that what was not acknowledged
 * survives a restart of the program. An append-only log of three records, each written and forced
 * to disk before the call that made it returns:
 *
 * <ul>
 *   <li>{@code A} msgId qos version length bytes: a PUBLISH entered the outbox (its wire form);
 *   <li>{@code P} msgId: its PUBREC arrived (a PUBREL is owed);
 *   <li>{@code R} msgId: it left the outbox (acknowledged or expired).
 * </ul>
 *
 * On open the log is read (a torn last record is ignored), the entries still pending are loaded,
 * and the file is rewritten with only them. Loaded entries are sent again with DUP on connect, and
 * their expiry starts again at load time.
 */
final class OutboxFile {
  private static final Logger log = LoggerFactory.getLogger(OutboxFile.class);
  private static final byte ADD = 'A';
  private static final byte PUBREL = 'P';
  private static final byte REMOVE = 'R';

  private final Path file;
  private FileChannel out;
  private final Map<Integer, Loaded> loaded = new LinkedHashMap<>();

  private record Loaded(int msgId, int qos, MqttVersion version, byte[] wire, boolean released) {
    Loaded withReleased() {
      return new Loaded(msgId, qos, version, wire, true);
    }
  }

  private OutboxFile(Path file) {
    this.file = file;
  }

  static OutboxFile open(Path file) {
    OutboxFile f = new OutboxFile(file);
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (Files.exists(file)) {
        f.read();
      }
      f.compact();
    } catch (IOException e) {
      throw new MqttConfigException("extensions.outbox_file " + file + ": " + e.getMessage());
    }
    return f;
  }

  private void read() throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    while (b.remaining() >= 5) {
      int start = b.position();
      byte type = b.get();
      int msgId = b.getInt();
      if (type == ADD) {
        if (b.remaining() < 6) {
          b.position(start);
          break;
        }
        int qos = b.get();
        MqttVersion version = MqttVersion.fromLevel(b.get());
        int len = b.getInt();
        if (len < 0 || len > b.remaining() || version == null) {
          b.position(start);
          break;
        }
        byte[] wire = new byte[len];
        b.get(wire);
        loaded.put(msgId, new Loaded(msgId, qos, version, wire, false));
      } else if (type == PUBREL) {
        loaded.computeIfPresent(msgId, (k, v) -> v.withReleased());
      } else if (type == REMOVE) {
        loaded.remove(msgId);
      } else {
        b.position(start);
        break;
      }
    }
    if (b.hasRemaining()) {
      log.warn("{}: {} bytes at the end are not a whole record; ignored", file, b.remaining());
    }
  }

  /** Rewrites the file with the pending entries only, atomically. */
  private void compact() throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel c =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (Loaded l : loaded.values()) {
        c.write(addRecord(l.msgId, l.qos, l.version, l.wire));
        if (l.released) {
          c.write(idRecord(PUBREL, l.msgId));
        }
      }
      c.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Puts the loaded entries into {@code outbox}, as sent once already. */
  void load(Outbox outbox, long nowNanos) {
    for (Loaded l : loaded.values()) {
      Publish p = decode(l);
      if (p == null) {
        log.warn("{}: message {} cannot be read back; dropped", file, l.msgId);
        continue;
      }
      Outbox.Entry e = outbox.add(l.msgId, Outbox.Kind.PUBLISH, l.qos, p, l.wire.length, nowNanos);
      e.everSent = true;
      outbox.setStage(e, l.released ? Outbox.Stage.ACKNOWLEDGED : Outbox.Stage.TRANSMITTED);
    }
    loaded.clear();
  }

  private static Publish decode(Loaded l) {
    MqttDecoder decoder = new MqttDecoder(false, MqttCodec.MAX_PACKET_SIZE);
    decoder.setVersion(l.version);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(l.wire));
      Object o = ch.readInbound();
      return o instanceof Publish p ? p : null;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  void added(Outbox.Entry e, MqttVersion version) {
    ByteBuf buf =
        MqttCodec.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, e.packet, version);
    try {
      append(addRecord(e.msgId, e.qos, version, ByteBufUtil.getBytes(buf)));
    } finally {
      buf.release();
    }
  }

  void released(Outbox.Entry e) {
    append(idRecord(PUBREL, e.msgId));
  }

  void removed(Outbox.Entry e) {
    append(idRecord(REMOVE, e.msgId));
  }

  void close() {
    try {
      out.close();
    } catch (IOException e) {
      log.warn("{}: {}", file, e.getMessage());
    }
  }

  private void append(ByteBuffer record) {
    try {
      while (record.hasRemaining()) {
        out.write(record);
      }
      out.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("outbox file " + file + ": " + e.getMessage(), e);
    }
  }

  private static ByteBuffer addRecord(int msgId, int qos, MqttVersion version, byte[] wire) {
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 1 + 1 + 4 + wire.length);
    b.put(ADD).putInt(msgId).put((byte) qos).put((byte) version.level()).putInt(wire.length);
    b.put(wire);
    return b.flip();
  }

  private static ByteBuffer idRecord(byte type, int msgId) {
    return ByteBuffer.allocate(5).put(type).putInt(msgId).flip();
  }
}
