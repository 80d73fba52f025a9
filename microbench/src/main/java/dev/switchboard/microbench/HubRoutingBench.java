package dev.switchboard.microbench;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The publish path's routing ({@link Router#publish(Message)}: the message's hub's topic space, the
 * match, one copy per subscriber) with 10,000 devices laid out as one hub ({@code oneHub}, every
 * device in hub {@code default}) or as a hundred hubs of a hundred devices ({@code hundredHubs},
 * the devices of hub {@code team-h} numbered from {@code h * 100}); what the hubs issue promises is
 * that the second costs no more than the first.
 *
 * <p>Each device {@code d} subscribes to {@code devices/{d}/cmd} (its commands) and each hub's one
 * app to {@code devices/+/status} (every device's status):
 *
 * <ul>
 *   <li>{@code p2p}: an app's command to one device, {@code devices/{d}/cmd}: one match;
 *   <li>{@code fanIn}: a device's status, {@code devices/{d}/status}: one match, the hub's app.
 * </ul>
 *
 * The devices published for are taken in turn over all 10,000, so that every hub is used. The
 * subscribers only count what they are offered: the cost measured is the router's, not a session's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HubRoutingBench {
  static final int DEVICES = 10_000;
  static final int HUBS = 100;

  /** A subscriber that counts what it is offered. */
  static final class Counting implements Subscriber {
    final String hub;
    final String clientId;
    long offered;

    Counting(String hub, String clientId) {
      this.hub = hub;
      this.clientId = clientId;
    }

    @Override
    public String clientId() {
      return clientId;
    }

    @Override
    public String hub() {
      return hub;
    }

    @Override
    public boolean isOnline() {
      return true;
    }

    @Override
    public boolean isPersistent() {
      return false;
    }

    @Override
    public boolean offer(Message message, List<String> filterKeys, long storedSeq) {
      offered++;
      return false;
    }

    @Override
    public boolean offerShared(Message message, String filterKey, long storedSeq) {
      offered++;
      return false;
    }

    @Override
    public void whenRoom(Runnable resume) {
      resume.run();
    }
  }

  /** The router with its spaces loaded, and one message per device and kind. */
  @State(Scope.Benchmark)
  public static class Routing {
    @Param({"oneHub", "hundredHubs"})
    public String layout;

    Router router;
    Message[] commands = new Message[DEVICES];
    Message[] statuses = new Message[DEVICES];

    @Setup(Level.Trial)
    public void setUp() {
      TopicSpaces spaces =
          new TopicSpaces(
              new SubscriptionIndex<>(), new InMemoryRetainedStore(), InMemoryRetainedStore::new);
      router = new Router(BrokerConfig.defaults(), new BrokerMetrics(), spaces, null);
      boolean oneHub = layout.equals("oneHub");
      for (int h = 0; h < (oneHub ? 1 : HUBS); h++) {
        String hub = oneHub ? Hubs.DEFAULT : "team-" + h;
        spaces.of(hub).subscriptions().subscribe(new Counting(hub, "app"), "devices/+/status");
      }
      byte[] payload = new byte[16];
      for (int d = 0; d < DEVICES; d++) {
        String hub = oneHub ? Hubs.DEFAULT : "team-" + d / (DEVICES / HUBS);
        spaces
            .of(hub)
            .subscriptions()
            .subscribe(new Counting(hub, "device-" + d), "devices/" + d + "/cmd");
        commands[d] = message("devices/" + d + "/cmd", payload, hub);
        statuses[d] = message("devices/" + d + "/status", payload, hub);
      }
    }

    private static Message message(String topic, byte[] payload, String hub) {
      // the default hub's messages carry the constant itself, as its clients' do
      return new Message(
          topic,
          payload,
          1,
          false,
          MqttProperties.EMPTY,
          "pub",
          Message.NEVER,
          Hubs.isDefault(hub) ? Hubs.DEFAULT : hub);
    }
  }

  /** Per thread: the next device. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public int p2p(Routing r, Cursor c) {
    int d = c.next;
    c.next = d + 1 == DEVICES ? 0 : d + 1;
    return r.router.publish(r.commands[d]);
  }

  @Benchmark
  public int fanIn(Routing r, Cursor c) {
    int d = c.next;
    c.next = d + 1 == DEVICES ? 0 : d + 1;
    return r.router.publish(r.statuses[d]);
  }
}
