package dev.switchboard.device.nvs;

import java.util.List;

/**
 * ESP-IDF's {@code nvs_iterator_t}: the entries matching a namespace and a type, taken when the
 * iterator was made (ESP-IDF leaves changes during an iteration undefined; here they are not seen).
 * Moved with {@link NvsFlash#entryNext}, read with {@link NvsFlash#entryInfo}.
 */
public final class NvsIterator {
  private final List<NvsEntryInfo> entries;
  private int position;

  NvsIterator(List<NvsEntryInfo> entries) {
    this.entries = List.copyOf(entries);
  }

  NvsEntryInfo current() {
    return entries.get(position);
  }

  boolean advance() {
    position++;
    return position < entries.size();
  }
}
