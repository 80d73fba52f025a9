package dev.switchboard.device.nvs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A partition's file: a header, then one record per change (a namespace made, a value set, a key
 * erased, a namespace emptied), each with its length and a CRC-32C, appended as the change is made
 * (as NVS writes an entry to flash at once). A process killed at any point leaves at most its last
 * record torn: reading stops there and cuts it off, so only the pair being written is lost. A bad
 * record with good ones after it is corruption, not a torn write. When the file has grown to many
 * times the partition, it is rewritten as the current items (a new file moved over the old one, so
 * that a kill during the rewrite leaves one or the other). The file is open only while it is read
 * or written: thousands of devices in one process hold no descriptor each.
 */
final class NvsLog {
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "SBNVS\0\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int HEADER_SIZE = MAGIC.length + 8;
  private static final int MAX_RECORD = 64 * 1024;

  static final byte OP_NAMESPACE = 1;
  static final byte OP_SET = 2;
  static final byte OP_ERASE = 3;
  static final byte OP_ERASE_ALL = 4;

  /** One change as stored. */
  record Record(byte op, int ns, NvsType type, String key, byte[] data) {
    static Record namespace(String name) {
      return new Record(OP_NAMESPACE, 0, null, name, new byte[0]);
    }

    static Record set(int ns, String key, NvsType type, byte[] data) {
      return new Record(OP_SET, ns, type, key, data);
    }

    static Record erase(int ns, String key) {
      return new Record(OP_ERASE, ns, null, key, new byte[0]);
    }

    static Record eraseAll(int ns) {
      return new Record(OP_ERASE_ALL, ns, null, "", new byte[0]);
    }
  }

  /** Why a file cannot be read: it is not ours or is damaged, or a newer format wrote it. */
  static final class Unreadable extends Exception {
    final boolean newerVersion;

    Unreadable(String message, boolean newerVersion) {
      super(message);
      this.newerVersion = newerVersion;
    }
  }

  private final Path file;
  private final int pageCount;
  private long size;

  private NvsLog(Path file, int pageCount, long size) {
    this.file = file;
    this.pageCount = pageCount;
    this.size = size;
  }

  /**
   * Opens the file, made empty when missing, and gives its records to {@code out}; a torn last
   * record is cut off the file.
   */
  static NvsLog open(Path file, int pageCount, List<Record> out) throws IOException, Unreadable {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file) || Files.size(file) == 0) {
      writeAtomically(file, header(pageCount), List.of());
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long end = read(ch, pageCount, out);
      if (end < ch.size()) {
        ch.truncate(end);
      }
      return new NvsLog(file, pageCount, end);
    }
  }

  private static long read(FileChannel ch, int pageCount, List<Record> out)
      throws IOException, Unreadable {
    long size = ch.size();
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 16));
    while (all.hasRemaining() && ch.read(all, all.position()) > 0) {}
    all.flip().order(ByteOrder.LITTLE_ENDIAN);
    if (all.remaining() < HEADER_SIZE) {
      throw new Unreadable("shorter than its header", false);
    }
    byte[] magic = new byte[MAGIC.length];
    all.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new Unreadable("not an NVS partition file", false);
    }
    int version = all.getInt();
    int pages = all.getInt();
    if (version > FORMAT_VERSION) {
      throw new Unreadable("format " + version + " is newer than " + FORMAT_VERSION, true);
    }
    if (version < 1 || pages != pageCount) {
      throw new Unreadable(pages + " pages where the partition table says " + pageCount, false);
    }
    while (all.hasRemaining()) {
      int start = all.position();
      if (all.remaining() < 8) {
        return start; // torn length or checksum
      }
      int length = all.getInt();
      int crc = all.getInt();
      if (length < 0 || length > MAX_RECORD || length > all.remaining()) {
        return start; // torn payload
      }
      byte[] payload = new byte[length];
      all.get(payload);
      if (crc(payload) != crc) {
        if (!all.hasRemaining()) {
          return start; // the last record, torn
        }
        throw new Unreadable("record at byte " + start + " fails its checksum", false);
      }
      out.add(decode(payload, start));
    }
    return all.position();
  }

  /** Appends one record; it reaches the file before this returns (not necessarily the disk). */
  void append(Record r) throws IOException {
    ByteBuffer b = frame(r);
    // java.io, not a FileChannel: an interrupt (a device stopping) must not close the file under
    // a write and lose more than the record being written
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(size);
      f.write(b.array(), 0, b.limit());
      size += b.limit();
    }
  }

  /** To the disk: {@code nvs_commit}. */
  void force() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.getFD().sync();
    }
  }

  long size() {
    return size;
  }

  /** Replaces the file with these records, atomically. */
  void rewrite(List<Record> records) throws IOException {
    writeAtomically(file, header(pageCount), records);
    size = Files.size(file);
  }

  private static void writeAtomically(Path file, ByteBuffer header, List<Record> records)
      throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      while (header.hasRemaining()) {
        ch.write(header);
      }
      for (Record r : records) {
        ByteBuffer b = frame(r);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static ByteBuffer header(int pageCount) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(FORMAT_VERSION).putInt(pageCount);
    return b.flip();
  }

  private static ByteBuffer frame(Record r) {
    byte[] key = r.key.getBytes(StandardCharsets.UTF_8);
    ByteBuffer p = ByteBuffer.allocate(4 + key.length + r.data.length);
    p.put(r.op).put((byte) r.ns).put((byte) (r.type == null ? 0 : r.type.code()));
    p.put((byte) key.length).put(key).put(r.data);
    byte[] payload = p.array();
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(payload.length).putInt(crc(payload)).put(payload);
    return b.flip();
  }

  private static Record decode(byte[] payload, int at) throws Unreadable {
    try {
      ByteBuffer p = ByteBuffer.wrap(payload);
      byte op = p.get();
      int ns = p.get() & 0xFF;
      NvsType type = NvsType.ofCode(p.get() & 0xFF);
      byte[] key = new byte[p.get() & 0xFF];
      p.get(key);
      byte[] data = new byte[p.remaining()];
      p.get(data);
      if (op < OP_NAMESPACE || op > OP_ERASE_ALL || (op == OP_SET && type == null)) {
        throw new Unreadable("record at byte " + at + " has an unknown operation", false);
      }
      return new Record(op, ns, type, new String(key, StandardCharsets.UTF_8), data);
    } catch (java.nio.BufferUnderflowException e) {
      throw new Unreadable("record at byte " + at + " is malformed", false);
    }
  }

  private static int crc(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload);
    return (int) c.getValue();
  }
}
