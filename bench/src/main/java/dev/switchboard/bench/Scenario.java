package dev.switchboard.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.switchboard.mqtt.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one run does: groups of publishers and subscribers (and idle connections), how fast to
 * connect them, how long to run, how long to warm up before the figures count.
 *
 * @param connectRate connections per second, 0 for as fast as {@code maxPending} allows
 * @param maxPending connection attempts waiting for their CONNACK at once
 * @param duration how long publishers publish (zero: until interrupted); for idle connections, how
 *     long they are held once all are up
 * @param warmup the first part of {@code duration}, left out of rates and latencies
 * @param drain how long to wait after publishing stops for messages still on their way
 */
public record Scenario(
    String name,
    List<PublisherGroup> publishers,
    List<SubscriberGroup> subscribers,
    int idle,
    double connectRate,
    int maxPending,
    Duration duration,
    Duration warmup,
    Duration drain) {

  /**
   * Publishers. {@code %i} in the topic is the publisher's index within its group.
   *
   * @param rate messages per second per publisher, 0 for the connection's maximum
   * @param inflight QoS 1/2 messages unacknowledged at once per publisher
   */
  public record PublisherGroup(
      int count, double rate, int qos, int size, String topic, int inflight) {
    public PublisherGroup {
      positive("publishers.count", count);
      if (rate < 0) {
        throw new IllegalArgumentException("publishers.rate must be a positive number or max");
      }
      qosRange("publishers.qos", qos);
      if (size < PublishTemplate.MIN_SIZE || size > 16 << 20) {
        throw new IllegalArgumentException(
            "publishers.size "
                + size
                + " must be between "
                + PublishTemplate.MIN_SIZE
                + " (the payload carries the send time) and 16 MiB");
      }
      if (inflight < 1 || inflight > 32768) {
        throw new IllegalArgumentException("publishers.inflight must be between 1 and 32768");
      }
      checkTopic(topic, false);
    }

    public String topicOf(int index) {
      return topic.replace("%i", Integer.toString(index));
    }
  }

  /**
   * Subscribers. {@code %i} in the filter is the subscriber's index within its group. Persistent
   * ones connect with clean session 0 (3.1.1) or a session expiry of one hour (5.0), so that a
   * broker with a store keeps their messages on disk.
   */
  public record SubscriberGroup(int count, int qos, String topic, boolean persistent) {
    public SubscriberGroup(int count, int qos, String topic) {
      this(count, qos, topic, false);
    }

    public SubscriberGroup {
      positive("subscribers.count", count);
      qosRange("subscribers.qos", qos);
      checkTopic(topic, true);
    }

    public String filterOf(int index) {
      return topic.replace("%i", Integer.toString(index));
    }
  }

  public Scenario {
    publishers = List.copyOf(publishers);
    subscribers = List.copyOf(subscribers);
    if (idle < 0) {
      throw new IllegalArgumentException("idle must not be negative");
    }
    if (connectRate < 0) {
      throw new IllegalArgumentException("connect-rate must be a positive number or max");
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("max-pending must be at least 1");
    }
    if (duration.isNegative() || warmup.isNegative() || drain.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    if (!duration.isZero() && warmup.compareTo(duration) >= 0) {
      throw new IllegalArgumentException(
          "warmup (" + warmup + ") must be shorter than duration (" + duration + ")");
    }
    if (publishers.isEmpty() && subscribers.isEmpty() && idle == 0) {
      throw new IllegalArgumentException("the scenario has no clients");
    }
  }

  public int connections() {
    int n = idle;
    for (PublisherGroup g : publishers) {
      n += g.count();
    }
    for (SubscriberGroup g : subscribers) {
      n += g.count();
    }
    return n;
  }

  /**
   * How many subscribers receive a message on {@code topic}: the subscribers one of whose filters
   * matches it (a subscriber gets one copy however many of its filters match).
   */
  public int receiversOf(String topic) {
    int n = 0;
    for (SubscriberGroup g : subscribers) {
      for (int i = 0; i < g.count(); i++) {
        if (Topics.matches(g.filterOf(i), topic)) {
          n++;
        }
      }
    }
    return n;
  }

  private static void positive(String what, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be at least 1");
    }
  }

  private static void qosRange(String what, int qos) {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException(what + " " + qos + " is not 0, 1 or 2");
    }
  }

  private static void checkTopic(String topic, boolean filter) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException(
          (filter ? "subscribers" : "publishers") + ".topic is empty");
    }
    String sample = topic.replace("%i", "0");
    boolean ok = filter ? Topics.isValidFilter(sample) : Topics.isValidName(sample);
    if (!ok) {
      throw new IllegalArgumentException(
          (filter
              ? "'" + topic + "' is not a valid topic filter"
              : "'" + topic + "' is not a valid topic name"));
    }
  }

  private static final Set<String> KEYS =
      Set.of(
          "name",
          "publishers",
          "subscribers",
          "idle",
          "connect-rate",
          "max-pending",
          "duration",
          "warmup",
          "drain");

  /** Reads a scenario file (HOCON); every mistake is one line naming the file and the key. */
  public static Scenario load(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read scenario file " + file);
    }
    Config c;
    try {
      c =
          ConfigFactory.parseFile(
                  file.toFile(),
                  ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false))
              .resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
    String fallbackName = file.getFileName().toString().replaceFirst("\\.conf$", "");
    try {
      return fromConfig(c, fallbackName);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  static Scenario fromConfig(Config c, String fallbackName) {
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "' (known: " + KEYS + ")");
      }
    }
    List<PublisherGroup> pubs = new ArrayList<>();
    if (c.hasPath("publishers")) {
      for (Config g : c.getConfigList("publishers")) {
        only(g, "publishers", Set.of("count", "rate", "qos", "size", "topic", "inflight"));
        pubs.add(
            new PublisherGroup(
                g.hasPath("count") ? g.getInt("count") : 1,
                rate(g, "rate"),
                g.hasPath("qos") ? g.getInt("qos") : 0,
                g.hasPath("size") ? g.getInt("size") : 64,
                g.getString("topic"),
                g.hasPath("inflight") ? g.getInt("inflight") : 64));
      }
    }
    List<SubscriberGroup> subs = new ArrayList<>();
    if (c.hasPath("subscribers")) {
      for (Config g : c.getConfigList("subscribers")) {
        only(g, "subscribers", Set.of("count", "qos", "topic", "persistent"));
        subs.add(
            new SubscriberGroup(
                g.hasPath("count") ? g.getInt("count") : 1,
                g.hasPath("qos") ? g.getInt("qos") : 0,
                g.getString("topic"),
                g.hasPath("persistent") && g.getBoolean("persistent")));
      }
    }
    return new Scenario(
        c.hasPath("name") ? c.getString("name") : fallbackName,
        pubs,
        subs,
        c.hasPath("idle") ? c.getInt("idle") : 0,
        c.hasPath("connect-rate") ? rate(c, "connect-rate") : 0,
        c.hasPath("max-pending") ? c.getInt("max-pending") : 256,
        c.hasPath("duration") ? c.getDuration("duration") : Duration.ofSeconds(10),
        c.hasPath("warmup") ? c.getDuration("warmup") : Duration.ZERO,
        c.hasPath("drain") ? c.getDuration("drain") : Duration.ofSeconds(2));
  }

  private static void only(Config g, String where, Set<String> keys) {
    for (String key : g.root().keySet()) {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "' in " + where + " (known: " + keys + ")");
      }
    }
  }

  /** A rate: a number, or {@code max} (0). */
  private static double rate(Config c, String key) {
    if (!c.hasPath(key)) {
      return 0;
    }
    String v = c.getString(key).trim();
    if (v.equalsIgnoreCase("max")) {
      return 0;
    }
    try {
      double r = Double.parseDouble(v);
      if (!(r > 0) || Double.isInfinite(r)) {
        throw new IllegalArgumentException(key + " must be a positive number or max, not " + v);
      }
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be a positive number or max, not '" + v + "'");
    }
  }

  /** Parses a command-line rate: a positive number or {@code max}. */
  public static double parseRate(String v) {
    if (v.equalsIgnoreCase("max")) {
      return 0;
    }
    try {
      double r = Double.parseDouble(v);
      if (r > 0 && !Double.isInfinite(r)) {
        return r;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("rate must be a positive number or max, not '" + v + "'");
  }
}
