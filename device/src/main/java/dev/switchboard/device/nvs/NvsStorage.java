package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_ENOUGH_SPACE;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_VALUE_TOO_LONG;
import static dev.switchboard.device.esp.EspErr.ESP_OK;
import static dev.switchboard.device.nvs.NvsPages.CHUNK_MAX_SIZE;
import static dev.switchboard.device.nvs.NvsPages.ENTRY_SIZE;

import dev.switchboard.device.nvs.NvsPages.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The items of one partition: namespaces (index 1 to 254, each one entry of namespace 0) and their
 * key-value pairs, written on {@link NvsPages} as ESP-IDF's {@code Storage} writes them. A value
 * replaces the key's old one whatever its type (ESP-IDF v5 without the legacy duplicate-keys
 * option); the old entries are erased after the new ones are written; a value equal to the stored
 * one is not written again. Not thread safe: {@link NvsPartition} serialises the calls.
 */
final class NvsStorage {
  static final int MAX_NAMESPACES = 254;

  record Key(int ns, String key) {}

  /** A stored value and the entries it takes (a blob: its chunks, then its index). */
  record Item(NvsType type, byte[] data, List<Entry> entries) {
    int span() {
      int n = 0;
      for (Entry e : entries) {
        n += e.span;
      }
      return n;
    }
  }

  private final NvsPages pages;
  private final Map<String, Integer> namespaces = new LinkedHashMap<>();
  private final Map<Key, Item> items = new LinkedHashMap<>();

  NvsStorage(int pageCount) {
    this.pages = new NvsPages(pageCount);
  }

  // ------------------------------------------------------------------ namespaces

  Integer namespaceIndex(String name) {
    return namespaces.get(name);
  }

  /** Creates a namespace: its index in {@code out[0]}; NOT_ENOUGH_SPACE past 254 or when full. */
  int createNamespace(String name, int[] out) {
    if (namespaces.size() >= MAX_NAMESPACES) {
      return ESP_ERR_NVS_NOT_ENOUGH_SPACE;
    }
    int err = pages.write(new Entry(1));
    if (err != ESP_OK) {
      return err;
    }
    int index = namespaces.size() + 1;
    namespaces.put(name, index);
    out[0] = index;
    return ESP_OK;
  }

  String namespaceName(int index) {
    for (var e : namespaces.entrySet()) {
      if (e.getValue() == index) {
        return e.getKey();
      }
    }
    return null;
  }

  List<String> namespaceNames() {
    return List.copyOf(namespaces.keySet());
  }

  // ------------------------------------------------------------------ items

  Item find(int ns, String key) {
    return items.get(new Key(ns, key));
  }

  /** Writes a value of any type but a blob (ESP-IDF's {@code Storage::writeItem}). */
  int write(int ns, String key, NvsType type, byte[] data) {
    if (type == NvsType.BLOB) {
      return writeBlob(ns, key, data);
    }
    if (type == NvsType.STR && data.length > CHUNK_MAX_SIZE) {
      return ESP_ERR_NVS_VALUE_TOO_LONG;
    }
    Key k = new Key(ns, key);
    Item old = items.get(k);
    if (old != null && old.type == type && Arrays.equals(old.data, data)) {
      return ESP_OK;
    }
    Entry e = new Entry(type == NvsType.STR ? NvsPages.spanOf(data.length) : 1);
    int err = pages.write(e);
    if (err != ESP_OK) {
      return err;
    }
    replace(k, old, new Item(type, data.clone(), List.of(e)));
    return ESP_OK;
  }

  /**
   * Writes a blob in chunks over as many pages as it needs (ESP-IDF's {@code
   * Storage::writeMultiPageBlob}): at most one page less than the partition has, each chunk up to
   * what is left of its page; a first chunk does not start in less than a tenth of a page.
   */
  private int writeBlob(int ns, String key, byte[] data) {
    if (data.length > (long) (pages.pageCount() - 1) * CHUNK_MAX_SIZE) {
      return ESP_ERR_NVS_VALUE_TOO_LONG;
    }
    Key k = new Key(ns, key);
    Item old = items.get(k);
    if (old != null && old.type == NvsType.BLOB && Arrays.equals(old.data, data)) {
      return ESP_OK;
    }
    List<Entry> written = new ArrayList<>();
    int remaining = data.length;
    int err = ESP_OK;
    // pages asked for before a first chunk could start: collections that only move items around
    // never free enough room, so give up after each page had its turn
    int pagesTried = 0;
    do {
      NvsPages.Page page = pages.current();
      int tailroom = page.varDataTailroom();
      if (written.isEmpty() && tailroom < remaining && tailroom < CHUNK_MAX_SIZE / 10) {
        pages.markCurrentFull();
        err =
            ++pagesTried > 2 * pages.pageCount()
                ? ESP_ERR_NVS_NOT_ENOUGH_SPACE
                : pages.requestNewPage();
        if (err != ESP_OK) {
          break;
        }
        continue;
      } else if (tailroom == 0) {
        err = ESP_ERR_NVS_NOT_ENOUGH_SPACE;
        break;
      }
      int chunk = Math.min(remaining, tailroom);
      Entry e = new Entry(NvsPages.spanOf(chunk));
      err = pages.tryWrite(e);
      if (err != ESP_OK) {
        break;
      }
      written.add(e);
      remaining -= chunk;
      if (remaining > 0 || tailroom - chunk < ENTRY_SIZE) {
        pages.markCurrentFull();
        err = pages.requestNewPage();
        if (err != ESP_OK) {
          break;
        }
      }
    } while (remaining > 0);
    if (err == ESP_OK) {
      Entry index = new Entry(1);
      err = pages.write(index);
      if (err == ESP_OK) {
        written.add(index);
      }
    }
    if (err != ESP_OK) {
      written.forEach(pages::erase);
      return err;
    }
    replace(k, old, new Item(NvsType.BLOB, data.clone(), List.copyOf(written)));
    return ESP_OK;
  }

  private void replace(Key k, Item old, Item fresh) {
    if (old != null) {
      old.entries.forEach(pages::erase);
      items.remove(k);
    }
    items.put(k, fresh);
  }

  int erase(int ns, String key) {
    Item old = items.remove(new Key(ns, key));
    if (old == null) {
      return ESP_ERR_NVS_NOT_FOUND;
    }
    old.entries.forEach(pages::erase);
    return ESP_OK;
  }

  void eraseAll(int ns) {
    for (Key k : List.copyOf(items.keySet())) {
      if (k.ns == ns) {
        erase(k.ns, k.key);
      }
    }
  }

  /** The items in write order (namespace index, key, item): iterators and snapshots read them. */
  List<Map.Entry<Key, Item>> items() {
    return List.copyOf(items.entrySet());
  }

  int usedEntries(int ns) {
    int n = 0;
    for (var e : items.entrySet()) {
      if (e.getKey().ns == ns) {
        n += e.getValue().span();
      }
    }
    return n;
  }

  NvsStats stats() {
    int total = pages.totalEntries();
    int usedEntries = pages.usedEntries();
    int free = total - usedEntries;
    return new NvsStats(
        usedEntries, free, Math.max(0, free - NvsPages.ENTRY_COUNT), total, namespaces.size());
  }
}
