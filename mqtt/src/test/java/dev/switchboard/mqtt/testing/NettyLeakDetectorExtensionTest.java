package dev.switchboard.mqtt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension.Leak;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NettyLeakDetectorExtensionTest {

  @Test
  @DisplayName("a buffer that is never released is recorded as a leak, with its access records")
  void recordsALeakedBuffer() {
    String marker = "deliberate-leak-" + UUID.randomUUID();
    leakOneBuffer(marker);

    List<Leak> leaks = List.of();
    for (int attempt = 0; attempt < 20 && !containsMarker(leaks, marker); attempt++) {
      leaks = NettyLeakDetectorExtension.detectLeaks();
    }
    try {
      assertThat(leaks)
          .as("the leak provoked on purpose is recorded")
          .anySatisfy(
              leak -> {
                assertThat(leak.resourceType()).isEqualTo("ByteBuf");
                assertThat(leak.records()).contains(marker).contains("leakOneBuffer");
              });
    } finally {
      // Provoked on purpose: it must not fail this class in afterAll.
      NettyLeakDetectorExtension.forget(leak -> leak.records().contains(marker));
    }
    assertThat(NettyLeakDetectorExtension.recordedLeaks())
        .noneMatch(leak -> leak.records().contains(marker));
  }

  @Test
  @DisplayName("released buffers are not reported")
  void releasedBuffersAreNotReported() {
    String marker = "released-" + UUID.randomUUID();
    ByteBuf buf = Unpooled.directBuffer(16);
    buf.touch(marker);
    buf.release();
    assertThat(NettyLeakDetectorExtension.detectLeaks())
        .noneMatch(leak -> leak.records().contains(marker));
  }

  /**
   * In its own frame so that nothing on the test's stack keeps the buffer reachable. Direct: the
   * unpooled allocator tracks only direct buffers (heap ones are left to the garbage collector).
   */
  private static void leakOneBuffer(String marker) {
    ByteBuf buf = Unpooled.directBuffer(16);
    buf.touch(marker);
    buf.writeLong(42);
  }

  private static boolean containsMarker(List<Leak> leaks, String marker) {
    return leaks.stream().anyMatch(leak -> leak.records().contains(marker));
  }
}
