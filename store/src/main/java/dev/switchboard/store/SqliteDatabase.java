package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * One SQLite file, one connection. Every call takes the lock, so the broker's single writer, its
 * start-up load and later repositories never interleave on the connection.
 *
 * <p>Settings, and why: WAL so a commit is one append and one fsync; {@code synchronous=FULL} so
 * the fsync happens at every commit (what the broker's strict durability promises); incremental
 * auto-vacuum so {@link #compact()} can give space back without rewriting the file; exclusive
 * locking of the state file so a second broker (or {@code switchboard store repair}) on the same
 * file is refused instead of interleaving its writes. A {@link Schema#shared() shared} file (the
 * registry, which {@code switchboard devices} edits while the broker runs) is locked normally
 * instead, and a process that finds it busy waits for the other's transaction rather than failing.
 */
final class SqliteDatabase implements Database {
  static final int BUSY_TIMEOUT_MILLIS = 1000;

  /**
   * How long a shared file's user waits for another process's transaction: registry transactions
   * are short, so anything longer is a stuck process.
   */
  static final int SHARED_BUSY_TIMEOUT_MILLIS = 5000;

  /** Page cache, in KiB as SQLite takes it (negative: a size, not a page count). */
  private static final int CACHE_KIB = -32 * 1024;

  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_SIZE = 100;

  private final Schema schema;
  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  private SqliteDatabase(Schema schema, Path file, Connection connection) {
    this.schema = schema;
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (creating it and its directory if absent) and checks {@code file}, which holds {@code
   * schema}. Never writes to a file that fails its checks: a damaged store is refused, not
   * replaced.
   */
  static SqliteDatabase open(Path file, Schema schema) {
    createDirectory(schema, file);
    checkHeader(schema, file);
    if (Failures.onReadOnlyLocation(file)) {
      throw new StoreException(
          Kind.READ_ONLY,
          schema.noun()
              + " "
              + file
              + " cannot be written: the file or its directory is read-only (or on a read-only"
              + " file system)");
    }
    boolean existing = sizeOf(file) > 0;
    if (existing) {
      List<String> problems = quickCheck(schema, file);
      if (!problems.isEmpty()) {
        throw new StoreException(
            Kind.CORRUPT, Failures.damaged(schema, file.toString(), problems.get(0)));
      }
    }
    Connection c;
    try {
      c = connect(file, false, busyTimeoutMillis(schema));
    } catch (SQLException e) {
      throw Failures.sqlite(schema, file, "opening", e);
    }
    try {
      try (Statement s = c.createStatement()) {
        if (!schema.shared()) {
          // main only: a file attached later (stashes.db) keeps normal locking, so that other
          // processes can use it; without a schema name the mode would apply to it as well
          s.execute("PRAGMA main.locking_mode=EXCLUSIVE");
        }
        // Off by default in SQLite, for compatibility; the registry's cascades need it.
        s.execute("PRAGMA foreign_keys=ON");
        if (!existing) {
          // Takes effect only before the first table; on an existing file it would be a write.
          s.execute("PRAGMA auto_vacuum=INCREMENTAL");
        }
        String mode = single(s, "PRAGMA journal_mode=WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new StoreException(
              Kind.OTHER,
              schema.noun()
                  + " "
                  + file
                  + " cannot use write-ahead logging (journal mode stays "
                  + mode
                  + ")");
        }
        s.execute("PRAGMA synchronous=FULL");
        // SQLite's default 2 MB cache thrashes once a queue outgrows it: inserts into the message
        // index then read pages back from disk. 32 MB roughly doubles write throughput there.
        s.execute("PRAGMA cache_size=" + CACHE_KIB);
      }
      return new SqliteDatabase(schema, file, c);
    } catch (SQLException e) {
      closeQuietly(c);
      throw Failures.sqlite(schema, file, "opening", e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  static long sizeOf(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static int busyTimeoutMillis(Schema schema) {
    return schema.shared() ? SHARED_BUSY_TIMEOUT_MILLIS : BUSY_TIMEOUT_MILLIS;
  }

  /**
   * SQLite's quick check, on a read-only connection: a read-write one would, when closed, fold the
   * -wal file into the very file found damaged.
   */
  static List<String> quickCheck(Schema schema, Path file) {
    return readOnly(
        schema,
        file,
        c -> {
          try (Statement s = c.createStatement()) {
            return check(s, "PRAGMA quick_check(10)");
          }
        });
  }

  /**
   * Runs {@code work} on a read-only connection to {@code file}, which changes nothing in the file
   * or its -wal. The -shm (and empty -wal) file such a connection needs is removed again when it
   * was not there before, unless the file is {@link Schema#shared() shared}: another process may
   * have opened it meanwhile and be using them. A file held by a running broker is refused ({@link
   * Kind#UNAVAILABLE}); other failures are {@link StoreException}s of their kind.
   */
  static <T> T readOnly(Schema schema, Path file, SqlWork<T> work) {
    Path shm = file.resolveSibling(file.getFileName() + "-shm");
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    boolean hadShm = Files.exists(shm);
    boolean hadWal = Files.exists(wal);
    try (Connection c = connect(file, true, busyTimeoutMillis(schema))) {
      return work.run(c);
    } catch (SQLException e) {
      throw Failures.sqlite(schema, file, "reading", e);
    } finally {
      if (!schema.shared()) {
        try {
          if (!hadShm) {
            Files.deleteIfExists(shm);
          }
          if (!hadWal && sizeOf(wal) == 0) {
            Files.deleteIfExists(wal);
          }
        } catch (IOException ignored) {
          // Left behind: SQLite reuses or recreates them.
        }
      }
    }
  }

  /**
   * A connection with none of the store's settings; {@code readOnly} ones are for looking at a
   * store without changing it (check, the damaged copy repair reads from).
   */
  static Connection connect(Path file, boolean readOnly) throws SQLException {
    return connect(file, readOnly, BUSY_TIMEOUT_MILLIS);
  }

  private static Connection connect(Path file, boolean readOnly, int busyTimeoutMillis)
      throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(busyTimeoutMillis);
    if (readOnly) {
      config.setReadOnly(true);
      config.setOpenMode(SQLiteOpenMode.READONLY);
    }
    return config.createConnection("jdbc:sqlite:" + file);
  }

  private static void createDirectory(Schema schema, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    String where = schema.noun() + " " + file;
    try {
      Files.createDirectories(dir);
    } catch (AccessDeniedException e) {
      throw new StoreException(
          Kind.READ_ONLY, where + ": directory " + dir + " cannot be created", e);
    } catch (FileSystemException e) {
      Kind kind = Failures.onReadOnlyLocation(dir) ? Kind.READ_ONLY : Kind.OTHER;
      throw new StoreException(
          kind, where + ": directory " + dir + " cannot be created (" + e.getReason() + ")", e);
    } catch (IOException e) {
      throw new StoreException(
          Kind.OTHER, where + ": directory " + dir + " cannot be created (" + e + ")", e);
    }
  }

  /**
   * Refuses what SQLite would take for an empty database and overwrite: a file too short to hold a
   * header, or one that is not whole pages. (A 0-byte file is a new, empty database.) Anything else
   * that is not SQLite is refused on its magic string.
   */
  static void checkHeader(Schema schema, Path file) {
    String problem = headerProblem(file);
    if (problem != null) {
      throw new StoreException(Kind.CORRUPT, Failures.damaged(schema, file.toString(), problem));
    }
  }

  /** What is wrong with the file's header, or null if nothing is (or there is no file). */
  static String headerProblem(Path file) {
    if (Files.isDirectory(file)) {
      return "it is a directory, not a database";
    }
    if (!Files.isRegularFile(file)) {
      return null;
    }
    byte[] header;
    long size;
    try (InputStream in = Files.newInputStream(file)) {
      size = Files.size(file);
      header = in.readNBytes(HEADER_SIZE);
    } catch (IOException e) {
      return "it cannot be read: " + e.getMessage();
    }
    if (size == 0) {
      return null;
    }
    if (header.length < MAGIC.length
        || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
      return "file is not a database";
    }
    if (header.length < HEADER_SIZE) {
      return "truncated to " + size + " bytes";
    }
    int pageSize = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
    if (pageSize == 1) {
      pageSize = 65536;
    }
    if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
      return "its header is damaged (page size " + pageSize + ")";
    }
    if (size % pageSize != 0) {
      return "truncated: " + size + " bytes is not a whole number of " + pageSize + "-byte pages";
    }
    return null;
  }

  /** The rows of an integrity check that are not "ok". */
  static List<String> check(Statement s, String pragma) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (ResultSet r = s.executeQuery(pragma)) {
      while (r.next()) {
        String line = r.getString(1);
        if (!"ok".equals(line)) {
          problems.add(Failures.oneLine(line));
        }
      }
    }
    return problems;
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  @Override
  public Dialect dialect() {
    return Dialect.SQLITE;
  }

  @Override
  public String describe() {
    return "sqlite " + file;
  }

  /**
   * Attaches another SQLite file of a {@link Schema#shared() shared} schema to this connection as
   * {@code alias}, in normal locking mode with WAL and full synchronisation: its tables are then
   * written in this file's transactions (each file's commit is atomic and fsynced; a transaction
   * over both is committed only when both are) while other processes may still read and write it.
   * Waits as long as a shared file's users do for another process's transaction.
   */
  void attach(Path other, String alias) {
    lock.lock();
    try (Statement s = connection.createStatement()) {
      ensureOpen();
      try (PreparedStatement p = connection.prepareStatement("ATTACH DATABASE ? AS " + alias)) {
        p.setString(1, other.toString());
        p.execute();
      }
      s.execute("PRAGMA " + alias + ".locking_mode=NORMAL");
      String mode = single(s, "PRAGMA " + alias + ".journal_mode=WAL");
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new StoreException(
            Kind.OTHER,
            other + " cannot use write-ahead logging (journal mode stays " + mode + ")");
      }
      s.execute("PRAGMA " + alias + ".synchronous=FULL");
      s.execute("PRAGMA busy_timeout=" + SHARED_BUSY_TIMEOUT_MILLIS);
    } catch (SQLException e) {
      throw Failures.sqlite(Schema.STASHES, other, "attaching", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public <T> T write(String doing, SqlWork<T> work) {
    return transaction("BEGIN IMMEDIATE", doing, work);
  }

  @Override
  public <T> T read(String doing, SqlWork<T> work) {
    return transaction("BEGIN", doing, work);
  }

  private <T> T transaction(String begin, String doing, SqlWork<T> work) {
    lock.lock();
    try {
      ensureOpen();
      try (Statement s = connection.createStatement()) {
        s.execute(begin);
      } catch (SQLException e) {
        throw Failures.sqlite(schema, file, doing, e);
      }
      try {
        T result = work.run(connection);
        try (Statement s = connection.createStatement()) {
          s.execute("COMMIT");
        }
        return result;
      } catch (SQLException e) {
        rollback();
        throw Failures.sqlite(schema, file, doing, e);
      } catch (RuntimeException | Error e) {
        rollback();
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  /** SQLite has already rolled back after some errors (a full disk, say); that is fine. */
  private void rollback() {
    try (Statement s = connection.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // No transaction left to roll back, or no connection: nothing was committed either way.
    }
  }

  @Override
  public void compact() {
    lock.lock();
    try {
      ensureOpen();
      try (Statement s = connection.createStatement()) {
        // Frees one page per step; the driver's execute() steps once, executeUpdate() to the end.
        s.executeUpdate("PRAGMA incremental_vacuum");
        try (ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          while (r.next()) {
            // one row: busy, log pages, checkpointed pages
          }
        }
      } catch (SQLException e) {
        throw Failures.sqlite(schema, file, "compacting", e);
      }
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreException(Kind.OTHER, schema.noun() + " " + file + " is closed");
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(connection);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing: nothing is left to protect.
    }
  }
}
