package dev.switchboard.cluster.wills;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.PropertiesBlob;
import dev.switchboard.broker.session.PendingWill;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A will in the bytes the replicated map keeps: the message as the broker will route it (it has no
 * expiry yet: that starts when it is published), its delay and its message expiry interval. Version
 * 1 is the first byte, so that a later form can be told apart.
 */
final class WillCodec {
  private static final int VERSION = 1;

  private WillCodec() {}

  static byte[] encode(PendingWill will) {
    Message m = will.message();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + m.payload().length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(m.hub());
      writeBytes(out, m.topic().getBytes(StandardCharsets.UTF_8));
      writeBytes(out, m.payload());
      out.writeByte(m.qos());
      out.writeBoolean(m.retain());
      writeBytes(out, PropertiesBlob.encode(m.properties()));
      out.writeBoolean(m.publisherId() != null);
      if (m.publisherId() != null) {
        writeBytes(out, m.publisherId().getBytes(StandardCharsets.UTF_8));
      }
      out.writeLong(will.delaySeconds());
      out.writeLong(will.messageExpirySeconds());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * The will {@code bytes} hold.
   *
   * @throws IOException when they are not a will of a version this code knows
   */
  static PendingWill decode(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("a will of version " + version + ", not " + VERSION);
    }
    String hub = in.readUTF();
    String topic = new String(readBytes(in), StandardCharsets.UTF_8);
    byte[] payload = readBytes(in);
    int qos = in.readUnsignedByte();
    boolean retain = in.readBoolean();
    byte[] properties = readBytes(in);
    String publisherId =
        in.readBoolean() ? new String(readBytes(in), StandardCharsets.UTF_8) : null;
    long delay = in.readLong();
    long expiry = in.readLong();
    if (qos > 2) {
      throw new IOException("a will of QoS " + qos);
    }
    Message m =
        new Message(
            topic,
            payload,
            qos,
            retain,
            PropertiesBlob.decode(properties.length == 0 ? null : properties),
            publisherId,
            Message.NEVER,
            hub);
    return new PendingWill(m, delay, expiry);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? 0 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("a field of " + n + " bytes past the end");
    }
    return in.readNBytes(n);
  }
}
