package dev.switchboard.app;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a JVM of its own by {@link LauncherTest}: takes 1 MiB direct buffers from Netty's default
 * allocator (the one the broker's channels use) until it refuses, and prints Netty's direct memory
 * limit, the bytes it handed out, and the class of its refusal.
 */
final class DirectMemoryProbe {
  private static final int MIB = 1 << 20;
  private static final int MOST = 1024; // a GiB: far past any limit the test sets

  private DirectMemoryProbe() {}

  public static void main(String[] args) {
    List<ByteBuf> held = new ArrayList<>();
    String failure = "none";
    try {
      for (int i = 0; i < MOST; i++) {
        held.add(ByteBufAllocator.DEFAULT.directBuffer(MIB, MIB));
      }
    } catch (OutOfMemoryError e) {
      failure = e.getClass().getName();
    }
    long bytes = (long) held.size() * MIB;
    held.forEach(ByteBuf::release);
    System.out.println(PlatformDependent.maxDirectMemory() + " " + bytes + " " + failure);
  }
}
