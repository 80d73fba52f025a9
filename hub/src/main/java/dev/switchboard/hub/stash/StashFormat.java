package dev.switchboard.hub.stash;

import dev.switchboard.broker.persist.PropertiesBlob;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.UserProperty;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * The formats a stash is downloaded in, written one entry at a time to a stream (never built in
 * memory): {@code json} (one array), {@code ndjson} (one object a line) and {@code csv} (a header
 * line, then one line an entry, RFC 4180 quoting). Payloads and correlation data are base64, as in
 * MyQttHub's API; times are ISO-8601 in UTC with milliseconds.
 */
public enum StashFormat {
  JSON("application/json", "json"),
  NDJSON("application/x-ndjson", "ndjson"),
  CSV("text/csv", "csv");

  static final String CSV_HEADER =
      "seq,receivedAt,clientId,userName,address,topic,qos,retain,payload,properties";

  private final String mediaType;
  private final String extension;

  StashFormat(String mediaType, String extension) {
    this.mediaType = mediaType;
    this.extension = extension;
  }

  public String mediaType() {
    return mediaType;
  }

  public String extension() {
    return extension;
  }

  /** {@code json}, {@code ndjson} or {@code csv}, in any case. */
  public static StashFormat parse(String name) {
    if (name == null) {
      return JSON;
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "ndjson" -> NDJSON;
      case "csv" -> CSV;
      default ->
          throw new IllegalArgumentException(
              "'" + name + "' is not a download format: json, ndjson or csv");
    };
  }

  /** A writer of entries in this format onto {@code out}; {@link Output#finish()} ends it. */
  public Output open(OutputStream out) throws IOException {
    return open(new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  /**
   * A writer of entries in this format onto {@code w} (buffer it); {@link Output#finish()} ends it.
   */
  public Output open(Writer w) throws IOException {
    Output o = new Output(this, w);
    if (this == JSON) {
      w.write('[');
    } else if (this == CSV) {
      w.write(CSV_HEADER);
      w.write("\r\n");
    }
    return o;
  }

  /** Writes entries one by one; buffered by the caller's stream. */
  public static final class Output implements StashLog.Sink {
    private final StashFormat format;
    private final Writer w;
    private long written;

    private Output(StashFormat format, Writer w) {
      this.format = format;
      this.w = w;
    }

    @Override
    public void accept(StashEntry e) throws IOException {
      switch (format) {
        case JSON -> {
          if (written > 0) {
            w.write(',');
          }
          w.write('\n');
          object(e);
        }
        case NDJSON -> {
          object(e);
          w.write('\n');
        }
        case CSV -> csv(e);
      }
      written++;
    }

    /** How many entries were written. */
    public long written() {
      return written;
    }

    /** Ends the document and flushes; the stream stays open. */
    public void finish() throws IOException {
      if (format == JSON) {
        w.write(written > 0 ? "\n]\n" : "]\n");
      }
      w.flush();
    }

    private void object(StashEntry e) throws IOException {
      w.write("{\"seq\":");
      w.write(Long.toString(e.seq()));
      w.write(",\"receivedAt\":");
      string(Instant.ofEpochMilli(e.receivedAt()).toString());
      w.write(",\"clientId\":");
      string(e.clientId());
      w.write(",\"userName\":");
      string(e.username());
      w.write(",\"address\":");
      string(e.address());
      w.write(",\"topic\":");
      string(e.topic());
      w.write(",\"qos\":");
      w.write(Integer.toString(e.qos()));
      w.write(",\"retain\":");
      w.write(Boolean.toString(e.retain()));
      w.write(",\"payload\":");
      string(Base64.getEncoder().encodeToString(e.payload()));
      if (e.properties() != null) {
        w.write(",\"properties\":");
        properties(PropertiesBlob.decode(e.properties()));
      }
      w.write('}');
    }

    private void properties(MqttProperties p) throws IOException {
      w.write('{');
      boolean first = true;
      if (p.payloadFormatIndicator() != null) {
        w.write("\"payloadFormatIndicator\":" + p.payloadFormatIndicator());
        first = false;
      }
      if (p.contentType() != null) {
        w.write(first ? "" : ",");
        w.write("\"contentType\":");
        string(p.contentType());
        first = false;
      }
      if (p.responseTopic() != null) {
        w.write(first ? "" : ",");
        w.write("\"responseTopic\":");
        string(p.responseTopic());
        first = false;
      }
      if (p.correlationData() != null) {
        w.write(first ? "" : ",");
        w.write("\"correlationData\":");
        string(Base64.getEncoder().encodeToString(p.correlationData()));
        first = false;
      }
      if (!p.userProperties().isEmpty()) {
        w.write(first ? "" : ",");
        w.write("\"userProperties\":[");
        for (int i = 0; i < p.userProperties().size(); i++) {
          UserProperty u = p.userProperties().get(i);
          w.write(i == 0 ? "[" : ",[");
          string(u.name());
          w.write(',');
          string(u.value());
          w.write(']');
        }
        w.write(']');
      }
      w.write('}');
    }

    private void string(String s) throws IOException {
      if (s == null) {
        w.write("null");
        return;
      }
      w.write('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> w.write("\\\"");
          case '\\' -> w.write("\\\\");
          case '\n' -> w.write("\\n");
          case '\r' -> w.write("\\r");
          case '\t' -> w.write("\\t");
          default -> {
            if (c < 0x20 || c == '\u2028' || c == '\u2029') {
              w.write(String.format("\\u%04x", (int) c));
            } else {
              w.write(c);
            }
          }
        }
      }
      w.write('"');
    }

    private void csv(StashEntry e) throws IOException {
      w.write(Long.toString(e.seq()));
      w.write(',');
      w.write(Instant.ofEpochMilli(e.receivedAt()).toString());
      w.write(',');
      cell(e.clientId());
      w.write(',');
      cell(e.username());
      w.write(',');
      cell(e.address());
      w.write(',');
      cell(e.topic());
      w.write(',');
      w.write(Integer.toString(e.qos()));
      w.write(',');
      w.write(Boolean.toString(e.retain()));
      w.write(',');
      w.write(Base64.getEncoder().encodeToString(e.payload()));
      w.write(',');
      w.write(e.properties() == null ? "" : Base64.getEncoder().encodeToString(e.properties()));
      w.write("\r\n");
    }

    private void cell(String s) throws IOException {
      if (s == null) {
        return;
      }
      if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
        w.write(s);
        return;
      }
      w.write('"');
      w.write(s.replace("\"", "\"\""));
      w.write('"');
    }
  }
}
