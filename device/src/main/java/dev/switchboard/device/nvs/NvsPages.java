package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_INVALID_STATE;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_ENOUGH_SPACE;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_PAGE_FULL;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The flash pages of one partition, laid out as ESP-IDF's page manager lays them: 4 KiB pages of
 * 126 entries of 32 bytes; items are written at the active page's next free entry; an item that
 * does not fit marks the page full and asks for a new one; when only one free page is left, the
 * page with the most unused entries is garbage-collected into it (its live items copied, the page
 * erased), so one page is always kept free. Erasing an item only marks its entries erased: the room
 * comes back when its page is collected. That is why a partition fills as a real one does: a value
 * rewritten many times, or strings that leave the end of a page unused, cost room until the next
 * collection (ESP-IDF's {@code nvs_pagemanager.cpp}, {@code nvs_page.cpp}).
 */
final class NvsPages {
  static final int PAGE_SIZE = 4096;
  static final int ENTRY_SIZE = 32;
  static final int ENTRY_COUNT = 126;

  /** The most data one page holds for a string or a blob chunk: 125 entries. */
  static final int CHUNK_MAX_SIZE = ENTRY_SIZE * (ENTRY_COUNT - 1);

  /** One item on flash: a value, a string, a namespace, a blob chunk or a blob's index. */
  static final class Entry {
    final int span;
    Page page;

    Entry(int span) {
      this.span = span;
    }
  }

  /** A page: its next free entry, its live entries (in write order), whether it is full. */
  static final class Page {
    int nextFree;
    int used;
    boolean full;
    final List<Entry> live = new ArrayList<>();

    /** Bytes a string or blob chunk may still take here (its header entry aside). */
    int varDataTailroom() {
      if (full || nextFree >= ENTRY_COUNT - 1) {
        return 0;
      }
      return (ENTRY_COUNT - nextFree - 1) * ENTRY_SIZE;
    }

    void reset() {
      nextFree = 0;
      used = 0;
      full = false;
      live.clear();
    }
  }

  private final int pageCount;
  private final List<Page> used = new ArrayList<>();
  private final Deque<Page> free = new ArrayDeque<>();

  NvsPages(int pageCount) {
    this.pageCount = pageCount;
    for (int i = 0; i < pageCount; i++) {
      free.add(new Page());
    }
    used.add(free.removeFirst());
  }

  int pageCount() {
    return pageCount;
  }

  /** Entries an item of {@code dataSize} bytes of string or blob-chunk data takes. */
  static int spanOf(int dataSize) {
    return 1 + (dataSize + ENTRY_SIZE - 1) / ENTRY_SIZE;
  }

  Page current() {
    return used.get(used.size() - 1);
  }

  /** Writes on the active page, or gives {@code ESP_ERR_NVS_PAGE_FULL}. */
  int tryWrite(Entry e) {
    Page p = current();
    if (p.full || p.nextFree + e.span > ENTRY_COUNT) {
      return ESP_ERR_NVS_PAGE_FULL;
    }
    place(e, p);
    return ESP_OK;
  }

  /**
   * Writes on the active page, or on a new one when it does not fit (ESP-IDF's {@code
   * Storage::writeItem}): {@code ESP_ERR_NVS_NOT_ENOUGH_SPACE} when no page can be had or the item
   * does not fit an empty page either.
   */
  int write(Entry e) {
    int err = tryWrite(e);
    if (err != ESP_ERR_NVS_PAGE_FULL) {
      return err;
    }
    current().full = true;
    err = requestNewPage();
    if (err != ESP_OK) {
      return err;
    }
    err = tryWrite(e);
    return err == ESP_ERR_NVS_PAGE_FULL ? ESP_ERR_NVS_NOT_ENOUGH_SPACE : err;
  }

  void markCurrentFull() {
    current().full = true;
  }

  void erase(Entry e) {
    if (e.page != null) {
      e.page.live.remove(e);
      e.page.used -= e.span;
      e.page = null;
    }
  }

  /**
   * A new active page (ESP-IDF's {@code PageManager::requestNewPage}): a free one while two are
   * left; otherwise the used page with the most unused entries is collected into the last free one.
   */
  int requestNewPage() {
    if (free.isEmpty()) {
      return ESP_ERR_NVS_INVALID_STATE;
    }
    if (free.size() >= 2) {
      used.add(free.removeFirst());
      return ESP_OK;
    }
    Page victim = null;
    int maxUnused = 0;
    for (Page p : used) {
      int unused = ENTRY_COUNT - p.used;
      if (unused > maxUnused) {
        victim = p;
        maxUnused = unused;
      }
    }
    if (victim == null) {
      return ESP_ERR_NVS_NOT_ENOUGH_SPACE;
    }
    Page fresh = free.removeFirst();
    used.add(fresh);
    for (Entry e : List.copyOf(victim.live)) {
      place(e, fresh);
    }
    victim.reset();
    used.remove(victim);
    free.addLast(victim);
    return ESP_OK;
  }

  int usedEntries() {
    int n = 0;
    for (Page p : used) {
      n += p.used;
    }
    return n;
  }

  int totalEntries() {
    return pageCount * ENTRY_COUNT;
  }

  private static void place(Entry e, Page p) {
    e.page = p;
    p.live.add(e);
    p.nextFree += e.span;
    p.used += e.span;
  }
}
