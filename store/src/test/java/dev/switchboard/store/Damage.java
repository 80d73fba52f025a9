package dev.switchboard.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Ways to damage a (closed) SQLite file the way disks, crashes and people do. */
final class Damage {
  private Damage() {}

  static void truncate(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  /** Overwrites {@code length} bytes at {@code offset} with random bytes. */
  static void garbage(Path file, long offset, int length) throws IOException {
    byte[] junk = new byte[length];
    new Random(offset).nextBytes(junk);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(junk);
    }
  }

  static int pageSize(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet r = c.createStatement().executeQuery("PRAGMA page_size")) {
      r.next();
      return r.getInt(1);
    }
  }

  /** The page numbers (1-based) of a table's b-tree pages of one type: leaf, internal. */
  static List<Integer> pages(Path file, String table, String type) throws SQLException {
    List<Integer> pages = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno")) {
      p.setString(1, table);
      p.setString(2, type);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          pages.add(r.getInt(1));
        }
      }
    }
    return pages;
  }

  /** Rows of {@code table} whose record is on leaf page {@code page}. */
  static int rowsOnPage(Path file, String table, int page) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement p =
            c.prepareStatement("SELECT ncell FROM dbstat WHERE name = ? AND pageno = ?")) {
      p.setString(1, table);
      p.setInt(2, page);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  /** Fills page {@code page} (1-based) with random bytes. */
  static void garbagePage(Path file, int page) throws IOException, SQLException {
    int size = pageSize(file);
    garbage(file, (long) (page - 1) * size, size);
  }
}
