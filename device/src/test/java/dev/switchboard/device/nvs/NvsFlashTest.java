package dev.switchboard.device.nvs;

import static dev.switchboard.device.esp.EspErr.*;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.device.esp.EspErr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** NVS against ESP-IDF v5.5's documented behaviour ({@code nvs.h}, {@code nvs_flash.h}). */
class NvsFlashTest {
  @TempDir Path dir;
  NvsFlash nvs;

  @BeforeEach
  void init() {
    nvs = new NvsFlash(dir);
  }

  private NvsHandle open(String ns, NvsOpenMode mode) {
    NvsHandle[] h = new NvsHandle[1];
    assertThat(name(nvs.open(ns, mode, h))).isEqualTo("ESP_OK");
    return h[0];
  }

  private static String name(int err) {
    return EspErr.toName(err);
  }

  @Test
  @DisplayName("nvs_open before nvs_flash_init: NOT_INITIALIZED; init twice: ESP_OK")
  void notInitialized() {
    NvsHandle[] h = new NvsHandle[1];
    assertThat(nvs.open("storage", NvsOpenMode.READWRITE, h))
        .isEqualTo(ESP_ERR_NVS_NOT_INITIALIZED);
    assertThat(nvs.init()).isEqualTo(ESP_OK);
    assertThat(nvs.init()).isEqualTo(ESP_OK);
    assertThat(nvs.initPartition("nope")).isEqualTo(ESP_ERR_NOT_FOUND);
    assertThat(nvs.openFromPartition("other", "storage", NvsOpenMode.READWRITE, h))
        .isEqualTo(ESP_ERR_NVS_PART_NOT_FOUND);
    assertThat(nvs.deinit()).isEqualTo(ESP_OK);
    assertThat(nvs.deinit()).isEqualTo(ESP_ERR_NVS_NOT_INITIALIZED);
  }

  @Test
  @DisplayName(
      "read-only open of a missing namespace: NOT_FOUND; names over 15 bytes: INVALID_NAME")
  void openModes() {
    nvs.init();
    NvsHandle[] h = new NvsHandle[1];
    assertThat(nvs.open("storage", NvsOpenMode.READONLY, h)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    assertThat(h[0]).isNull();
    assertThat(nvs.open("0123456789abcdef", NvsOpenMode.READWRITE, h))
        .isEqualTo(ESP_ERR_NVS_INVALID_NAME);
    assertThat(nvs.open("", NvsOpenMode.READWRITE, h)).isEqualTo(ESP_ERR_NVS_INVALID_NAME);
    NvsHandle rw = open("0123456789abcde", NvsOpenMode.READWRITE);
    assertThat(rw.setI32("x", 1)).isEqualTo(ESP_OK);
    NvsHandle ro = open("0123456789abcde", NvsOpenMode.READONLY);
    int[] x = new int[1];
    assertThat(ro.getI32("x", x)).isEqualTo(ESP_OK);
    assertThat(x[0]).isEqualTo(1);
    assertThat(ro.setI32("x", 2)).isEqualTo(ESP_ERR_NVS_READ_ONLY);
    assertThat(ro.eraseKey("x")).isEqualTo(ESP_ERR_NVS_READ_ONLY);
    assertThat(ro.eraseAll()).isEqualTo(ESP_ERR_NVS_READ_ONLY);
  }

  @Test
  @DisplayName("integers of every width, stored as C casts store them, read back sign-extended")
  void integers() {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    assertThat(h.setI8("i8", (byte) -5)).isEqualTo(ESP_OK);
    assertThat(h.setU8("u8", 300)).isEqualTo(ESP_OK);
    assertThat(h.setI16("i16", (short) -30000)).isEqualTo(ESP_OK);
    assertThat(h.setU16("u16", 65535)).isEqualTo(ESP_OK);
    assertThat(h.setI32("i32", Integer.MIN_VALUE)).isEqualTo(ESP_OK);
    assertThat(h.setU32("u32", 4_000_000_000L)).isEqualTo(ESP_OK);
    assertThat(h.setI64("i64", -1L)).isEqualTo(ESP_OK);
    assertThat(h.setU64("u64", -1L)).isEqualTo(ESP_OK);
    byte[] b = new byte[1];
    int[] i = new int[1];
    short[] s = new short[1];
    long[] l = new long[1];
    assertThat(h.getI8("i8", b)).isEqualTo(ESP_OK);
    assertThat(b[0]).isEqualTo((byte) -5);
    assertThat(h.getU8("u8", i)).isEqualTo(ESP_OK);
    assertThat(i[0]).isEqualTo(44);
    assertThat(h.getI16("i16", s)).isEqualTo(ESP_OK);
    assertThat(s[0]).isEqualTo((short) -30000);
    assertThat(h.getU16("u16", i)).isEqualTo(ESP_OK);
    assertThat(i[0]).isEqualTo(65535);
    assertThat(h.getI32("i32", i)).isEqualTo(ESP_OK);
    assertThat(i[0]).isEqualTo(Integer.MIN_VALUE);
    assertThat(h.getU32("u32", l)).isEqualTo(ESP_OK);
    assertThat(l[0]).isEqualTo(4_000_000_000L);
    assertThat(h.getI64("i64", l)).isEqualTo(ESP_OK);
    assertThat(l[0]).isEqualTo(-1L);
    assertThat(h.getU64("u64", l)).isEqualTo(ESP_OK);
    assertThat(l[0]).isEqualTo(-1L);
  }

  @Test
  @DisplayName(
      "a get of another type: TYPE_MISMATCH, output untouched; a set of another type replaces")
  void types() {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    assertThat(h.setU8("k", 7)).isEqualTo(ESP_OK);
    int[] out = {-99};
    assertThat(h.getI32("k", out)).isEqualTo(ESP_ERR_NVS_TYPE_MISMATCH);
    assertThat(out[0]).isEqualTo(-99);
    assertThat(h.getI32("missing", out)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    assertThat(out[0]).isEqualTo(-99);
    assertThat(h.setStr("k", "now a string")).isEqualTo(ESP_OK);
    NvsType[] type = new NvsType[1];
    assertThat(h.findKey("k", type)).isEqualTo(ESP_OK);
    assertThat(type[0]).isEqualTo(NvsType.STR);
    assertThat(h.getU8("k", out)).isEqualTo(ESP_ERR_NVS_TYPE_MISMATCH);
    String[] s = new String[1];
    assertThat(h.getStr("k", s)).isEqualTo(ESP_OK);
    assertThat(s[0]).isEqualTo("now a string");
    int[] used = new int[1];
    assertThat(h.getUsedEntryCount(used)).isEqualTo(ESP_OK);
    assertThat(used[0]).isEqualTo(2); // one string of 13 bytes: a header entry and one of data
  }

  @Test
  @DisplayName("strings and blobs: length query, INVALID_LENGTH when too small (untouched), limits")
  void variableLength() {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    assertThat(h.setStr("s", "hello")).isEqualTo(ESP_OK);
    int[] length = new int[1];
    assertThat(h.getStr("s", null, length)).isEqualTo(ESP_OK);
    assertThat(length[0]).isEqualTo(6);
    byte[] small = new byte[5];
    int[] smallLength = {5};
    assertThat(h.getStr("s", small, smallLength)).isEqualTo(ESP_ERR_NVS_INVALID_LENGTH);
    assertThat(small).containsOnly(0);
    assertThat(smallLength[0]).isEqualTo(5);
    byte[] big = new byte[10];
    int[] bigLength = {10};
    assertThat(h.getStr("s", big, bigLength)).isEqualTo(ESP_OK);
    assertThat(bigLength[0]).isEqualTo(6);
    assertThat(new String(big, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
    assertThat(big[5]).isZero();

    assertThat(h.setStr("max", "x".repeat(3999))).isEqualTo(ESP_OK);
    assertThat(h.setStr("over", "x".repeat(4000))).isEqualTo(ESP_ERR_NVS_VALUE_TOO_LONG);

    byte[] blob = new byte[9000];
    Arrays.fill(blob, (byte) 0x5a);
    assertThat(h.setBlob("blob", blob)).isEqualTo(ESP_OK);
    assertThat(h.getBlob("blob", null, length)).isEqualTo(ESP_OK);
    assertThat(length[0]).isEqualTo(9000);
    byte[] back = new byte[9000];
    assertThat(h.getBlob("blob", back, length)).isEqualTo(ESP_OK);
    assertThat(back).isEqualTo(blob);
    assertThat(h.getStr("blob", null, length)).isEqualTo(ESP_ERR_NVS_TYPE_MISMATCH);
    // a blob may take every page but the one kept free: 5 × 4,000 bytes in the default partition
    assertThat(h.setBlob("huge", new byte[20_001])).isEqualTo(ESP_ERR_NVS_VALUE_TOO_LONG);
  }

  @Test
  @DisplayName("keys: over 15 bytes KEY_TOO_LONG; erase key (NOT_FOUND the second time), erase all")
  void keys() {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    assertThat(h.setI32("0123456789abcdef", 1)).isEqualTo(ESP_ERR_NVS_KEY_TOO_LONG);
    assertThat(h.setI32("0123456789abcde", 1)).isEqualTo(ESP_OK);
    assertThat(h.eraseKey("0123456789abcde")).isEqualTo(ESP_OK);
    assertThat(h.eraseKey("0123456789abcde")).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    h.setI32("a", 1);
    h.setI32("b", 2);
    NvsHandle other = open("other", NvsOpenMode.READWRITE);
    other.setI32("a", 3);
    assertThat(h.eraseAll()).isEqualTo(ESP_OK);
    int[] v = new int[1];
    assertThat(h.getI32("a", v)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    assertThat(other.getI32("a", v)).isEqualTo(ESP_OK);
    assertThat(v[0]).isEqualTo(3);
  }

  @Test
  @DisplayName("close does not commit but makes the handle INVALID_HANDLE; commit is ESP_OK")
  void closeAndCommit() {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    assertThat(h.setI32("k", 5)).isEqualTo(ESP_OK);
    assertThat(h.commit()).isEqualTo(ESP_OK);
    h.close();
    assertThat(h.setI32("k", 6)).isEqualTo(ESP_ERR_NVS_INVALID_HANDLE);
    assertThat(h.getI32("k", new int[1])).isEqualTo(ESP_ERR_NVS_INVALID_HANDLE);
    NvsHandle again = open("storage", NvsOpenMode.READONLY);
    nvs.deinit();
    assertThat(again.getI32("k", new int[1])).isEqualTo(ESP_ERR_NVS_INVALID_HANDLE);
  }

  @Test
  @DisplayName(
      "a device stopped (its task interrupted) while NVS loads: ESP_FAIL, the interrupt kept, the"
          + " file intact for the next boot")
  void interruptedWhileLoading() {
    assertThat(nvs.init()).isEqualTo(ESP_OK);
    assertThat(open("storage", NvsOpenMode.READWRITE).setI32("boots", 7)).isEqualTo(ESP_OK);
    assertThat(nvs.deinit()).isEqualTo(ESP_OK);

    NvsFlash stopping = new NvsFlash(dir);
    Logger nvsLog = (Logger) LoggerFactory.getLogger(NvsPartition.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    nvsLog.addAppender(logged);
    Thread.currentThread().interrupt();
    int err;
    boolean interrupted;
    try {
      err = stopping.init();
    } finally {
      interrupted = Thread.interrupted(); // clears it for the rest of the test
      nvsLog.detachAppender(logged);
    }
    assertThat(name(err)).isEqualTo("ESP_FAIL");
    assertThat(interrupted).as("the task still sees its interrupt").isTrue();
    assertThat(logged.list)
        .as("a stopping device is not a damaged file: no warning")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));

    NvsFlash next = new NvsFlash(dir);
    assertThat(next.init()).isEqualTo(ESP_OK);
    NvsHandle[] h = new NvsHandle[1];
    assertThat(next.open("storage", NvsOpenMode.READONLY, h)).isEqualTo(ESP_OK);
    int[] boots = new int[1];
    assertThat(h[0].getI32("boots", boots)).isEqualTo(ESP_OK);
    assertThat(boots[0]).isEqualTo(7);
  }

  @Test
  @DisplayName(
      "the default 24 KiB partition holds 629 u32 values and one namespace, then NOT_ENOUGH_SPACE")
  void fillsAsARealOne() {
    nvs.init();
    NvsStats[] stats = new NvsStats[1];
    assertThat(nvs.getStats(null, stats)).isEqualTo(ESP_OK);
    assertThat(stats[0]).isEqualTo(new NvsStats(0, 756, 630, 756, 0));
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    int written = 0;
    int err;
    while ((err = h.setU32("k" + written, written)) == ESP_OK) {
      written++;
    }
    assertThat(name(err)).isEqualTo("ESP_ERR_NVS_NOT_ENOUGH_SPACE");
    assertThat(written).isEqualTo(629);
    nvs.getStats(null, stats);
    assertThat(stats[0]).isEqualTo(new NvsStats(630, 126, 0, 756, 1));
    // an erased entry is only room again once its page is collected: here at once
    assertThat(h.eraseKey("k0")).isEqualTo(ESP_OK);
    assertThat(h.setU32("new", 1)).isEqualTo(ESP_OK);
    assertThat(h.setU32("another", 1)).isEqualTo(ESP_ERR_NVS_NOT_ENOUGH_SPACE);
  }

  @Test
  @DisplayName("one value rewritten 20,000 times: pages are collected, the partition never fills")
  void rewritesAreCollected() throws Exception {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    for (int i = 0; i < 20_000; i++) {
      assertThat(h.setU32("counter", i)).isEqualTo(ESP_OK);
    }
    assertThat(h.setStr("text", "still room")).isEqualTo(ESP_OK);
    nvs.deinit();
    NvsFlash again = new NvsFlash(dir);
    assertThat(again.init()).isEqualTo(ESP_OK);
    NvsHandle[] r = new NvsHandle[1];
    again.open("storage", NvsOpenMode.READONLY, r);
    long[] v = new long[1];
    assertThat(r[0].getU32("counter", v)).isEqualTo(ESP_OK);
    assertThat(v[0]).isEqualTo(19_999);
    assertThat(Files.size(again.fileOf("nvs"))).isLessThan(400_000);
  }

  @Test
  @DisplayName("more than 254 namespaces: NOT_ENOUGH_SPACE")
  void namespaceLimit() {
    nvs = new NvsFlash(dir, Map.of("nvs", 16 * 4096));
    nvs.init();
    NvsHandle[] h = new NvsHandle[1];
    for (int i = 1; i <= 254; i++) {
      assertThat(nvs.open("ns" + i, NvsOpenMode.READWRITE, h)).isEqualTo(ESP_OK);
    }
    assertThat(nvs.open("ns255", NvsOpenMode.READWRITE, h)).isEqualTo(ESP_ERR_NVS_NOT_ENOUGH_SPACE);
    NvsStats[] stats = new NvsStats[1];
    nvs.getStats("nvs", stats);
    assertThat(stats[0].namespaceCount()).isEqualTo(254);
  }

  @Test
  @DisplayName("iterators: by namespace and type, next until NOT_FOUND (iterator null), info")
  void iterators() {
    nvs.init();
    NvsHandle a = open("a", NvsOpenMode.READWRITE);
    NvsHandle b = open("b", NvsOpenMode.READWRITE);
    a.setI32("one", 1);
    a.setStr("two", "2");
    b.setI32("three", 3);
    assertThat(infos(nvs, null, NvsType.ANY))
        .containsExactly(
            new NvsEntryInfo("a", "one", NvsType.I32),
            new NvsEntryInfo("a", "two", NvsType.STR),
            new NvsEntryInfo("b", "three", NvsType.I32));
    assertThat(infos(nvs, "a", NvsType.I32))
        .containsExactly(new NvsEntryInfo("a", "one", NvsType.I32));
    NvsIterator[] it = new NvsIterator[1];
    assertThat(nvs.entryFind("nvs", "a", NvsType.BLOB, it)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    assertThat(it[0]).isNull();
    assertThat(NvsFlash.entryFindInHandle(b, NvsType.ANY, it)).isEqualTo(ESP_OK);
    NvsEntryInfo[] info = new NvsEntryInfo[1];
    NvsFlash.entryInfo(it[0], info);
    assertThat(info[0].key()).isEqualTo("three");
    assertThat(NvsFlash.entryNext(it)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    assertThat(it[0]).isNull();
  }

  private static List<NvsEntryInfo> infos(NvsFlash nvs, String ns, NvsType type) {
    List<NvsEntryInfo> out = new ArrayList<>();
    NvsIterator[] it = new NvsIterator[1];
    int err = nvs.entryFind("nvs", ns, type, it);
    NvsEntryInfo[] info = new NvsEntryInfo[1];
    while (err == ESP_OK) {
      NvsFlash.entryInfo(it[0], info);
      out.add(info[0]);
      err = NvsFlash.entryNext(it);
    }
    NvsFlash.releaseIterator(it[0]);
    return out;
  }

  @Test
  @DisplayName("values survive a new NvsFlash on the same directory (a restart)")
  void survivesRestart() {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    h.setI32("restart_counter", 41);
    h.setBlob("b", new byte[] {1, 2, 3});
    h.eraseKey("b");
    h.setStr("name", "device_1");
    NvsFlash after = new NvsFlash(dir);
    assertThat(after.init()).isEqualTo(ESP_OK);
    NvsHandle[] r = new NvsHandle[1];
    after.open("storage", NvsOpenMode.READWRITE, r);
    int[] v = new int[1];
    assertThat(r[0].getI32("restart_counter", v)).isEqualTo(ESP_OK);
    assertThat(v[0]).isEqualTo(41);
    assertThat(r[0].findKey("b", null)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    String[] s = new String[1];
    r[0].getStr("name", s);
    assertThat(s[0]).isEqualTo("device_1");
    NvsStats[] before = new NvsStats[1];
    NvsStats[] now = new NvsStats[1];
    nvs.getStats(null, before);
    after.getStats(null, now);
    assertThat(now[0]).isEqualTo(before[0]);
  }

  @Test
  @DisplayName(
      "a damaged file: NO_FREE_PAGES; a newer one: NEW_VERSION_FOUND; erase then init works")
  void corruptFiles() throws Exception {
    nvs.init();
    open("storage", NvsOpenMode.READWRITE).setI32("a", 1);
    open("storage", NvsOpenMode.READWRITE).setI32("b", 2);
    nvs.deinit();
    Path file = nvs.fileOf("nvs");
    byte[] bytes = Files.readAllBytes(file);
    bytes[30] ^= 0x55; // inside the first record, with more after it
    Files.write(file, bytes);
    assertThat(name(new NvsFlash(dir).init())).isEqualTo("ESP_ERR_NVS_NO_FREE_PAGES");

    Files.write(file, "not nvs at all, just text".getBytes(StandardCharsets.US_ASCII));
    NvsFlash flash = new NvsFlash(dir);
    assertThat(flash.init()).isEqualTo(ESP_ERR_NVS_NO_FREE_PAGES);
    assertThat(flash.erase()).isEqualTo(ESP_OK);
    assertThat(flash.init()).isEqualTo(ESP_OK);
    flash.deinit();

    byte[] header = Files.readAllBytes(file);
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 99);
    Files.write(file, header);
    assertThat(name(new NvsFlash(dir).init())).isEqualTo("ESP_ERR_NVS_NEW_VERSION_FOUND");
  }

  @Test
  @DisplayName("a torn last record (a write cut short) is dropped; the pairs before it are kept")
  void tornTail() throws Exception {
    nvs.init();
    NvsHandle h = open("storage", NvsOpenMode.READWRITE);
    h.setI32("kept", 1);
    h.setI32("torn", 2);
    nvs.deinit();
    Path file = nvs.fileOf("nvs");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    NvsFlash after = new NvsFlash(dir);
    assertThat(after.init()).isEqualTo(ESP_OK);
    NvsHandle[] r = new NvsHandle[1];
    after.open("storage", NvsOpenMode.READWRITE, r);
    int[] v = new int[1];
    assertThat(r[0].getI32("kept", v)).isEqualTo(ESP_OK);
    assertThat(r[0].getI32("torn", v)).isEqualTo(ESP_ERR_NVS_NOT_FOUND);
    // the file goes on from the last good record
    assertThat(r[0].setI32("after", 3)).isEqualTo(ESP_OK);
    after.deinit();
    NvsFlash third = new NvsFlash(dir);
    assertThat(third.init()).isEqualTo(ESP_OK);
    third.open("storage", NvsOpenMode.READONLY, r);
    assertThat(r[0].getI32("after", v)).isEqualTo(ESP_OK);
  }
}
