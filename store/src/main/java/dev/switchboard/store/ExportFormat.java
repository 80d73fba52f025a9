package dev.switchboard.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Change.AwaitPubrel;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredSubscription;
import dev.switchboard.broker.persist.StoredWill;
import dev.switchboard.hub.stash.StashEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The export format: JSON lines. The first is {@code {"format":"switchboard-store","version":1}},
 * then one line per stored row (sessions, subscriptions, messages, awaiting-pubrel, retained, in
 * that order and each in key order), then {@code {"type":"end","records":N}}, so that an export cut
 * short (a full disk, a killed process) is refused instead of imported as if complete. Bytes are
 * base64; every field is always present (null where the SPI allows null), and a line with a field
 * missing, of the wrong type, out of range or unknown is refused with its line number.
 *
 * <p>Version 2 adds the stashes' entries after the retained messages: each message log ({@code
 * message-log}: its next number and how many it dropped) followed by its entries ({@code
 * log-entry}), logs by hub and name, entries by number. An export without them is written as
 * version 1, which a switchboard from before stashes still reads.
 */
final class ExportFormat {
  static final String FORMAT = "switchboard-store";

  /** The newest version this code writes and reads. */
  static final int VERSION = 2;

  /** The version an export without message logs is written as: readable by older switchboards. */
  static final int WITHOUT_MESSAGE_LOGS = 1;

  /** The first version with message logs ({@code message-log}, {@code log-entry}). */
  static final int WITH_MESSAGE_LOGS = 2;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Base64.Decoder UNBASE64 = Base64.getDecoder();

  /**
   * Everything past ASCII written as a JSON escape (backslash, u, four hex digits): the export then
   * reads the same through any terminal or pipe encoding, and a string that is not valid UTF-16
   * still survives.
   */
  private final ObjectMapper json =
      new ObjectMapper(JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build());

  /** A line read back. */
  sealed interface Line {}

  record Header(int version) implements Line {}

  record Row(Change change) implements Line {}

  record End(long records) implements Line {}

  /**
   * A message log's counters that an import cannot work out from its entries.
   *
   * @param nextSeq the number its next entry gets
   * @param dropped entries dropped at its limits since it was made
   */
  record Log(String hub, String name, long nextSeq, long dropped) implements Line {}

  /** An entry of the log {@code log}. */
  record Entry(String hub, String log, StashEntry entry) implements Line {}

  String header(int version) {
    ObjectNode n = NODES.objectNode();
    n.put("format", FORMAT);
    n.put("version", version);
    return write(n);
  }

  String end(long records) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "end");
    n.put("records", records);
    return write(n);
  }

  String session(StoredSession s) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "session");
    putHub(n, s.hub());
    n.put("clientId", s.clientId());
    n.put("expirySeconds", s.expirySeconds());
    n.put("disconnectedAtMillis", s.disconnectedAtMillis());
    if (s.will() == null) {
      n.putNull("will");
    } else {
      ObjectNode w = n.putObject("will");
      w.put("delaySeconds", s.will().delaySeconds());
      w.put("messageExpirySeconds", s.will().messageExpirySeconds());
      w.set("message", message(s.will().message()));
    }
    return write(n);
  }

  String subscription(StoredSubscription s) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "subscription");
    putHub(n, s.hub());
    n.put("clientId", s.clientId());
    n.put("filterKey", s.filterKey());
    n.put("qos", s.qos());
    n.put("noLocal", s.noLocal());
    n.put("retainAsPublished", s.retainAsPublished());
    n.put("retainHandling", s.retainHandling());
    n.put("subscriptionId", s.subscriptionId());
    return write(n);
  }

  String queued(QueuedMessage q) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "message");
    putHub(n, q.hub());
    n.put("clientId", q.clientId());
    n.put("seq", q.seq());
    ArrayNode keys = n.putArray("filterKeys");
    q.filterKeys().forEach(keys::add);
    n.put("shared", q.shared());
    n.put("packetId", q.packetId());
    n.put("phase", q.phase());
    n.set("message", message(q.message()));
    return write(n);
  }

  String awaitingPubrel(AwaitPubrel a) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "awaiting-pubrel");
    putHub(n, a.hub());
    n.put("clientId", a.clientId());
    n.put("packetId", a.packetId());
    return write(n);
  }

  String retained(StoredMessage m) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "retained");
    putHub(n, m.hub());
    n.set("message", message(m));
    return write(n);
  }

  String log(Log log) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "message-log");
    putHub(n, log.hub());
    n.put("name", log.name());
    n.put("nextSeq", log.nextSeq());
    n.put("dropped", log.dropped());
    return write(n);
  }

  String entry(Entry line) {
    StashEntry e = line.entry();
    ObjectNode n = NODES.objectNode();
    n.put("type", "log-entry");
    putHub(n, line.hub());
    n.put("log", line.log());
    n.put("seq", e.seq());
    n.put("receivedAtMillis", e.receivedAt());
    n.put("clientId", e.clientId());
    n.put("username", e.username());
    n.put("address", e.address());
    n.put("topic", e.topic());
    n.put("qos", e.qos());
    n.put("retain", e.retain());
    n.put("properties", e.properties() == null ? null : BASE64.encodeToString(e.properties()));
    n.put("payload", BASE64.encodeToString(e.payload()));
    return write(n);
  }

  /**
   * A row's hub, written only when it is not the default one: an export of a server without hubs
   * reads as it did before them.
   */
  private static void putHub(ObjectNode n, String hub) {
    if (!Hubs.isDefault(hub)) {
      n.put("hub", hub);
    }
  }

  /** The row's hub: its "hub" field, the default hub's without one. */
  private static String hub(JsonNode n) {
    return n.has("hub") ? text(n, "hub", false) : Hubs.DEFAULT;
  }

  /** {@code names}, and "hub" when the row has one: the fields a row of a hub may have. */
  private static String[] withHub(JsonNode n, String... names) {
    if (!n.has("hub")) {
      return names;
    }
    String[] all = Arrays.copyOf(names, names.length + 1);
    all[names.length] = "hub";
    return all;
  }

  private static ObjectNode message(StoredMessage m) {
    ObjectNode n = NODES.objectNode();
    n.put("topic", m.topic());
    n.put("payload", BASE64.encodeToString(m.payload()));
    n.put("qos", m.qos());
    n.put("retain", m.retain());
    if (m.properties() == null) {
      n.putNull("properties");
    } else {
      n.put("properties", BASE64.encodeToString(m.properties()));
    }
    if (m.publisherId() == null) {
      n.putNull("publisherId");
    } else {
      n.put("publisherId", m.publisherId());
    }
    n.put("expiresAtMillis", m.expiresAtMillis());
    return n;
  }

  private String write(ObjectNode n) {
    try {
      return json.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * @throws Invalid naming what is wrong with the line (the caller adds its number)
   */
  Line parse(String text) {
    JsonNode n;
    try {
      n = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Invalid("not JSON (" + Failures.oneLine(e.getOriginalMessage()) + ")");
    }
    if (n == null || !n.isObject()) {
      throw new Invalid("not a JSON object");
    }
    if (n.has("format")) {
      fields(n, "format", "version");
      if (!FORMAT.equals(n.get("format").asText())) {
        throw new Invalid("format is " + n.get("format") + ", not \"" + FORMAT + "\"");
      }
      int version = (int) number(n, "version", 1, Integer.MAX_VALUE);
      return new Header(version);
    }
    String type = text(n, "type", false);
    return switch (type) {
      case "session" -> {
        fields(n, withHub(n, "type", "clientId", "expirySeconds", "disconnectedAtMillis", "will"));
        String hub = hub(n);
        StoredWill will = null;
        JsonNode w = n.get("will");
        if (!w.isNull()) {
          if (!w.isObject()) {
            throw new Invalid("\"will\" must be an object or null");
          }
          fields(w, "delaySeconds", "messageExpirySeconds", "message");
          will =
              new StoredWill(
                  message(w.get("message"), hub),
                  number(w, "delaySeconds", 0, Long.MAX_VALUE),
                  number(w, "messageExpirySeconds", -1, Long.MAX_VALUE));
        }
        yield new Row(
            new Change.PutSession(
                new StoredSession(
                    text(n, "clientId", false),
                    number(n, "expirySeconds", 0, Long.MAX_VALUE),
                    number(n, "disconnectedAtMillis", -1, Long.MAX_VALUE),
                    will,
                    hub)));
      }
      case "subscription" -> {
        fields(
            n,
            withHub(
                n,
                "type",
                "clientId",
                "filterKey",
                "qos",
                "noLocal",
                "retainAsPublished",
                "retainHandling",
                "subscriptionId"));
        yield new Row(
            new Change.PutSubscription(
                new StoredSubscription(
                    text(n, "clientId", false),
                    text(n, "filterKey", false),
                    (int) number(n, "qos", 0, 2),
                    bool(n, "noLocal"),
                    bool(n, "retainAsPublished"),
                    (int) number(n, "retainHandling", 0, 2),
                    (int) number(n, "subscriptionId", 0, 268_435_455),
                    hub(n))));
      }
      case "message" -> {
        fields(
            n,
            withHub(
                n,
                "type",
                "clientId",
                "seq",
                "filterKeys",
                "shared",
                "packetId",
                "phase",
                "message"));
        JsonNode keys = n.get("filterKeys");
        if (!keys.isArray()) {
          throw new Invalid("\"filterKeys\" must be an array of strings");
        }
        List<String> filterKeys = new ArrayList<>();
        for (JsonNode k : keys) {
          if (!k.isTextual()) {
            throw new Invalid("\"filterKeys\" must be an array of strings");
          }
          filterKeys.add(checked("filterKeys", k.asText()));
        }
        yield new Row(
            new Change.PutMessage(
                new QueuedMessage(
                    text(n, "clientId", false),
                    number(n, "seq", Long.MIN_VALUE, Long.MAX_VALUE),
                    message(n.get("message"), hub(n)),
                    List.copyOf(filterKeys),
                    bool(n, "shared"),
                    (int) number(n, "packetId", 0, 65535),
                    (int) number(n, "phase", QueuedMessage.QUEUED, QueuedMessage.AWAITING_PUBCOMP),
                    hub(n))));
      }
      case "awaiting-pubrel" -> {
        fields(n, withHub(n, "type", "clientId", "packetId"));
        yield new Row(
            new AwaitPubrel(
                text(n, "clientId", false), (int) number(n, "packetId", 1, 65535), hub(n)));
      }
      case "retained" -> {
        fields(n, withHub(n, "type", "message"));
        yield new Row(new Change.PutRetained(message(n.get("message"), hub(n))));
      }
      case "message-log" -> {
        fields(n, withHub(n, "type", "name", "nextSeq", "dropped"));
        yield new Log(
            hub(n),
            text(n, "name", false),
            number(n, "nextSeq", 1, Long.MAX_VALUE),
            number(n, "dropped", 0, Long.MAX_VALUE));
      }
      case "log-entry" -> {
        fields(
            n,
            withHub(
                n,
                "type",
                "log",
                "seq",
                "receivedAtMillis",
                "clientId",
                "username",
                "address",
                "topic",
                "qos",
                "retain",
                "properties",
                "payload"));
        yield new Entry(
            hub(n),
            text(n, "log", false),
            new StashEntry(
                number(n, "seq", 1, Long.MAX_VALUE),
                number(n, "receivedAtMillis", 0, Long.MAX_VALUE),
                text(n, "clientId", false),
                text(n, "username", true),
                text(n, "address", true),
                text(n, "topic", false),
                (int) number(n, "qos", 0, 2),
                bool(n, "retain"),
                bytes(n, "properties", true),
                bytes(n, "payload", false)));
      }
      case "end" -> {
        fields(n, "type", "records");
        yield new End(number(n, "records", 0, Long.MAX_VALUE));
      }
      default -> throw new Invalid("unknown type \"" + type + "\"");
    };
  }

  private static StoredMessage message(JsonNode m, String hub) {
    if (m == null || !m.isObject()) {
      throw new Invalid("\"message\" must be an object");
    }
    fields(m, "topic", "payload", "qos", "retain", "properties", "publisherId", "expiresAtMillis");
    String topic = text(m, "topic", false);
    if (topic.isEmpty()) {
      throw new Invalid("\"topic\" is empty");
    }
    return new StoredMessage(
        topic,
        bytes(m, "payload", false),
        (int) number(m, "qos", 0, 2),
        bool(m, "retain"),
        bytes(m, "properties", true),
        m.get("publisherId").isNull() ? null : text(m, "publisherId", false),
        number(m, "expiresAtMillis", 0, Long.MAX_VALUE),
        hub);
  }

  /** Every one of {@code names} present, and nothing else: a typo must not pass as a default. */
  private static void fields(JsonNode n, String... names) {
    Set<String> expected = Set.of(names);
    for (String name : names) {
      if (!n.has(name)) {
        throw new Invalid("missing \"" + name + "\"");
      }
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!expected.contains(name)) {
        throw new Invalid("unknown field \"" + name + "\"");
      }
    }
  }

  private static String text(JsonNode n, String name, boolean nullable) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      if (nullable) {
        return null;
      }
      throw new Invalid("\"" + name + "\" must be a string");
    }
    if (!v.isTextual()) {
      throw new Invalid("\"" + name + "\" must be a string");
    }
    return checked(name, v.asText());
  }

  /** MQTT strings cannot hold U+0000, and PostgreSQL's text cannot either. */
  private static String checked(String name, String s) {
    if (s.indexOf('\0') >= 0) {
      throw new Invalid("\"" + name + "\" contains U+0000");
    }
    return s;
  }

  private static long number(JsonNode n, String name, long min, long max) {
    JsonNode v = n.get(name);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new Invalid("\"" + name + "\" must be a whole number");
    }
    long value = v.asLong();
    if (value < min || value > max) {
      throw new Invalid("\"" + name + "\" is " + value + ", not from " + min + " to " + max);
    }
    return value;
  }

  private static boolean bool(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isBoolean()) {
      throw new Invalid("\"" + name + "\" must be true or false");
    }
    return v.asBoolean();
  }

  private static byte[] bytes(JsonNode n, String name, boolean nullable) {
    JsonNode v = n.get(name);
    if (nullable && v != null && v.isNull()) {
      return null;
    }
    if (v == null || !v.isTextual()) {
      throw new Invalid("\"" + name + "\" must be a base64 string");
    }
    try {
      return UNBASE64.decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new Invalid("\"" + name + "\" is not base64 (" + e.getMessage() + ")");
    }
  }

  /** What is wrong with one line. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }
}
