package dev.switchboard.http.api;

import java.util.List;

/**
 * One page of a list: its items, and the cursor of the next page (null on the last).
 *
 * @param items the page's items, in the list's order
 * @param nextCursor what to pass as {@code cursor} for the next page; null when there is none
 */
public record Page<T>(List<T> items, String nextCursor) {

  /**
   * The page of {@code fetched}, which holds up to {@code limit + 1} items: one more than the page
   * says whether there is a next page, whose cursor continues after the page's last item's key.
   */
  public static <T> Page<T> of(
      List<T> fetched, int limit, java.util.function.Function<T, String> key) {
    if (fetched.size() <= limit) {
      return new Page<>(List.copyOf(fetched), null);
    }
    List<T> items = List.copyOf(fetched.subList(0, limit));
    return new Page<>(items, Cursor.after(key.apply(items.get(limit - 1))));
  }
}
