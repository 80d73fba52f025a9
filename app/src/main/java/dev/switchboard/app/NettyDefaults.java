package dev.switchboard.app;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's settings for the {@code switchboard} command, where Netty's own defaults do not suit a
 * broker in production.
 *
 * <p>Netty's leak detector, unless told otherwise, follows one buffer in 128 from its allocation to
 * its release and records a stack trace when it allocates it: with three or four buffers per
 * message, one message in forty paid for a stack walk (a few to tens of microseconds) on its event
 * loop, which shows in the 99th percentile of latency, and for the trace's garbage. The project's
 * tests run it at its most thorough level (every buffer) and fail on any leak, so it is off here
 * unless {@code -Dio.netty.leakDetection.level} (in {@code SWITCHBOARD_JAVA_OPTS}) asks for it.
 */
final class NettyDefaults {
  static final String LEVEL = "io.netty.leakDetection.level";
  static final String OLD_LEVEL = "io.netty.leakDetectionLevel"; // Netty's earlier name for it

  private NettyDefaults() {}

  static void apply() {
    if (System.getProperty(LEVEL) == null && System.getProperty(OLD_LEVEL) == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }
}
