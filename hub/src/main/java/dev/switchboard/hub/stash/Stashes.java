package dev.switchboard.hub.stash;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.PropertiesBlob;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.topic.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * What can be done with stashes, for the REST API and the command line alike: definitions in the
 * registry ({@link StashRepository}), entries in the store ({@link StashLog}), re-sending through a
 * publisher the caller gives (the running broker's).
 */
public final class Stashes {
  /** Entries a new stash keeps when none is given: bounded, so a forgotten stash fills no disk. */
  public static final long DEFAULT_MAX_ENTRIES = 100_000;

  /** Payload bytes a new stash keeps when none is given (64 MiB). */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** The publisher id of re-sent messages: what a 5.0 subscriber's No Local compares. */
  public static final String RESEND_PUBLISHER = "$stash";

  private final StashRepository repository;
  private final StashLog log;
  private final Clock clock;
  private final Runnable changed;

  /**
   * @param changed run after every change of a definition (the running server's {@link
   *     StashDirectory#poll}, so its own changes apply at once); a no-op elsewhere
   */
  public Stashes(StashRepository repository, StashLog log, Clock clock, Runnable changed) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.log = Objects.requireNonNull(log, "log");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.changed = Objects.requireNonNull(changed, "changed");
  }

  /** A stash's settings as asked for; a null leaves it as it is (on creation: the default). */
  public record Settings(
      String filter,
      List<String> clientIds,
      Long maxEntries,
      Long maxBytes,
      Long maxAgeSeconds,
      Boolean enabled) {}

  /** Which entries to re-send, where and how fast. */
  public record Resend(List<Long> seqs, StashLog.Range range, String topic, double ratePerSecond) {}

  public StashLog log() {
    return log;
  }

  public List<Stash> list(String hub) {
    return repository.stashes(hub);
  }

  public Optional<Stash> find(String hub, String name) {
    return repository.stash(hub, name);
  }

  /** The stash, or a {@link RegistryException} NOT_FOUND naming it. */
  public Stash get(String hub, String name) {
    return find(hub, name)
        .orElseThrow(
            () ->
                new RegistryException(
                    RegistryException.Kind.NOT_FOUND,
                    "stash '" + name + "' does not exist" + inHub(hub)));
  }

  /**
   * Adds a stash. Throws {@link IllegalArgumentException} for a bad name, filter or limit, {@link
   * RegistryException} when the hub does not exist or the name is taken.
   */
  public Stash create(String hub, String name, Settings s) {
    if (s.filter() == null) {
      throw new IllegalArgumentException("a stash needs a topic filter");
    }
    long now = clock.millis();
    Stash stash =
        new Stash(
            hub,
            name,
            s.filter(),
            s.clientIds() == null ? List.of() : s.clientIds(),
            s.maxEntries() == null ? DEFAULT_MAX_ENTRIES : s.maxEntries(),
            s.maxBytes() == null ? DEFAULT_MAX_BYTES : s.maxBytes(),
            s.maxAgeSeconds() == null ? 0 : s.maxAgeSeconds(),
            s.enabled() == null || s.enabled(),
            now,
            now);
    repository.addStash(stash);
    changed.run();
    return stash;
  }

  /** Changes the settings given; the new limits apply from the next message appended. */
  public Stash change(String hub, String name, Settings s) {
    Stash old = get(hub, name);
    Stash next =
        old.with(
            s.filter() == null ? old.filter() : s.filter(),
            s.clientIds() == null ? old.clientIds() : s.clientIds(),
            s.maxEntries() == null ? old.maxEntries() : s.maxEntries(),
            s.maxBytes() == null ? old.maxBytes() : s.maxBytes(),
            s.maxAgeSeconds() == null ? old.maxAgeSeconds() : s.maxAgeSeconds(),
            s.enabled() == null ? old.enabled() : s.enabled(),
            clock.millis());
    repository.updateStash(next);
    changed.run();
    return next;
  }

  /** Deletes a stash's entries, keeping its definition; how many there were. */
  public long clear(String hub, String name) {
    get(hub, name);
    return log.clear(hub, name);
  }

  /** Removes a stash and its entries; false when there was none. */
  public boolean remove(String hub, String name) {
    boolean existed = repository.removeStash(hub, name);
    changed.run();
    if (existed) {
      log.remove(hub, name);
    }
    return existed;
  }

  /**
   * Publishes entries again through {@code publisher}, oldest first, at most {@code ratePerSecond}
   * a second (0: as fast as they go), each to its own topic or to {@code topic}; returns how many.
   * The entries with the given numbers when {@code seqs} is not empty, else those in the range,
   * read as they are sent. Re-sent messages are not retained and are not stashed again.
   *
   * @throws IllegalArgumentException when {@code topic} is not a topic name a client may publish to
   */
  public long resend(String hub, String name, Resend r, ToIntFunction<Message> publisher)
      throws Exception {
    get(hub, name);
    if (r.topic() != null) {
      checkTopic(r.topic());
    }
    if (r.ratePerSecond() < 0) {
      throw new IllegalArgumentException("the rate is 0 (no limit) or more messages a second");
    }
    Pacer pacer = new Pacer(r.ratePerSecond());
    StashLog.Sink send =
        e -> {
          pacer.await();
          publisher.applyAsInt(message(hub, e, r.topic()));
        };
    if (r.seqs() != null && !r.seqs().isEmpty()) {
      List<StashEntry> chosen = log.bySeq(hub, name, r.seqs());
      for (StashEntry e : chosen) {
        send.accept(e);
      }
      return chosen.size();
    }
    return log.stream(hub, name, r.range() == null ? StashLog.Range.ALL : r.range(), send);
  }

  /** The rule of the REST publish: a topic name, not one of the server's ({@code $...}). */
  public static void checkTopic(String topic) {
    if (!Topics.isValidName(topic)) {
      throw new IllegalArgumentException("'" + topic + "' is not a topic name");
    }
    if (topic.startsWith("$")) {
      throw new IllegalArgumentException("topics starting with '$' are the server's");
    }
  }

  static Message message(String hub, StashEntry e, String topic) {
    MqttProperties props =
        e.properties() == null ? MqttProperties.EMPTY : PropertiesBlob.decode(e.properties());
    return new Message(
        topic == null ? e.topic() : topic,
        e.payload(),
        e.qos(),
        false,
        props,
        RESEND_PUBLISHER,
        Message.NEVER,
        hub);
  }

  private static String inHub(String hub) {
    return "default".equals(hub) ? "" : " in hub '" + hub + "'";
  }

  /** Spaces sends {@code 1/rate} seconds apart, from the first. */
  private static final class Pacer {
    private final long intervalNanos;
    private long next;

    Pacer(double rate) {
      this.intervalNanos = rate <= 0 ? 0 : (long) (1_000_000_000L / rate);
    }

    void await() throws InterruptedException {
      if (intervalNanos == 0) {
        return;
      }
      long now = System.nanoTime();
      if (next == 0) {
        next = now;
      }
      long wait = next - now;
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      next += intervalNanos;
    }
  }
}
