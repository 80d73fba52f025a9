package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_INVALID_STATE;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NEW_VERSION_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NO_FREE_PAGES;
import static dev.switchboard.device.esp.EspErr.ESP_FAIL;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import dev.switchboard.device.nvs.NvsLog.Record;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One initialised partition: its items ({@link NvsStorage}) and its file ({@link NvsLog}), kept in
 * step: a change is made on the items first (which checks it and finds its room), then appended to
 * the file. Loading replays the file through the same code, so the pages fill after a restart
 * exactly as they did before it. Every call holds the partition's lock (ESP-IDF's NVS lock).
 */
final class NvsPartition {
  private static final Logger log = LoggerFactory.getLogger(NvsPartition.class);

  final String label;
  private final int pageCount;
  private final Path file;
  private NvsStorage storage;
  private NvsLog nvsLog;
  private boolean valid = true;

  private NvsPartition(String label, int pageCount, Path file) {
    this.label = label;
    this.pageCount = pageCount;
    this.file = file;
  }

  /**
   * Loads a partition from its file: {@code ESP_ERR_NVS_NO_FREE_PAGES} when the file is damaged or
   * of another size, {@code ESP_ERR_NVS_NEW_VERSION_FOUND} when a newer format wrote it.
   */
  static int load(String label, int pageCount, Path file, NvsPartition[] out) {
    NvsPartition p = new NvsPartition(label, pageCount, file);
    List<Record> records = new ArrayList<>();
    try {
      p.nvsLog = NvsLog.open(file, pageCount, records);
    } catch (NvsLog.Unreadable e) {
      log.warn("nvs partition '{}' ({}): {}", label, file, e.getMessage());
      return e.newerVersion ? ESP_ERR_NVS_NEW_VERSION_FOUND : ESP_ERR_NVS_NO_FREE_PAGES;
    } catch (ClosedByInterruptException e) {
      stopping(label, file, "loaded");
      return ESP_FAIL;
    } catch (IOException e) {
      log.warn("nvs partition '{}' ({}): {}", label, file, e.toString());
      return ESP_FAIL;
    }
    p.storage = replay(pageCount, records);
    if (p.storage == null) {
      log.warn("nvs partition '{}' ({}): its records do not fit its pages", label, file);
      return ESP_ERR_NVS_NO_FREE_PAGES;
    }
    out[0] = p;
    return ESP_OK;
  }

  private static NvsStorage replay(int pageCount, List<Record> records) {
    NvsStorage s = new NvsStorage(pageCount);
    for (Record r : records) {
      int err =
          switch (r.op()) {
            case NvsLog.OP_NAMESPACE -> s.createNamespace(r.key(), new int[1]);
            case NvsLog.OP_SET -> s.write(r.ns(), r.key(), r.type(), r.data());
            case NvsLog.OP_ERASE -> s.erase(r.ns(), r.key());
            default -> {
              s.eraseAll(r.ns());
              yield ESP_OK;
            }
          };
      if (err != ESP_OK) {
        return null;
      }
    }
    return s;
  }

  synchronized boolean isValid() {
    return valid;
  }

  synchronized int openNamespace(String name, boolean create, int[] out) {
    if (!valid) {
      return ESP_ERR_NVS_INVALID_STATE;
    }
    Integer index = storage.namespaceIndex(name);
    if (index != null) {
      out[0] = index;
      return ESP_OK;
    }
    if (!create) {
      return ESP_ERR_NVS_NOT_FOUND;
    }
    int err = storage.createNamespace(name, out);
    return err == ESP_OK ? append(Record.namespace(name)) : err;
  }

  synchronized NvsStorage.Item find(int ns, String key) {
    return valid ? storage.find(ns, key) : null;
  }

  synchronized int set(int ns, String key, NvsType type, byte[] data) {
    if (!valid) {
      return ESP_ERR_NVS_INVALID_STATE;
    }
    NvsStorage.Item before = storage.find(ns, key);
    int err = storage.write(ns, key, type, data);
    if (err != ESP_OK || before != null && before == storage.find(ns, key)) {
      return err; // refused, or the same value: nothing written
    }
    return append(Record.set(ns, key, type, data));
  }

  synchronized int erase(int ns, String key) {
    if (!valid) {
      return ESP_ERR_NVS_INVALID_STATE;
    }
    int err = storage.erase(ns, key);
    return err == ESP_OK ? append(Record.erase(ns, key)) : err;
  }

  synchronized int eraseAll(int ns) {
    if (!valid) {
      return ESP_ERR_NVS_INVALID_STATE;
    }
    storage.eraseAll(ns);
    return append(Record.eraseAll(ns));
  }

  synchronized int commit() {
    if (!valid) {
      return ESP_ERR_NVS_INVALID_STATE;
    }
    try {
      nvsLog.force();
      return ESP_OK;
    } catch (IOException e) {
      return broken(e);
    }
  }

  synchronized int usedEntries(int ns) {
    return storage.usedEntries(ns);
  }

  synchronized NvsStats stats() {
    return storage.stats();
  }

  /** The entries of a namespace (all when null) of a type (all for ANY), in write order. */
  synchronized List<NvsEntryInfo> entries(String namespace, NvsType type) {
    List<NvsEntryInfo> out = new ArrayList<>();
    for (Map.Entry<NvsStorage.Key, NvsStorage.Item> e : storage.items()) {
      String ns = storage.namespaceName(e.getKey().ns());
      NvsType t = e.getValue().type();
      if ((namespace == null || namespace.equals(ns)) && (type == NvsType.ANY || type == t)) {
        out.add(new NvsEntryInfo(ns, e.getKey().key(), t));
      }
    }
    return out;
  }

  synchronized int namespaceIndexOf(String name) {
    Integer index = storage.namespaceIndex(name);
    return index == null ? -1 : index;
  }

  synchronized void close() {
    valid = false;
  }

  private int append(Record r) {
    try {
      nvsLog.append(r);
      if (nvsLog.size() > Math.max(64 * 1024, 8L * pageCount * NvsPages.PAGE_SIZE)) {
        compact();
      }
      return ESP_OK;
    } catch (IOException e) {
      return broken(e);
    }
  }

  /**
   * Rewrites the file as the items it holds now, and the items as that file replays: the pages come
   * out collected, as after NVS's own garbage collection.
   */
  private void compact() throws IOException {
    List<Record> records = new ArrayList<>();
    for (String name : storage.namespaceNames()) {
      records.add(Record.namespace(name));
    }
    for (Map.Entry<NvsStorage.Key, NvsStorage.Item> e : storage.items()) {
      NvsStorage.Item item = e.getValue();
      records.add(Record.set(e.getKey().ns(), e.getKey().key(), item.type(), item.data()));
    }
    NvsStorage fresh = replay(pageCount, records);
    if (fresh == null) {
      return; // cannot happen: the items fit before; keep the longer file rather than lose any
    }
    nvsLog.rewrite(records);
    storage = fresh;
  }

  private int broken(IOException e) {
    valid = false;
    if (e instanceof ClosedByInterruptException) {
      stopping(label, file, "written");
    } else {
      log.warn("nvs partition '{}' ({}): {}; no more changes are taken", label, file, e.toString());
    }
    return ESP_FAIL;
  }

  /**
   * The device's task was interrupted (its device is stopping) while the file was read or written
   * through a channel, which closes the channel: not a fault of the file. What was being written
   * may be lost, as at a power cut; the interrupt stays for the task to see.
   */
  private static void stopping(String label, Path file, String what) {
    Thread.currentThread().interrupt();
    log.debug("nvs partition '{}' ({}): its device stopped while it was {}", label, file, what);
  }
}
