package dev.switchboard.microbench;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.microbench.SessionQueueBench.FakeConnection;
import dev.switchboard.microbench.SessionQueueBench.FakeServices;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * The heap an idle session holds of its own, in bytes as JOL sizes objects on the running JVM: a
 * session attached to a connection, with no subscription, then with one. Counted are the objects
 * reachable from the {@link Session} without passing through what it shares with the rest of the
 * broker (the broker's services, configuration, metrics, subscription index, registry and store),
 * its event loop, or its connection (Netty's per-channel objects are the connection's, not the
 * session's), nor through its client id (the connection's identity and the registry's key hold the
 * same string). The subscription index's own entry for a subscription is the index's, left out too.
 *
 * <p>A main, not a JMH benchmark and not a test (sizes are measured, never asserted): it prints the
 * figures and what makes them up, per class.
 *
 * <pre>{@code
 * ./mvnw -o -q -pl microbench -am package -DskipTests
 * $JAVA_HOME/bin/java -Djdk.attach.allowAttachSelf=true -cp microbench/target/benchmarks.jar \
 *     dev.switchboard.microbench.SessionFootprint
 * }</pre>
 *
 * <p>{@code -Djdk.attach.allowAttachSelf=true} lets JOL size objects through the JVM's own
 * instrumentation; without it JOL cannot size records (a subscription is one) and stops.
 *
 * <p>The session is made as the broker makes it ({@code SessionRegistry.connect} on the
 * connection's loop, an {@link EmbeddedChannel}'s here, so that everything runs inline), with the
 * broker's default configuration.
 */
public final class SessionFootprint {
  private SessionFootprint() {}

  public static void main(String[] args) {
    VirtualMachine vm = VM.current();
    EmbeddedChannel channel = new EmbeddedChannel();
    FakeServices services = new FakeServices(BrokerConfig.defaults());
    FakeConnection connection = new FakeConnection(channel.eventLoop(), services.config());
    String clientId = new String("device-000001".toCharArray());
    services.sessions.connect(connection, Hubs.DEFAULT, clientId, false);
    Session session = services.sessions.get(clientId);
    if (session == null || !session.isOnline()) {
      throw new IllegalStateException("session not attached");
    }
    List<Object> shared =
        List.of(
            services,
            services.config(),
            services.metrics(),
            services.subscriptions(),
            services.retained(),
            services.spaces(),
            services.sessions(),
            channel.eventLoop(),
            channel,
            connection,
            clientId);

    System.out.printf(
        "JVM: %s %s, object header %d B, alignment %d B%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        vm.objectHeaderSize(),
        vm.objectAlignment());
    report("idle session, attached, no subscription", session, shared, vm);

    String filter = new String("devices/device-000001/cmd".toCharArray());
    session.subscribe(new SubscriptionEntry(filter, filter, null, 1, false, false, 0, 0));
    report("idle session, attached, one subscription (QoS 1)", session, shared, vm);

    session.end();
    channel.finishAndReleaseAll();
  }

  private static void report(String what, Session session, List<Object> shared, VirtualMachine vm) {
    Map<String, long[]> byClass = new TreeMap<>();
    long total = 0;
    for (Object o : ownObjects(session, shared)) {
      long size = vm.sizeOf(o);
      total += size;
      long[] countAndBytes = byClass.computeIfAbsent(o.getClass().getName(), k -> new long[2]);
      countAndBytes[0]++;
      countAndBytes[1] += size;
    }
    System.out.printf("%n%s: %d B%n", what, total);
    byClass.forEach((name, cb) -> System.out.printf("  %6d B  %3d x %s%n", cb[1], cb[0], name));
  }

  /**
   * The objects reachable from {@code root} without entering any of {@code shared}, class objects
   * or enum constants (shared by every instance).
   */
  private static List<Object> ownObjects(Object root, List<Object> shared) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(shared);
    List<Object> own = new ArrayList<>();
    ArrayDeque<Object> toVisit = new ArrayDeque<>();
    toVisit.add(root);
    seen.add(root);
    while (!toVisit.isEmpty()) {
      Object o = toVisit.poll();
      own.add(o);
      for (Object ref : references(o)) {
        if (ref != null
            && !(ref instanceof Class<?>)
            && !(ref instanceof Enum<?>)
            && seen.add(ref)) {
          toVisit.add(ref);
        }
      }
    }
    return own;
  }

  private static List<Object> references(Object o) {
    List<Object> refs = new ArrayList<>();
    Class<?> type = o.getClass();
    if (type.isArray()) {
      if (!type.getComponentType().isPrimitive()) {
        Collections.addAll(refs, (Object[]) o);
      }
      return refs;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
          refs.add(read(o, f));
        }
      }
    }
    return refs;
  }

  /** A field's value: by reflection where it is open to us, else where JOL finds it. */
  private static Object read(Object o, Field f) {
    try {
      if (f.trySetAccessible()) {
        return f.get(o);
      }
      VirtualMachine vm = VM.current();
      return vm.getObject(o, vm.fieldOffset(f));
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + f, e);
    }
  }
}
