package dev.switchboard.http.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Paging through a list: an opaque cursor (the key of the last item sent, base64url with a version
 * tag, so that callers do not build their own) and a limit. Deep pages cost what the first one
 * does: the store seeks to the key instead of skipping rows.
 */
public final class Cursor {
  /** Items per page when the caller gives no limit. */
  public static final int DEFAULT_LIMIT = 100;

  /** The most items a page may hold. */
  public static final int MAX_LIMIT = 1000;

  private static final String TAG = "v1:";

  private Cursor() {}

  /** The cursor that continues after {@code key}. */
  public static String after(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((TAG + key).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key in the request's {@code cursor} parameter; null when it has none.
   *
   * @throws Problem 400 {@code bad-cursor} for text no cursor of ours can be
   */
  public static String key(Context ctx) {
    String text = ctx.queryParam("cursor");
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      if (decoded.startsWith(TAG)) {
        return decoded.substring(TAG.length());
      }
    } catch (IllegalArgumentException e) {
      // not base64url: refused below
    }
    throw new Problem(400, "bad-cursor", "cursor", "'" + text + "' is not a cursor of this list");
  }

  /**
   * The request's {@code limit}: {@link #DEFAULT_LIMIT} when absent.
   *
   * @throws Problem 400 for anything but a number from 1 to {@link #MAX_LIMIT}
   */
  public static int limit(Context ctx) {
    String text = ctx.queryParam("limit");
    if (text == null || text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw Problem.invalid("limit", "limit must be a number from 1 to " + MAX_LIMIT);
  }
}
