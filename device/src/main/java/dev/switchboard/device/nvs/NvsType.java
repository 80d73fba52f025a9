package dev.switchboard.device.nvs;

/**
 * ESP-IDF's {@code nvs_type_t}: the type of a stored value, with the same codes ({@code
 * NVS_TYPE_U8} 0x01 ... {@code NVS_TYPE_BLOB} 0x42, {@code NVS_TYPE_ANY} 0xff). Integers are stored
 * little-endian in {@link #width()} bytes, as on flash.
 */
public enum NvsType {
  U8(0x01, 1),
  I8(0x11, 1),
  U16(0x02, 2),
  I16(0x12, 2),
  U32(0x04, 4),
  I32(0x14, 4),
  U64(0x08, 8),
  I64(0x18, 8),
  STR(0x21, 0),
  BLOB(0x42, 0),
  ANY(0xff, 0);

  private final int code;
  private final int width;

  NvsType(int code, int width) {
    this.code = code;
    this.width = width;
  }

  /** ESP-IDF's value of this type. */
  public int code() {
    return code;
  }

  /** Bytes of an integer type; 0 for strings, blobs and ANY. */
  public int width() {
    return width;
  }

  boolean isInteger() {
    return width > 0;
  }

  static NvsType ofCode(int code) {
    for (NvsType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
