package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_ARG;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_INVALID_NAME;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_INITIALIZED;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_PART_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_FAIL;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One device's NVS: its partition table and the partitions it has initialised, with ESP-IDF's
 * {@code nvs_flash_*} calls, {@code nvs_open}, {@code nvs_get_stats} and the iterators ({@code
 * nvs_entry_*}). Each partition lives in a file {@code <label>.nvs} in the device's directory (see
 * {@link NvsLog}), so it survives restarts of the device and of the JVM.
 *
 * <p>The default partition is {@code "nvs"}, 24 KiB (0x6000: six 4 KiB pages), as in ESP-IDF's
 * default partition table. A damaged file gives {@code ESP_ERR_NVS_NO_FREE_PAGES} and one written
 * by a newer format {@code ESP_ERR_NVS_NEW_VERSION_FOUND}, and ESP-IDF's idiom works:
 *
 * <pre>{@code
 * int err = nvs.init();
 * if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
 *   nvs.erase();
 *   err = nvs.init();
 * }
 * }</pre>
 */
public final class NvsFlash {
  /** {@code NVS_DEFAULT_PART_NAME}. */
  public static final String NVS_DEFAULT_PART_NAME = "nvs";

  /** The default partition's size in ESP-IDF's default partition table. */
  public static final int DEFAULT_PARTITION_SIZE = 0x6000;

  private final Path directory;
  private final Map<String, Integer> partitionTable;
  private final Map<String, NvsPartition> initialised = new LinkedHashMap<>();

  /** A device's NVS in this directory, with the default partition table. */
  public NvsFlash(Path directory) {
    this(directory, Map.of(NVS_DEFAULT_PART_NAME, DEFAULT_PARTITION_SIZE));
  }

  /**
   * A device's NVS with its own partition table: label to size in bytes, a multiple of 4 KiB of at
   * least three pages (NVS keeps one free and needs one to write on).
   */
  public NvsFlash(Path directory, Map<String, Integer> partitionTable) {
    this.directory = directory;
    for (var e : partitionTable.entrySet()) {
      int size = e.getValue();
      if (size % NvsPages.PAGE_SIZE != 0 || size < 3 * NvsPages.PAGE_SIZE) {
        throw new IllegalArgumentException(
            "nvs partition '" + e.getKey() + "': " + size + " bytes is not 3 or more 4 KiB pages");
      }
    }
    this.partitionTable = Map.copyOf(partitionTable);
  }

  // ------------------------------------------------------------------ nvs_flash_*

  /** {@code nvs_flash_init}: the default partition. */
  public int init() {
    return initPartition(NVS_DEFAULT_PART_NAME);
  }

  /**
   * {@code nvs_flash_init_partition}: {@code ESP_OK} also when already initialised; {@code
   * ESP_ERR_NOT_FOUND} when the table has no such partition.
   */
  public synchronized int initPartition(String label) {
    if (label == null) {
      return ESP_ERR_INVALID_ARG;
    }
    Integer size = partitionTable.get(label);
    if (size == null) {
      return ESP_ERR_NOT_FOUND;
    }
    if (initialised.containsKey(label)) {
      return ESP_OK;
    }
    NvsPartition[] out = new NvsPartition[1];
    int err = NvsPartition.load(label, size / NvsPages.PAGE_SIZE, fileOf(label), out);
    if (err == ESP_OK) {
      initialised.put(label, out[0]);
    }
    return err;
  }

  /** {@code nvs_flash_deinit}: the default partition; its handles stop working. */
  public int deinit() {
    return deinitPartition(NVS_DEFAULT_PART_NAME);
  }

  /** {@code nvs_flash_deinit_partition}: {@code ESP_ERR_NVS_NOT_INITIALIZED} when it was not. */
  public synchronized int deinitPartition(String label) {
    NvsPartition p = initialised.remove(label);
    if (p == null) {
      return ESP_ERR_NVS_NOT_INITIALIZED;
    }
    p.close();
    return ESP_OK;
  }

  /** Deinitialises every partition: the device is stopping. */
  public synchronized void deinitAll() {
    for (String label : List.copyOf(initialised.keySet())) {
      deinitPartition(label);
    }
  }

  /** {@code nvs_flash_erase}: the default partition. */
  public int erase() {
    return erasePartition(NVS_DEFAULT_PART_NAME);
  }

  /**
   * {@code nvs_flash_erase_partition}: deinitialises it when it was initialised, then erases all of
   * it; {@code ESP_ERR_NOT_FOUND} when the table has no such partition.
   */
  public synchronized int erasePartition(String label) {
    if (label == null || !partitionTable.containsKey(label)) {
      return ESP_ERR_NOT_FOUND;
    }
    NvsPartition p = initialised.remove(label);
    if (p != null) {
      p.close();
    }
    try {
      Files.deleteIfExists(fileOf(label));
      return ESP_OK;
    } catch (IOException e) {
      return ESP_FAIL;
    }
  }

  // ------------------------------------------------------------------ nvs_open

  /** {@code nvs_open}: a namespace of the default partition. */
  public int open(String namespace, NvsOpenMode mode, NvsHandle[] out) {
    return openFromPartition(NVS_DEFAULT_PART_NAME, namespace, mode, out);
  }

  /**
   * {@code nvs_open_from_partition}: {@code ESP_ERR_NVS_NOT_FOUND} for a namespace that does not
   * exist opened read-only; {@code ESP_ERR_NVS_INVALID_NAME} for an empty name or one over 15
   * bytes; {@code ESP_ERR_NVS_NOT_INITIALIZED} when no partition is initialised, {@code
   * ESP_ERR_NVS_PART_NOT_FOUND} when this one is not; {@code ESP_ERR_NVS_NOT_ENOUGH_SPACE} past 254
   * namespaces.
   */
  public int openFromPartition(String label, String namespace, NvsOpenMode mode, NvsHandle[] out) {
    if (label == null || namespace == null || mode == null || out == null) {
      return ESP_ERR_INVALID_ARG;
    }
    int bytes = namespace.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > NvsHandle.NVS_KEY_NAME_MAX_SIZE - 1) {
      return ESP_ERR_NVS_INVALID_NAME;
    }
    NvsPartition p;
    synchronized (this) {
      if (initialised.isEmpty()) {
        return ESP_ERR_NVS_NOT_INITIALIZED;
      }
      p = initialised.get(label);
    }
    if (p == null) {
      return ESP_ERR_NVS_PART_NOT_FOUND;
    }
    int[] index = new int[1];
    int err = p.openNamespace(namespace, mode == NvsOpenMode.READWRITE, index);
    if (err == ESP_OK) {
      out[0] = new NvsHandle(p, index[0], mode == NvsOpenMode.READONLY);
    }
    return err;
  }

  // ------------------------------------------------------------------ stats and iterators

  /** {@code nvs_get_stats}: the default partition when {@code label} is null. */
  public int getStats(String label, NvsStats[] out) {
    if (out == null) {
      return ESP_ERR_INVALID_ARG;
    }
    NvsPartition p;
    synchronized (this) {
      p = initialised.get(label == null ? NVS_DEFAULT_PART_NAME : label);
      if (p == null) {
        out[0] = new NvsStats(0, 0, 0, 0, 0);
        return initialised.isEmpty() ? ESP_ERR_NVS_NOT_INITIALIZED : ESP_ERR_NVS_PART_NOT_FOUND;
      }
    }
    out[0] = p.stats();
    return ESP_OK;
  }

  /**
   * {@code nvs_entry_find}: an iterator over a partition's entries of a namespace (all when null)
   * and a type ({@link NvsType#ANY} for all), or {@code ESP_ERR_NVS_NOT_FOUND} with {@code out[0]}
   * null when there are none.
   */
  public int entryFind(String label, String namespace, NvsType type, NvsIterator[] out) {
    if (label == null || type == null || out == null) {
      return ESP_ERR_INVALID_ARG;
    }
    NvsPartition p;
    synchronized (this) {
      p = initialised.get(label);
    }
    if (p == null) {
      return ESP_ERR_NVS_NOT_INITIALIZED;
    }
    return iterator(p.entries(namespace, type), out);
  }

  /** {@code nvs_entry_find_in_handle}: the entries of the handle's namespace. */
  public static int entryFindInHandle(NvsHandle handle, NvsType type, NvsIterator[] out) {
    if (handle == null || type == null || out == null) {
      return ESP_ERR_INVALID_ARG;
    }
    int err = handle.checkHandle(false);
    if (err != ESP_OK) {
      return err;
    }
    NvsPartition p = handle.partition();
    List<NvsEntryInfo> all = p.entries(null, type);
    return iterator(all.stream().filter(e -> sameNamespace(p, handle, e)).toList(), out);
  }

  /**
   * {@code nvs_entry_next}: moves {@code it[0]} on; at the end {@code ESP_ERR_NVS_NOT_FOUND} and
   * {@code it[0]} null (the iterator released, as ESP-IDF does).
   */
  public static int entryNext(NvsIterator[] it) {
    if (it == null || it[0] == null) {
      return ESP_ERR_INVALID_ARG;
    }
    if (it[0].advance()) {
      return ESP_OK;
    }
    it[0] = null;
    return ESP_ERR_NVS_NOT_FOUND;
  }

  /** {@code nvs_entry_info}. */
  public static int entryInfo(NvsIterator it, NvsEntryInfo[] out) {
    if (it == null || out == null) {
      return ESP_ERR_INVALID_ARG;
    }
    out[0] = it.current();
    return ESP_OK;
  }

  /** {@code nvs_release_iterator}: nothing to free in Java; kept so that code reads the same. */
  public static void releaseIterator(NvsIterator it) {}

  /** Where a partition's file is. */
  public Path fileOf(String label) {
    return directory.resolve(label + ".nvs");
  }

  private static boolean sameNamespace(NvsPartition p, NvsHandle h, NvsEntryInfo e) {
    return p.namespaceIndexOf(e.namespaceName()) == h.namespaceIndex();
  }

  private static int iterator(List<NvsEntryInfo> entries, NvsIterator[] out) {
    if (entries.isEmpty()) {
      out[0] = null;
      return ESP_ERR_NVS_NOT_FOUND;
    }
    out[0] = new NvsIterator(entries);
    return ESP_OK;
  }
}
