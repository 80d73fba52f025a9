package dev.switchboard.store;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.postgresql.util.PSQLException;
import org.sqlite.SQLiteException;

/**
 * Turns driver exceptions into {@link StoreException}s whose kind the broker can act on and whose
 * message is one line naming the store (never a password) that a user can act on.
 */
final class Failures {
  // SQLite's primary result codes (the low byte of an extended code).
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_NOTADB = 26;

  private Failures() {}

  static String damaged(Schema schema, String where, String detail) {
    return schema.noun() + " " + where + " is damaged (" + detail + "); " + schema.damagedAdvice();
  }

  static StoreException sqlite(Schema schema, Path file, String doing, SQLException e) {
    String where = schema.noun() + " " + file;
    String detail = sqliteDetail(e);
    int code = sqliteCode(e);
    return switch (code) {
      case SQLITE_FULL ->
          new StoreException(
              Kind.FULL, where + " is full (" + detail + "); free some disk space", e);
      case SQLITE_READONLY -> readOnly(where, detail, e);
      case SQLITE_CANTOPEN ->
          onReadOnlyLocation(file)
              ? readOnly(where, detail, e)
              : new StoreException(Kind.OTHER, where + " cannot be opened (" + detail + ")", e);
      case SQLITE_CORRUPT, SQLITE_NOTADB ->
          new StoreException(Kind.CORRUPT, damaged(schema, file.toString(), detail), e);
      case SQLITE_BUSY, SQLITE_LOCKED ->
          new StoreException(
              Kind.UNAVAILABLE,
              where + " is in use by another process (" + detail + "); stop it first",
              e);
      // A write refused by the file system (EROFS, EPERM) comes back as an I/O error.
      case SQLITE_IOERR ->
          onReadOnlyLocation(file)
              ? readOnly(where, detail, e)
              : new StoreException(
                  Kind.OTHER,
                  where + ": " + doing + " failed with an I/O error (" + detail + ")",
                  e);
      default ->
          new StoreException(Kind.OTHER, where + ": " + doing + " failed (" + detail + ")", e);
    };
  }

  private static StoreException readOnly(String where, String detail, SQLException e) {
    return new StoreException(
        Kind.READ_ONLY,
        where
            + " cannot be written ("
            + detail
            + "); make the file and its directory writable (and not on a read-only file system)",
        e);
  }

  /**
   * Whether SQLite cannot write where it needs to: the file system is read-only, or the directory
   * (where the -wal file goes), the file or its -wal file is not writable (for root too: an
   * immutable file, {@code chattr +i}).
   */
  static boolean onReadOnlyLocation(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (Files.getFileStore(dir).isReadOnly() || !Files.isWritable(dir)) {
        return true;
      }
      Path wal = file.resolveSibling(file.getFileName() + "-wal");
      return (Files.exists(file) && !Files.isWritable(file))
          || (Files.exists(wal) && !Files.isWritable(wal));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  static int sqliteCode(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException se) {
        return se.getResultCode().code & 0xff;
      }
    }
    return e.getErrorCode() & 0xff;
  }

  /**
   * sqlite-jdbc says {@code [SQLITE_FULL] Insertion failed because database is full (database or
   * disk is full)}; the part in parentheses is SQLite's own message, the one people search for.
   */
  static String sqliteDetail(SQLException e) {
    String m = oneLine(e.getMessage());
    if (m.endsWith(")")) {
      int depth = 0;
      for (int i = m.length() - 1; i >= 0; i--) {
        char c = m.charAt(i);
        if (c == ')') {
          depth++;
        } else if (c == '(' && --depth == 0) {
          return m.substring(i + 1, m.length() - 1);
        }
      }
    }
    return m;
  }

  static StoreException postgres(
      Schema schema, String where, String user, String doing, SQLException e) {
    String store = schema.noun() + " " + where;
    String state = sqlState(e);
    String detail = postgresDetail(e);
    if (state == null) {
      return unreachable(e)
          ? new StoreException(Kind.UNAVAILABLE, store + " cannot be reached (" + detail + ")", e)
          : new StoreException(Kind.OTHER, store + ": " + doing + " failed (" + detail + ")", e);
    }
    if (state.equals("53100")) {
      return new StoreException(
          Kind.FULL,
          store + " is full (" + detail + "); free disk space on the database server",
          e);
    }
    if (state.startsWith("08") || state.startsWith("57P") || unreachable(e)) {
      return new StoreException(Kind.UNAVAILABLE, store + " cannot be reached (" + detail + ")", e);
    }
    if (state.startsWith("28")) {
      return new StoreException(
          Kind.UNAVAILABLE,
          store
              + " refused "
              + (user == null ? "the login" : "user '" + user + "'")
              + " ("
              + detail
              + "); check the user and password",
          e);
    }
    if (state.equals("3D000")) {
      return new StoreException(Kind.UNAVAILABLE, store + ": " + detail, e);
    }
    if (state.equals("25006")) {
      return new StoreException(Kind.READ_ONLY, store + " cannot be written (" + detail + ")", e);
    }
    if (state.equals("42501")) {
      return new StoreException(
          Kind.READ_ONLY,
          store + ": user '" + user + "' may not do this (" + detail + "); grant it the rights",
          e);
    }
    if (state.equals("XX001") || state.equals("XX002")) {
      return new StoreException(Kind.CORRUPT, damaged(schema, where, detail), e);
    }
    return new StoreException(Kind.OTHER, store + ": " + doing + " failed (" + detail + ")", e);
  }

  private static String sqlState(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
    }
    return null;
  }

  private static boolean unreachable(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The server's message when there is one (the driver's adds hints and positions). */
  private static String postgresDetail(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p) {
        if (p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null) {
          return oneLine(p.getServerErrorMessage().getMessage());
        }
        return oneLine(p.getMessage());
      }
    }
    return oneLine(e.getMessage());
  }

  static String oneLine(String s) {
    if (s == null) {
      return "no details";
    }
    int nl = s.indexOf('\n');
    String first = nl >= 0 ? s.substring(0, nl) : s;
    return first.strip();
  }
}
