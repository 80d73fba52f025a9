package dev.switchboard.http.broker;

import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.Page;
import dev.switchboard.http.api.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Paging through a list of live state (clients, sessions, retained messages), taken afresh for each
 * page: the items are ordered by a number, then a name, and the cursor holds the last item's pair,
 * so that the next page starts after it even when items came or went between the pages.
 */
final class KeyedPage {
  private KeyedPage() {}

  /** An item with its place in the order: {@code rank} ascending, then {@code name}. */
  record Keyed<T>(long rank, String name, T item) {}

  private static final Comparator<Keyed<?>> ORDER =
      Comparator.<Keyed<?>>comparingLong(Keyed::rank).thenComparing(Keyed::name);

  /**
   * The page of {@code items} after the request's cursor ({@code cursorKey}, null for the first),
   * of up to {@code limit} items, mapped to what the API shows.
   */
  static <T, V> Page<V> of(List<Keyed<T>> items, String cursorKey, int limit, Function<T, V> view) {
    List<Keyed<T>> sorted = new ArrayList<>(items);
    sorted.sort(ORDER);
    int from = 0;
    if (cursorKey != null) {
      Keyed<Object> after = parse(cursorKey);
      while (from < sorted.size() && ORDER.compare(sorted.get(from), after) <= 0) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + limit);
    List<V> page = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      page.add(view.apply(sorted.get(i).item()));
    }
    String next = null;
    if (to < sorted.size() && to > from) {
      Keyed<T> last = sorted.get(to - 1);
      next = Cursor.after(last.rank() + ":" + last.name());
    }
    return new Page<>(page, next);
  }

  private static Keyed<Object> parse(String key) {
    int colon = key.indexOf(':');
    try {
      if (colon > 0) {
        return new Keyed<>(Long.parseLong(key.substring(0, colon)), key.substring(colon + 1), null);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new Problem(400, "bad-cursor", "cursor", "not a cursor of this list");
  }
}
