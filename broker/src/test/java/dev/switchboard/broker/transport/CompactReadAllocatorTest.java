package dev.switchboard.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact allocator sizes reads and ends read loops exactly as Netty's adaptive one does. */
class CompactReadAllocatorTest {

  /** One read of {@code bytes} into the buffer the handle asked for (capped at its size). */
  private static void read(RecvByteBufAllocator.Handle h, int bytes) {
    int attempted = h.guess();
    h.attemptedBytesRead(attempted);
    h.lastBytesRead(Math.min(bytes, attempted));
    h.incMessagesRead(1);
  }

  @Test
  void theSameSizesAndDecisionsAsNettysAdaptiveAllocatorOverRandomTraffic() {
    ChannelConfig config = new EmbeddedChannel().config();
    RecvByteBufAllocator.Handle netty =
        new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(16).newHandle();
    RecvByteBufAllocator.Handle compact = new CompactReadAllocator(16).newHandle();
    Random random = new Random(42);
    int grew = 0;
    int shrank = 0;
    for (int loop = 0; loop < 20_000; loop++) {
      netty.reset(config);
      compact.reset(config);
      int before = compact.guess();
      // bursts of all sizes: tiny pings, whole buffers, floods of full reads
      int kind = random.nextInt(4);
      int reads = 1 + random.nextInt(20);
      for (int r = 0; r < reads; r++) {
        int bytes =
            switch (kind) {
              case 0 -> 2 + random.nextInt(40);
              case 1 -> random.nextInt(5000);
              case 2 -> 1 << 20; // more than any buffer: every read fills it
              default -> random.nextBoolean() ? 0 : random.nextInt(70_000);
            };
        assertThat(compact.guess())
            .as("size before a read, loop %d", loop)
            .isEqualTo(netty.guess());
        read(netty, bytes);
        read(compact, bytes);
        assertThat(compact.continueReading())
            .as("continue after a read of %d, loop %d", bytes, loop)
            .isEqualTo(netty.continueReading());
        if (!netty.continueReading()) {
          break;
        }
      }
      netty.readComplete();
      compact.readComplete();
      assertThat(compact.guess()).as("size after loop %d", loop).isEqualTo(netty.guess());
      grew += compact.guess() > before ? 1 : 0;
      shrank += compact.guess() < before ? 1 : 0;
    }
    assertThat(grew).as("the traffic made the size grow").isPositive();
    assertThat(shrank).as("and shrink").isPositive();
  }

  @Test
  void sizesStayBetweenTheMinimumAndTheMaximum() {
    ChannelConfig config = new EmbeddedChannel().config();
    RecvByteBufAllocator.Handle h = new CompactReadAllocator(16).newHandle();
    assertThat(h.guess()).isEqualTo(CompactReadAllocator.INITIAL);
    for (int i = 0; i < 100; i++) {
      h.reset(config);
      read(h, Integer.MAX_VALUE);
      h.readComplete();
    }
    assertThat(h.guess()).isEqualTo(CompactReadAllocator.MAXIMUM);
    for (int i = 0; i < 200; i++) {
      h.reset(config);
      read(h, 1);
      h.readComplete();
    }
    assertThat(h.guess()).isEqualTo(CompactReadAllocator.MINIMUM);
    ByteBuf buf = h.allocate(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(buf.capacity()).isEqualTo(CompactReadAllocator.MINIMUM);
    } finally {
      buf.release();
    }
  }

  @Test
  void aReadLoopEndsWhenAutoReadIsOff() {
    EmbeddedChannel channel = new EmbeddedChannel();
    RecvByteBufAllocator.Handle h = new CompactReadAllocator(16).newHandle();
    h.reset(channel.config());
    read(h, Integer.MAX_VALUE);
    assertThat(h.continueReading()).as("a full read, reading on").isTrue();
    channel.config().setAutoRead(false);
    assertThat(h.continueReading()).as("reading paused").isFalse();
  }

  @Test
  void fewerThanOneReadPerLoopIsRefused() {
    assertThatThrownBy(() -> new CompactReadAllocator(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessagesPerRead");
  }
}
