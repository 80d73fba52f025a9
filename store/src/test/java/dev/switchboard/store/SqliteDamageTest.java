package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged, read-only or full SQLite store: refused at open with one line that says what to do,
 * never replaced by an empty one; failures at apply roll back and say what happened.
 */
class SqliteDamageTest {
  private static final String ADVICE =
      "); check it with 'switchboard store check', repair it with 'switchboard store repair'";

  @TempDir Path dir;
  Path file;

  @BeforeEach
  void setUp() {
    file = dir.resolve("switchboard.db");
  }

  /** A closed store with a few thousand rows in many pages. */
  private void storeWithData() {
    try (SqlStore s = Stores.open(StoreConfig.sqlite(file))) {
      s.apply(Fixtures.putMessages(3000, 20, 1));
      List<Change> sessions = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        sessions.add(new Change.PutSession(Fixtures.sessionWithWill("client-" + i)));
        sessions.add(new Change.PutSubscription(Fixtures.subscription("client-" + i, "sensors/#")));
      }
      s.apply(sessions);
    }
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertOpenRefused(Kind kind) {
    return assertThatThrownBy(() -> Stores.open(StoreConfig.sqlite(file)).close())
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", kind)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private void assertRefusedAsDamagedAndUntouched() throws Exception {
    byte[] before = Files.readAllBytes(file);
    assertOpenRefused(Kind.CORRUPT)
        .hasMessageStartingWith("store " + file + " is damaged (")
        .hasMessageEndingWith(ADVICE);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(dir.resolve("switchboard.db-wal")).doesNotExist();
  }

  @Test
  void truncatedToHalfIsRefused() throws Exception {
    storeWithData();
    Damage.truncate(file, Files.size(file) / 2 + 100);

    assertRefusedAsDamagedAndUntouched();
  }

  @Test
  void truncatedAtAPageBoundaryIsRefused() throws Exception {
    storeWithData();
    int page = Damage.pageSize(file);
    Damage.truncate(file, (Files.size(file) / 2 / page) * page);

    assertRefusedAsDamagedAndUntouched();
  }

  @Test
  void shorterThanAHeaderIsRefused() throws Exception {
    storeWithData();
    Damage.truncate(file, 60);

    assertRefusedAsDamagedAndUntouched();
  }

  @Test
  void aPageOfGarbageInTheMiddleIsRefused() throws Exception {
    storeWithData();
    int page = Damage.pageSize(file);
    long pages = Files.size(file) / page;
    Damage.garbage(file, (pages / 2) * page, page);

    assertRefusedAsDamagedAndUntouched();
  }

  @Test
  void aDamagedIndexPageIsRefused() throws Exception {
    storeWithData();
    List<Integer> index = Damage.pages(file, "sqlite_autoindex_messages_1", "leaf");
    Damage.garbagePage(file, index.get(index.size() / 2));

    assertRefusedAsDamagedAndUntouched();
  }

  @Test
  void aTextFileIsRefused() throws Exception {
    Files.writeString(file, "this is not a database\n".repeat(1000));

    assertRefusedAsDamagedAndUntouched();
    assertOpenRefused(Kind.CORRUPT).hasMessageContaining("(file is not a database)");
  }

  @Test
  void aDirectoryWhereTheFileShouldBeIsRefused() throws Exception {
    Files.createDirectories(file);

    assertOpenRefused(Kind.CORRUPT).hasMessageContaining(file.toString());
  }

  @Test
  void aReadOnlyFileSystemIsReportedAtOpen() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("mnt"));
    try (FileSystems.Tmpfs fs = FileSystems.mountTmpfs(mount, "4m")) {
      Path existing = mount.resolve("switchboard.db");
      try (SqlStore s = Stores.open(StoreConfig.sqlite(existing))) {
        s.apply(List.of(Fixtures.put("a", 1)));
      }
      fs.remount(true);

      for (Path p : List.of(existing, mount.resolve("new.db"), mount.resolve("sub/new.db"))) {
        assertThatThrownBy(() -> Stores.open(StoreConfig.sqlite(p)).close())
            .isInstanceOf(StoreException.class)
            .hasFieldOrPropertyWithValue("kind", Kind.READ_ONLY)
            .hasMessageContaining(p.toString())
            .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("read-only"));
      }
      fs.remount(false);
      try (SqlStore s = Stores.open(StoreConfig.sqlite(existing))) {
        assertThat(s.load().messages()).hasSize(1);
      }
    }
  }

  @Test
  void anImmutableFileIsReportedAtOpenAndAtApply() throws Exception {
    SqlStore s = Stores.open(StoreConfig.sqlite(file));
    Path wal = dir.resolve("switchboard.db-wal");
    try {
      s.apply(List.of(Fixtures.put("a", 1)));
      FileSystems.immutable(file, true);
      FileSystems.immutable(wal, true);

      assertThatThrownBy(() -> s.apply(List.of(Fixtures.put("a", 2))))
          .isInstanceOf(StoreException.class)
          .hasFieldOrPropertyWithValue("kind", Kind.READ_ONLY)
          .hasMessageStartingWith("store " + file + " cannot be written");
      s.close();
      assertOpenRefused(Kind.READ_ONLY).hasMessageContaining(file.toString());
    } finally {
      FileSystems.immutable(file, false);
      FileSystems.immutable(wal, false);
      s.close();
    }
    try (SqlStore again = Stores.open(StoreConfig.sqlite(file))) {
      assertThat(again.load().messages()).extracting(m -> m.seq()).containsExactly(1L);
    }
  }

  @Test
  void aWriteSqliteRefusesAsReadOnlyIsReportedAsReadOnly() throws Exception {
    Stores.open(StoreConfig.sqlite(file)).close();
    try (Connection c = SqliteDatabase.connect(file, true)) {
      SQLException refused =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              SQLException.class, () -> c.createStatement().execute("DELETE FROM messages"));

      StoreException e = Failures.sqlite(Schema.STATE, file, "applying changes", refused);
      assertThat(e.kind()).isEqualTo(Kind.READ_ONLY);
      assertThat(e.getMessage())
          .startsWith(
              "store " + file + " cannot be written (attempt to write a readonly database)");
    }
  }

  @Test
  void aFullDatabaseRollsBackAndRecoversWhenThereIsRoomAgain() {
    try (SqlStore s = Stores.open(StoreConfig.sqlite(file))) {
      s.apply(
          List.of(new Change.PutSession(Fixtures.session("before")), Fixtures.put("before", 1)));
      StoredState before = s.load();
      // SQLite's own limit on the file's pages: the same SQLITE_FULL a full disk gives.
      long pages = Long.parseLong(pragma(s, "page_count"));
      setMaxPageCount(s, pages + 20);
      List<Change> big = bigBatch("full", 64);

      assertThatThrownBy(() -> s.apply(big))
          .isInstanceOf(StoreException.class)
          .hasFieldOrPropertyWithValue("kind", Kind.FULL)
          .hasMessageStartingWith("store " + file + " is full (database or disk is full)");
      assertThat(s.load()).usingRecursiveComparison().isEqualTo(before);

      setMaxPageCount(s, 1_000_000);
      s.apply(big);
      assertThat(s.load().retained()).hasSize(64);
    }
    try (SqlStore s = Stores.open(StoreConfig.sqlite(file))) {
      assertThat(s.load().sessions()).hasSize(1);
      assertThat(s.load().retained()).hasSize(64);
    }
  }

  @Test
  void aFullDiskRollsBackAndRecoversWhenSpaceIsFreed() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("mnt"));
    try (FileSystems.Tmpfs fs = FileSystems.mountTmpfs(mount, "4m")) {
      Path onTmpfs = mount.resolve("switchboard.db");
      Path ballast = mount.resolve("ballast");
      Files.write(ballast, new byte[1024 * 1024]);
      List<Change> failed = null;
      try (SqlStore s = Stores.open(StoreConfig.sqlite(onTmpfs))) {
        s.apply(
            List.of(new Change.PutSession(Fixtures.session("before")), Fixtures.put("before", 1)));
        StoreException full = null;
        int committed = 0;
        for (int round = 0; round < 40 && full == null; round++) {
          List<Change> batch = bigBatch("round-" + round + "/", 16);
          try {
            s.apply(batch);
            committed += 16;
          } catch (StoreException e) {
            full = e;
            failed = batch;
          }
        }
        assertThat(full).as("a 4 MB file system fills up").isNotNull();
        assertThat(full.kind()).isEqualTo(Kind.FULL);
        assertThat(full.getMessage()).startsWith("store " + onTmpfs + " is full");
        assertThat(s.load().retained()).hasSize(committed);

        Files.delete(ballast);
        s.apply(failed);
        assertThat(s.load().retained()).hasSize(committed + 16);
        committed += 16;

        final int expected = committed;
        s.close();
        // Closing folds the log into the file, which needs room for a second copy: give it some.
        fs.resize("32m");
        try (SqlStore again = Stores.open(StoreConfig.sqlite(onTmpfs))) {
          StoredState state = again.load();
          assertThat(state.sessions()).hasSize(1);
          assertThat(state.messages()).hasSize(1);
          assertThat(state.retained()).hasSize(expected);
        }
      }
    }
  }

  private static List<Change> bigBatch(String prefix, int count) {
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      changes.add(
          new Change.PutRetained(
              new StoredMessage(prefix + i, new byte[16 * 1024], 0, true, null, null, 0)));
    }
    return changes;
  }

  private static void setMaxPageCount(SqlStore s, long pages) {
    s.inTransaction(c -> c.createStatement().execute("PRAGMA max_page_count = " + pages));
  }

  private static String pragma(SqlStore s, String name) {
    return s.inTransaction(
        c -> {
          var r = c.createStatement().executeQuery("PRAGMA " + name);
          r.next();
          return r.getString(1);
        });
  }
}
