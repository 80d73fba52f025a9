package dev.switchboard.cluster.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.PublisherAcknowledgement;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.cluster.routes.RemoteRoutes;
import dev.switchboard.cluster.routes.RouteShards;
import dev.switchboard.cluster.wire.ForwarderCommand;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which nodes a message goes to: one copy per node however many of its filters match, shared groups
 * to one node (none when a local member has it), retained messages to every node, and a full queue
 * drops and counts.
 */
class ClusterRouteTargetTest {
  private static ActorTestKit kit;

  private RemoteRoutes routes;
  private Destinations destinations;
  private TopicSpaces local;
  private ForwardMetrics metrics;
  private ClusterRouteTarget target;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    routes = new RemoteRoutes();
    destinations = new Destinations();
    local =
        new TopicSpaces(
            new SubscriptionIndex<>(), new InMemoryRetainedStore(), InMemoryRetainedStore::new);
    metrics = new ForwardMetrics();
    target = new ClusterRouteTarget(routes, destinations, local);
    for (String node : List.of("b", "c")) {
      destinations.add(outbox(node, 100));
    }
  }

  private Outbox outbox(String node, int bound) {
    TestProbe<ForwarderCommand> probe = kit.createTestProbe();
    Outbox o = new Outbox(node, bound, metrics);
    o.bind(probe.ref());
    return o;
  }

  private static Message message(String topic, boolean retain) {
    return new Message(topic, new byte[] {1}, 1, retain, MqttProperties.EMPTY, "p", Message.NEVER);
  }

  private List<Outbox.Outgoing> drain(String node) {
    List<Outbox.Outgoing> out = new ArrayList<>();
    for (Outbox.Outgoing o; (o = destinations.get(node).poll()) != null; ) {
      out.add(o);
    }
    return out;
  }

  @Test
  @DisplayName("a node with two matching filters gets one copy; a node matching nothing none")
  void oneCopyPerNode() {
    routes.add("b", RouteShards.entry("default", "a/#"));
    routes.add("b", RouteShards.entry("default", "a/+"));
    routes.add("c", RouteShards.entry("default", "x/#"));
    routes.add("c", RouteShards.entry("other-hub", "a/#"));
    assertThat(target.route(message("a/1", false))).isEqualTo(1);
    assertThat(drain("b")).hasSize(1);
    assertThat(drain("c")).as("x/# and another hub's a/# do not match").isEmpty();
    assertThat(target.route(message("nothing", false))).isZero();
  }

  @Test
  @DisplayName(
      "a shared group with members on two nodes goes to one of them per message, in turn; not at"
          + " all when this node has a member")
  void sharedGroups() {
    routes.add("b", RouteShards.entry("default", "$share/g/jobs/#"));
    routes.add("c", RouteShards.entry("default", "$share/g/jobs/#"));
    for (int i = 0; i < 4; i++) {
      assertThat(target.route(message("jobs/" + i, false))).isEqualTo(1);
    }
    List<Outbox.Outgoing> b = drain("b");
    List<Outbox.Outgoing> c = drain("c");
    assertThat(b).hasSize(2);
    assertThat(c).hasSize(2);
    assertThat(b.get(0).sharedGroups()).containsExactly("$share/g/jobs/#");

    Subscriber member =
        (Subscriber)
            java.lang.reflect.Proxy.newProxyInstance(
                Subscriber.class.getClassLoader(),
                new Class<?>[] {Subscriber.class},
                (proxy, method, args) -> null); // only its membership matters here
    local.defaultSpace().subscriptions().subscribeShared(member, "g", "jobs/#");
    assertThat(target.route(message("jobs/5", false))).isZero();
    assertThat(drain("b")).isEmpty();
    assertThat(drain("c")).isEmpty();
  }

  @Test
  @DisplayName(
      "a retained message goes to every node (for its retained cache), once to a node that"
          + " matches too")
  void retainedToAll() {
    routes.add("b", RouteShards.entry("default", "status/#"));
    assertThat(target.route(message("status/door", true))).isEqualTo(1);
    assertThat(drain("b")).hasSize(1);
    List<Outbox.Outgoing> c = drain("c");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).sharedGroups()).isEmpty();
  }

  @Test
  @DisplayName("past its bound a node's queue drops the newcomer and counts it; others go on")
  void boundedQueue() {
    destinations.add(outbox("b", 2));
    routes.add("b", RouteShards.entry("default", "#"));
    routes.add("c", RouteShards.entry("default", "#"));
    for (int i = 0; i < 3; i++) {
      target.route(message("m/" + i, false));
    }
    assertThat(drain("b")).hasSize(2);
    assertThat(drain("c")).hasSize(3);
    assertThat(metrics.droppedQueueFull.sum()).isEqualTo(1);
    assertThat(Set.of(metrics.queued.sum())).containsExactly(5L);
  }

  @Test
  @DisplayName(
      "a message whose publisher waits holds its acknowledgement once per node it goes to (a"
          + " retained one: every node); routed without one, it holds nothing")
  void holdsOncePerDestination() {
    routes.add("b", RouteShards.entry("default", "a/#"));
    routes.add("b", RouteShards.entry("default", "a/+"));
    List<AcknowledgementHold> taken = new ArrayList<>();
    PublisherAcknowledgement publisher =
        () -> {
          AcknowledgementHold h = new AcknowledgementHold().hold();
          taken.add(h);
          return h;
        };
    assertThat(target.route(message("a/1", false), publisher)).isEqualTo(1);
    List<Outbox.Outgoing> b = drain("b");
    assertThat(taken).hasSize(1);
    assertThat(b).extracting(Outbox.Outgoing::hold).containsExactly(taken.get(0));

    assertThat(target.route(message("a/retained", true), publisher)).isEqualTo(1);
    assertThat(taken).as("b matches, c for its retained cache").hasSize(3);
    assertThat(drain("b").get(0).hold()).isNotNull();
    assertThat(drain("c").get(0).hold()).isNotNull();

    assertThat(target.route(message("nothing", false), publisher)).isZero();
    assertThat(taken).as("no node: nothing held").hasSize(3);
    assertThat(target.route(message("a/2", false))).isEqualTo(1);
    assertThat(drain("b").get(0).hold()).isNull();
  }
}
