package dev.switchboard.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link StoreTool#repair} did.
 *
 * @param store what and where the store is
 * @param damaged whether it was damaged (a SQLite file failing its integrity check)
 * @param damagedCopy where the damaged file was moved, or null when nothing was moved
 * @param tables for a damaged file, the rows copied into the new one per table
 * @param orphansDeleted per table, rows deleted because no session owned them
 * @param notes anything else worth saying
 */
public record RepairReport(
    String store,
    boolean damaged,
    Path damagedCopy,
    List<TableRepair> tables,
    Map<String, Long> orphansDeleted,
    List<String> notes) {

  /**
   * @param saved rows copied into the new store
   * @param lost rows known to have been there and not copied, or -1 when how many is unknown
   */
  public record TableRepair(String table, long saved, long lost) {}

  public RepairReport {
    tables = List.copyOf(tables);
    orphansDeleted = Collections.unmodifiableMap(new LinkedHashMap<>(orphansDeleted));
    notes = List.copyOf(notes);
  }

  /** Whether rows were, or may have been, lost. */
  public boolean lostRows() {
    return tables.stream().anyMatch(t -> t.lost() != 0);
  }

  public List<String> lines() {
    List<String> out = new ArrayList<>();
    if (!damaged) {
      out.add(store + ": no damage found");
    } else {
      out.add(store + ": damaged; rebuilt from what could be read");
      out.add("  damaged file kept as " + damagedCopy);
      for (TableRepair t : tables) {
        out.add(
            "  "
                + t.table()
                + ": "
                + t.saved()
                + " rows saved, "
                + (t.lost() < 0 ? "an unknown number" : Long.toString(t.lost()))
                + " lost");
      }
    }
    long orphans = orphansDeleted.values().stream().mapToLong(Long::longValue).sum();
    if (orphans > 0) {
      StringBuilder b = new StringBuilder("  deleted rows no session owns:");
      orphansDeleted.forEach(
          (table, n) -> {
            if (n > 0) {
              b.append(' ').append(table).append('=').append(n);
            }
          });
      out.add(b.toString());
    }
    for (String n : notes) {
      out.add("  note: " + n);
    }
    return out;
  }
}
