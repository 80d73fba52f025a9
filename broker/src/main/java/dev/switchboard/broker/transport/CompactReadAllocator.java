package dev.switchboard.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.Arrays;

/**
 * Sizes the buffers a connection reads into as Netty's adaptive allocator does, in less memory: one
 * allocator shared by every connection of a listener, and per connection one small handle.
 *
 * <p>Netty's default gives every channel an allocator of its own (made by the channel's
 * configuration), and its handle is three objects (the handle, a size calculator and a supplier):
 * 128 bytes of each idle connection's heap, with compact object headers. This handle is one object
 * of 40 bytes holding the same state: where the size is in the table of sizes, whether the last
 * read was small, and the counts of the current read loop.
 *
 * <p>The sizing is the adaptive allocator's: sizes step by 16 bytes up to 512 and double after; a
 * read that fills its buffer moves the next size up four steps, two reads in a row that would have
 * fit one step lower move it down one step, between {@link #MINIMUM} and {@link #MAXIMUM}, starting
 * at {@link #INITIAL}. A read loop goes on while the channel reads automatically, the last read
 * filled what it was given (more may be waiting), something was read, and fewer than {@code
 * maxMessagesPerRead} reads were made.
 */
public final class CompactReadAllocator implements MaxMessagesRecvByteBufAllocator {
  static final int MINIMUM = 64;
  static final int INITIAL = 2048;
  static final int MAXIMUM = 65536;

  /** 16, 32 ... 496, then 512, 1024 ... 2^30. */
  private static final int[] SIZES = sizes();

  private static final int MIN_INDEX = indexOf(MINIMUM);
  private static final int MAX_INDEX = indexOf(MAXIMUM);
  private static final int INITIAL_INDEX = indexOf(INITIAL);
  private static final int STEP_UP = 4;

  private volatile int maxMessagesPerRead;

  /**
   * @param maxMessagesPerRead reads per read loop at most (Netty's stream channels use 16)
   */
  public CompactReadAllocator(int maxMessagesPerRead) {
    maxMessagesPerRead(maxMessagesPerRead);
  }

  private static int[] sizes() {
    int[] table = new int[31 + 22];
    int n = 0;
    for (int size = 16; size < 512; size += 16) {
      table[n++] = size;
    }
    for (int size = 512; size > 0; size <<= 1) {
      table[n++] = size;
    }
    return Arrays.copyOf(table, n);
  }

  /** The index of {@code size}, which must be in the table. */
  private static int indexOf(int size) {
    for (int i = 0; i < SIZES.length; i++) {
      if (SIZES[i] == size) {
        return i;
      }
    }
    throw new IllegalArgumentException(size + " is not one of the sizes");
  }

  @Override
  public int maxMessagesPerRead() {
    return maxMessagesPerRead;
  }

  @Override
  public CompactReadAllocator maxMessagesPerRead(int maxMessagesPerRead) {
    if (maxMessagesPerRead < 1) {
      throw new IllegalArgumentException("maxMessagesPerRead: " + maxMessagesPerRead);
    }
    this.maxMessagesPerRead = maxMessagesPerRead;
    return this;
  }

  @Override
  public Handle newHandle() {
    return new Handle(this);
  }

  /** One connection's sizing and read-loop state; used on its event loop only. */
  static final class Handle implements RecvByteBufAllocator.ExtendedHandle {
    private final CompactReadAllocator allocator;
    private ChannelConfig config;
    private byte index = (byte) INITIAL_INDEX;
    private boolean smallOnce;
    private int messages;
    private int bytesRead;
    private int lastBytesRead;
    private int attemptedBytesRead;

    Handle(CompactReadAllocator allocator) {
      this.allocator = allocator;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
      return alloc.ioBuffer(guess());
    }

    @Override
    public int guess() {
      return SIZES[index];
    }

    /**
     * Moves the size after a read of {@code size} bytes (a whole read loop's, or one full read).
     */
    void record(int size) {
      if (size <= SIZES[Math.max(0, index - 1)]) {
        if (smallOnce) {
          index = (byte) Math.max(index - 1, MIN_INDEX);
          smallOnce = false;
        } else {
          smallOnce = true;
        }
      } else if (size >= SIZES[index]) {
        index = (byte) Math.min(index + STEP_UP, MAX_INDEX);
        smallOnce = false;
      }
    }

    @Override
    public void reset(ChannelConfig config) {
      this.config = config;
      messages = 0;
      bytesRead = 0;
    }

    @Override
    public void incMessagesRead(int numMessages) {
      messages += numMessages;
    }

    @Override
    public void lastBytesRead(int bytes) {
      if (bytes == attemptedBytesRead) {
        record(bytes); // it filled its buffer: grow at once, not after the read loop
      }
      lastBytesRead = bytes;
      if (bytes > 0) {
        bytesRead += bytes;
      }
    }

    @Override
    public int lastBytesRead() {
      return lastBytesRead;
    }

    @Override
    public void attemptedBytesRead(int bytes) {
      attemptedBytesRead = bytes;
    }

    @Override
    public int attemptedBytesRead() {
      return attemptedBytesRead;
    }

    @Override
    public boolean continueReading() {
      return keepReading(attemptedBytesRead == lastBytesRead);
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return keepReading(maybeMoreDataSupplier.get());
    }

    private boolean keepReading(boolean maybeMore) {
      return config.isAutoRead()
          && maybeMore
          && messages < allocator.maxMessagesPerRead
          && bytesRead > 0;
    }

    @Override
    public void readComplete() {
      record(bytesRead < 0 ? Integer.MAX_VALUE : bytesRead);
    }
  }
}
