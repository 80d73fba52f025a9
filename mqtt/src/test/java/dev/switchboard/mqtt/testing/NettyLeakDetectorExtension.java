package dev.switchboard.mqtt.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a leak while or before it runs.
 *
 * <p>Netty only logs leaks, and only when a later allocation happens to poll its reference queue
 * after the leaked object was collected. This extension installs a {@link
 * ResourceLeakDetectorFactory} whose detectors also record every report, and after each test class
 * collects garbage and allocates a few buffers so that pending reports are made, then fails with
 * the leak records (where the buffer was created and last touched) if there are any.
 *
 * <p>Registered for every test class through {@code META-INF/services} and {@code
 * junit.jupiter.extensions.autodetection.enabled=true}, both in this module's test-jar. The state
 * is static because Netty's detectors are: one per resource type for the whole JVM.
 *
 * <p>A leak is seen only once its buffer is unreachable, so it may be reported after a later test
 * class than the one that leaked; the records name the allocation site either way.
 */
public final class NettyLeakDetectorExtension implements BeforeAllCallback, AfterAllCallback {

  /** One leak report: the resource type (e.g. {@code ByteBuf}) and Netty's access records. */
  public record Leak(String resourceType, String records) {
    @Override
    public String toString() {
      return "LEAK of " + resourceType + (records.isEmpty() ? " (no records)" : ":" + records);
    }
  }

  private static final List<Leak> LEAKS = new CopyOnWriteArrayList<>();
  private static final Set<String> HOOKED_TYPES = ConcurrentHashMap.newKeySet();
  private static final int GC_ROUNDS = 4;

  static {
    // Leak detection is only useful in tests if it samples every buffer; the build sets PARANOID,
    // this covers tests started from an IDE.
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }
    // Must happen before io.netty.buffer.AbstractByteBuf is initialised: it creates its detector
    // once,
    // in a static initialiser. Extensions are loaded before any test class runs, so it does.
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Makes sure the buffer detector is ours; if Netty was initialised before this class, leaks
    // would go unrecorded and every test would pass silently.
    Unpooled.buffer(1).release();
    if (!HOOKED_TYPES.contains(ByteBuf.class.getSimpleName())) {
      throw new IllegalStateException(
          "Netty's ByteBuf leak detector was created before NettyLeakDetectorExtension installed its"
              + " factory; leaks cannot be recorded. Is something using Netty before JUnit starts?");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<Leak> leaks = detectLeaks();
    if (!leaks.isEmpty()) {
      // Cleared so that the next class does not fail for the same leaks.
      LEAKS.removeAll(leaks);
      StringBuilder message =
          new StringBuilder()
              .append(leaks.size())
              .append(" Netty resource leak(s) detected after ")
              .append(context.getDisplayName())
              .append(" (possibly leaked by an earlier class):");
      for (Leak leak : leaks) {
        message.append(System.lineSeparator()).append(leak);
      }
      throw new AssertionError(message.toString());
    }
  }

  /**
   * Collects garbage and drives Netty's detector so that leaks of unreachable buffers are reported,
   * then returns every leak recorded so far (without forgetting them).
   */
  public static List<Leak> detectLeaks() {
    for (int i = 0; i < GC_ROUNDS; i++) {
      System.gc();
      try {
        // The reference handler thread enqueues collected references asynchronously.
        Thread.sleep(10L * (i + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      driveDetection();
    }
    return List.copyOf(LEAKS);
  }

  /** The leaks recorded so far, without collecting garbage. */
  public static List<Leak> recordedLeaks() {
    return List.copyOf(LEAKS);
  }

  /** Forgets recorded leaks that {@code which} matches, e.g. one a test provoked on purpose. */
  public static void forget(Predicate<Leak> which) {
    List<Leak> matching = new ArrayList<>();
    for (Leak leak : LEAKS) {
      if (which.test(leak)) {
        matching.add(leak);
      }
    }
    LEAKS.removeAll(matching);
  }

  /** Each tracked allocation makes the detector poll for collected, unreleased buffers. */
  private static void driveDetection() {
    Unpooled.buffer(8).release();
    Unpooled.directBuffer(8).release();
    ByteBufAllocator.DEFAULT.buffer(8).release();
    PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      HOOKED_TYPES.add(resource.getSimpleName());
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    /** Report even when the logger would not print: a leak must fail the build regardless. */
    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add(new Leak(resourceType, records));
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add(new Leak(resourceType, ""));
      super.reportUntracedLeak(resourceType);
    }
  }
}
