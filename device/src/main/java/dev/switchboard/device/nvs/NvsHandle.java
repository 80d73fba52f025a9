package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_ARG;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_INVALID_HANDLE;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_INVALID_LENGTH;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_INVALID_NAME;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_KEY_TOO_LONG;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_READ_ONLY;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_TYPE_MISMATCH;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An open namespace: ESP-IDF's {@code nvs_handle_t} and the calls that take one ({@code nvs_set_*},
 * {@code nvs_get_*}, {@code nvs_erase_key}, {@code nvs_erase_all}, {@code nvs_commit}, {@code
 * nvs_close}, {@code nvs_find_key}, {@code nvs_get_used_entry_count}). Every call returns an {@code
 * esp_err_t} ({@link dev.switchboard.device.esp.EspErr}); what C returns through a pointer comes
 * back in the first element of an array the caller passes, which is left untouched on an error.
 *
 * <p>Integers are stored in their type's width, as C's casts store them: {@code setU8(k, 300)}
 * stores 44. Unsigned values come back in the next wider Java type ({@code getU32} in a {@code
 * long[]}); {@code u64} comes back in a {@code long} with its bits as stored.
 *
 * <p>As in ESP-IDF, a set is written at once (it survives the process being killed as soon as the
 * call returns); {@link #commit()} also forces it to the disk. {@link #close()} does not commit.
 */
public final class NvsHandle {
  /** {@code NVS_KEY_NAME_MAX_SIZE}: 16 bytes with the NUL, so 15 characters. */
  public static final int NVS_KEY_NAME_MAX_SIZE = 16;

  private final NvsPartition partition;
  private final int ns;
  private final boolean readOnly;
  private volatile boolean open = true;

  NvsHandle(NvsPartition partition, int ns, boolean readOnly) {
    this.partition = partition;
    this.ns = ns;
    this.readOnly = readOnly;
  }

  // ------------------------------------------------------------------ set

  public int setI8(String key, byte value) {
    return setInteger(key, NvsType.I8, value);
  }

  public int setU8(String key, int value) {
    return setInteger(key, NvsType.U8, value);
  }

  public int setI16(String key, short value) {
    return setInteger(key, NvsType.I16, value);
  }

  public int setU16(String key, int value) {
    return setInteger(key, NvsType.U16, value);
  }

  public int setI32(String key, int value) {
    return setInteger(key, NvsType.I32, value);
  }

  public int setU32(String key, long value) {
    return setInteger(key, NvsType.U32, value);
  }

  public int setI64(String key, long value) {
    return setInteger(key, NvsType.I64, value);
  }

  public int setU64(String key, long value) {
    return setInteger(key, NvsType.U64, value);
  }

  /**
   * {@code nvs_set_str}: up to 4,000 bytes of UTF-8 with the NUL ({@code
   * ESP_ERR_NVS_VALUE_TOO_LONG} beyond), on one page.
   */
  public int setStr(String key, String value) {
    if (value == null) {
      return ESP_ERR_INVALID_ARG;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return set(key, NvsType.STR, Arrays.copyOf(utf8, utf8.length + 1));
  }

  /** {@code nvs_set_blob}: up to one page less than the partition, in chunks over its pages. */
  public int setBlob(String key, byte[] value) {
    return value == null ? ESP_ERR_INVALID_ARG : set(key, NvsType.BLOB, value);
  }

  /** {@code nvs_set_blob} of the first {@code length} bytes. */
  public int setBlob(String key, byte[] value, int length) {
    if (value == null || length < 0 || length > value.length) {
      return ESP_ERR_INVALID_ARG;
    }
    return set(key, NvsType.BLOB, Arrays.copyOf(value, length));
  }

  // ------------------------------------------------------------------ get

  public int getI8(String key, byte[] out) {
    return getInteger(key, NvsType.I8, v -> out[0] = (byte) v);
  }

  public int getU8(String key, int[] out) {
    return getInteger(key, NvsType.U8, v -> out[0] = (int) (v & 0xFF));
  }

  public int getI16(String key, short[] out) {
    return getInteger(key, NvsType.I16, v -> out[0] = (short) v);
  }

  public int getU16(String key, int[] out) {
    return getInteger(key, NvsType.U16, v -> out[0] = (int) (v & 0xFFFF));
  }

  public int getI32(String key, int[] out) {
    return getInteger(key, NvsType.I32, v -> out[0] = (int) v);
  }

  public int getU32(String key, long[] out) {
    return getInteger(key, NvsType.U32, v -> out[0] = v & 0xFFFF_FFFFL);
  }

  public int getI64(String key, long[] out) {
    return getInteger(key, NvsType.I64, v -> out[0] = v);
  }

  public int getU64(String key, long[] out) {
    return getInteger(key, NvsType.U64, v -> out[0] = v);
  }

  /**
   * {@code nvs_get_str(handle, key, out, &length)}: with {@code out} null, the size the string
   * needs (with its NUL) goes to {@code length[0]}; otherwise {@code length[0]} says how big {@code
   * out} may be used, the string and its NUL are copied and {@code length[0]} becomes its size;
   * {@code ESP_ERR_NVS_INVALID_LENGTH} when that is too small, with {@code out} untouched.
   */
  public int getStr(String key, byte[] out, int[] length) {
    return getVariable(key, NvsType.STR, out, length);
  }

  /** {@code nvs_get_str} into a Java string: {@code out[0]} without the NUL. */
  public int getStr(String key, String[] out) {
    int[] length = new int[1];
    int err = getStr(key, null, length);
    if (err != ESP_OK) {
      return err;
    }
    byte[] buf = new byte[length[0]];
    err = getStr(key, buf, length);
    if (err == ESP_OK) {
      out[0] = new String(buf, 0, length[0] - 1, StandardCharsets.UTF_8);
    }
    return err;
  }

  /** {@code nvs_get_blob}: as {@link #getStr(String, byte[], int[])}, without a NUL. */
  public int getBlob(String key, byte[] out, int[] length) {
    return getVariable(key, NvsType.BLOB, out, length);
  }

  // ------------------------------------------------------------------ the rest

  /** {@code nvs_find_key}: the type of the key's value in {@code outType[0]} (may be null). */
  public int findKey(String key, NvsType[] outType) {
    int err = check(key, false);
    if (err != ESP_OK) {
      return err;
    }
    NvsStorage.Item item = partition.find(ns, key);
    if (item == null) {
      return ESP_ERR_NVS_NOT_FOUND;
    }
    if (outType != null) {
      outType[0] = item.type();
    }
    return ESP_OK;
  }

  /** {@code nvs_erase_key}: {@code ESP_ERR_NVS_NOT_FOUND} when there is no such key. */
  public int eraseKey(String key) {
    int err = check(key, true);
    return err != ESP_OK ? err : partition.erase(ns, key);
  }

  /** {@code nvs_erase_all}: every key of this namespace. */
  public int eraseAll() {
    int err = checkHandle(true);
    return err != ESP_OK ? err : partition.eraseAll(ns);
  }

  /** {@code nvs_commit}: what was set is already in the file; this forces it to the disk. */
  public int commit() {
    int err = checkHandle(false);
    return err != ESP_OK ? err : partition.commit();
  }

  /** {@code nvs_close}: the handle is no longer usable; nothing is committed. */
  public void close() {
    open = false;
  }

  /** {@code nvs_get_used_entry_count}: entries the namespace's values take (not its own). */
  public int getUsedEntryCount(int[] out) {
    int err = checkHandle(false);
    if (err != ESP_OK) {
      return err;
    }
    out[0] = partition.usedEntries(ns);
    return ESP_OK;
  }

  NvsPartition partition() {
    return partition;
  }

  int namespaceIndex() {
    return ns;
  }

  int checkHandle(boolean writing) {
    if (!open || !partition.isValid()) {
      return ESP_ERR_NVS_INVALID_HANDLE;
    }
    if (writing && readOnly) {
      return ESP_ERR_NVS_READ_ONLY;
    }
    return ESP_OK;
  }

  private int check(String key, boolean writing) {
    int err = checkHandle(writing);
    if (err != ESP_OK) {
      return err;
    }
    if (key == null) {
      return ESP_ERR_INVALID_ARG;
    }
    if (key.isEmpty()) {
      return ESP_ERR_NVS_INVALID_NAME;
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > NVS_KEY_NAME_MAX_SIZE - 1) {
      return ESP_ERR_NVS_KEY_TOO_LONG;
    }
    return ESP_OK;
  }

  private int set(String key, NvsType type, byte[] data) {
    int err = check(key, true);
    return err != ESP_OK ? err : partition.set(ns, key, type, data);
  }

  private int setInteger(String key, NvsType type, long value) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    return set(key, type, Arrays.copyOf(b.array(), type.width()));
  }

  private interface IntegerSink {
    void accept(long value);
  }

  private int getInteger(String key, NvsType type, IntegerSink sink) {
    int err = check(key, false);
    if (err != ESP_OK) {
      return err;
    }
    NvsStorage.Item item = partition.find(ns, key);
    if (item == null) {
      return ESP_ERR_NVS_NOT_FOUND;
    }
    if (item.type() != type) {
      return ESP_ERR_NVS_TYPE_MISMATCH;
    }
    byte[] raw = Arrays.copyOf(item.data(), 8);
    long v = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
    int shift = 64 - 8 * type.width();
    // signed types are sign-extended, as C widens them
    long widened = shift == 0 ? v : (v << shift) >> shift;
    sink.accept(widened);
    return ESP_OK;
  }

  private int getVariable(String key, NvsType type, byte[] out, int[] length) {
    int err = check(key, false);
    if (err != ESP_OK) {
      return err;
    }
    if (length == null) {
      return ESP_ERR_INVALID_ARG;
    }
    NvsStorage.Item item = partition.find(ns, key);
    if (item == null) {
      return ESP_ERR_NVS_NOT_FOUND;
    }
    if (item.type() != type) {
      return ESP_ERR_NVS_TYPE_MISMATCH;
    }
    int size = item.data().length;
    if (out == null) {
      length[0] = size;
      return ESP_OK;
    }
    if (length[0] < size || out.length < size) {
      return ESP_ERR_NVS_INVALID_LENGTH;
    }
    System.arraycopy(item.data(), 0, out, 0, size);
    length[0] = size;
    return ESP_OK;
  }
}
