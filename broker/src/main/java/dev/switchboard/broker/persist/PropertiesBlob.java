package dev.switchboard.broker.persist;

import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.UserProperty;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The MQTT 5 properties a stored message carries to its subscribers (payload format, content type,
 * response topic, correlation data, user properties), as bytes. Our own small format, versioned by
 * its first byte, so that stores need not know MQTT: {@code 1}, a presence mask, then each present
 * field (strings as Java's modified UTF-8 would not hold every string, so length + UTF-8 bytes).
 */
public final class PropertiesBlob {
  private static final int VERSION = 1;
  private static final int FORMAT = 1;
  private static final int CONTENT_TYPE = 2;
  private static final int RESPONSE_TOPIC = 4;
  private static final int CORRELATION = 8;
  private static final int USER = 16;

  private PropertiesBlob() {}

  /** The blob for {@code p}, or null when it has nothing a subscriber would get. */
  public static byte[] encode(MqttProperties p) {
    if (p == null || p.isEmpty()) {
      return null;
    }
    int mask =
        (p.payloadFormatIndicator() != null ? FORMAT : 0)
            | (p.contentType() != null ? CONTENT_TYPE : 0)
            | (p.responseTopic() != null ? RESPONSE_TOPIC : 0)
            | (p.correlationData() != null ? CORRELATION : 0)
            | (p.userProperties().isEmpty() ? 0 : USER);
    if (mask == 0) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(mask);
      if ((mask & FORMAT) != 0) {
        out.writeByte(p.payloadFormatIndicator());
      }
      if ((mask & CONTENT_TYPE) != 0) {
        writeString(out, p.contentType());
      }
      if ((mask & RESPONSE_TOPIC) != 0) {
        writeString(out, p.responseTopic());
      }
      if ((mask & CORRELATION) != 0) {
        out.writeInt(p.correlationData().length);
        out.write(p.correlationData());
      }
      if ((mask & USER) != 0) {
        out.writeInt(p.userProperties().size());
        for (UserProperty u : p.userProperties()) {
          writeString(out, u.name());
          writeString(out, u.value());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /** The properties of a blob; EMPTY for null. Throws IllegalArgumentException when damaged. */
  public static MqttProperties decode(byte[] blob) {
    if (blob == null || blob.length == 0) {
      return MqttProperties.EMPTY;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("properties blob version " + version);
      }
      int mask = in.readUnsignedByte();
      MqttProperties.Builder b = MqttProperties.builder();
      if ((mask & FORMAT) != 0) {
        b.payloadFormatIndicator(in.readUnsignedByte());
      }
      if ((mask & CONTENT_TYPE) != 0) {
        b.contentType(readString(in));
      }
      if ((mask & RESPONSE_TOPIC) != 0) {
        b.responseTopic(readString(in));
      }
      if ((mask & CORRELATION) != 0) {
        b.correlationData(readBytes(in));
      }
      if ((mask & USER) != 0) {
        int n = in.readInt();
        if (n < 0 || n > blob.length) {
          throw new IllegalArgumentException("properties blob: bad user property count");
        }
        List<UserProperty> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          users.add(new UserProperty(readString(in), readString(in)));
        }
        b.userProperties(users);
      }
      return b.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("properties blob is truncated", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IllegalArgumentException("properties blob: bad length " + n);
    }
    return in.readNBytes(n);
  }
}
