package dev.switchboard.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message's matched filters in one column: each as a 4-byte big-endian length and its UTF-8
 * bytes. A filter may hold any character but U+0000, so no separator would be safe; a length is.
 */
final class FilterKeys {
  private FilterKeys() {}

  static byte[] encode(List<String> keys) {
    List<byte[]> utf8 = new ArrayList<>(keys.size());
    int size = 0;
    for (String key : keys) {
      byte[] b = key.getBytes(StandardCharsets.UTF_8);
      utf8.add(b);
      size += 4 + b.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (byte[] b : utf8) {
      out.putInt(b.length).put(b);
    }
    return out.array();
  }

  /**
   * @throws IllegalArgumentException if {@code blob} is not a list this class wrote
   */
  static List<String> decode(byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    List<String> keys = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 4) {
        throw new IllegalArgumentException("filter keys end inside a length");
      }
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException("filter key length " + length + " runs past the end");
      }
      byte[] b = new byte[length];
      in.get(b);
      keys.add(new String(b, StandardCharsets.UTF_8));
    }
    return List.copyOf(keys);
  }
}
