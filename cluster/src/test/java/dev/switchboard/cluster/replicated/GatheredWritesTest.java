package dev.switchboard.cluster.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link GatheredWrites} between two real cluster members in this JVM (Artery on 127.0.0.1, free
 * ports): what one writes is what the other then holds.
 */
class GatheredWritesTest {
  private static ActorTestKit a;
  private static ActorTestKit b;

  private static Config node() {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.enabled = off
            pekko.cluster.distributed-data.notify-subscribers-interval = 10ms
            pekko.loglevel = WARNING
            """)
        .withFallback(ConfigFactory.defaultReference());
  }

  @BeforeAll
  static void start() {
    a = ActorTestKit.create("gathered", node());
    b = ActorTestKit.create("gathered", node());
    Cluster ca = Cluster.get(a.system());
    ca.manager().tell(Join.create(ca.selfMember().address()));
    Cluster.get(b.system()).manager().tell(Join.create(ca.selfMember().address()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                java.util.stream.StreamSupport.stream(ca.state().getMembers().spliterator(), false)
                        .filter(m -> m.status() == MemberStatus.up())
                        .count()
                    == 2);
  }

  @AfterAll
  static void stop() {
    b.shutdownTestKit();
    a.shutdownTestKit();
  }

  private sealed interface Cmd {}

  private record Change(Key<LWWMap<String, String>> key, String entry, String value)
      implements Cmd {}

  private enum Flush implements Cmd {
    INSTANCE
  }

  private record Written(Replicator.UpdateResponse<LWWMap<String, String>> response)
      implements Cmd {}

  /** An actor that writes entries of LWWMaps through {@link GatheredWrites}; null removes. */
  private static Behavior<Cmd> writer() {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    DistributedData.<Cmd, LWWMap<String, String>>withReplicatorMessageAdapter(
                        adapter -> {
                          SelfUniqueAddress self =
                              DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                          GatheredWrites<Cmd, LWWMap<String, String>, String> writes =
                              new GatheredWrites<>(
                                  "test",
                                  Duration.ofMillis(5),
                                  Duration.ofSeconds(3),
                                  LWWMap.empty(),
                                  (map, entry, value) ->
                                      value != null
                                          ? map.put(self, entry, value)
                                          : map.remove(self, entry),
                                  adapter,
                                  timers,
                                  ctx.getSelf(),
                                  Flush.INSTANCE,
                                  Written::new);
                          return Behaviors.<Cmd>receive(
                                  (c, cmd) -> {
                                    switch (cmd) {
                                      case Change ch ->
                                          writes.change(ch.key(), ch.entry(), ch.value());
                                      case Flush f -> writes.flush();
                                      case Written w -> writes.written(w.response());
                                    }
                                    return Behaviors.same();
                                  })
                              .narrow();
                        })));
  }

  /** Follows {@code key} on node b: its entries as b last heard of them. */
  private static Map<String, String> follow(Key<LWWMap<String, String>> key) {
    Map<String, String> seen = new ConcurrentHashMap<>();
    Behavior<Object> follower =
        Behaviors.setup(
            ctx ->
                DistributedData.<Object, LWWMap<String, String>>withReplicatorMessageAdapter(
                    adapter -> {
                      adapter.subscribe(key, r -> r);
                      return Behaviors.receiveMessage(
                          m -> {
                            if (m instanceof Replicator.Changed<?> changed) {
                              @SuppressWarnings("unchecked")
                              LWWMap<String, String> map =
                                  (LWWMap<String, String>) changed.dataValue();
                              Map<String, String> now = new HashMap<>(map.getEntries());
                              seen.keySet().retainAll(now.keySet());
                              seen.putAll(now);
                            }
                            return Behaviors.same();
                          });
                    }));
    b.spawn(follower);
    return seen;
  }

  @Test
  @DisplayName(
      "a burst of changes over two keys reaches the other node, the last change of each entry"
          + " counting")
  void burstReachesTheOtherNode() {
    Key<LWWMap<String, String>> k1 = LWWMapKey.create("gathered-1");
    Key<LWWMap<String, String>> k2 = LWWMapKey.create("gathered-2");
    Map<String, String> seen1 = follow(k1);
    Map<String, String> seen2 = follow(k2);
    ActorRef<Cmd> w = a.spawn(writer());
    Map<String, String> expected1 = new HashMap<>();
    Map<String, String> expected2 = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      Key<LWWMap<String, String>> key = i % 2 == 0 ? k1 : k2;
      Map<String, String> expected = i % 2 == 0 ? expected1 : expected2;
      String entry = "e" + (i % 120); // entries changed several times: the last value counts
      if (i % 7 == 3) {
        w.tell(new Change(key, entry, null));
        expected.remove(entry);
      } else {
        w.tell(new Change(key, entry, "v" + i));
        expected.put(entry, "v" + i);
      }
    }
    assertThat(expected1).isNotEmpty();
    assertThat(expected2).isNotEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(seen1).isEqualTo(expected1);
              assertThat(seen2).isEqualTo(expected2);
            });

    // a single change later, on its own, reaches it too (written at once, not waiting for more)
    w.tell(new Change(k1, "late", "x"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "x".equals(seen1.get("late")));
    assertThat(seen1).hasSize(expected1.size() + 1);
  }
}
