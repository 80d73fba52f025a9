package dev.switchboard.mqtt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

/**
 * The tests run Netty's buffers as the broker does under the launcher: with sun.misc.Unsafe, which
 * Netty leaves alone from JDK 25 unless the JVM allows it (the root pom's netty-unsafe profile).
 */
class NettyUnsafeTest {
  @Test
  void nettyUsesUnsafeAsUnderTheLauncher() {
    assertThat(PlatformDependent.hasUnsafe())
        .as("cause: %s", PlatformDependent.getUnsafeUnavailabilityCause())
        .isTrue();
  }
}
