package dev.switchboard.hub.acl;

/**
 * Relations between two valid, non-shared topic filters, as the authorizer needs them for a
 * SUBSCRIBE. Both honour [MQTT-4.7.2-1]: a filter whose first level is a wildcard matches no topic
 * starting with '$'. Neither allocates: they walk both strings level by level.
 */
public final class TopicFilters {
  private TopicFilters() {}

  /**
   * Whether every topic {@code filter} can match is matched by {@code rule}: {@code a/#} covers
   * {@code a/+/b} and {@code a}; {@code a/+} does not cover {@code a/#}; {@code #} does not cover
   * {@code $SYS/x}.
   */
  public static boolean covers(String rule, String filter) {
    int r = 0;
    int f = 0;
    boolean first = true;
    while (true) {
      if (r < 0) {
        return f < 0;
      }
      int rEnd = levelEnd(rule, r);
      boolean rHash = isWildcard(rule, r, rEnd, '#');
      if (f < 0) {
        // the filter ended where the rule goes on: only a rule's "#" also matches the parent level
        return rHash;
      }
      int fEnd = levelEnd(filter, f);
      boolean fDollar = first && isDollar(filter, f, fEnd);
      if (rHash) {
        return !fDollar;
      }
      if (isWildcard(filter, f, fEnd, '#')) {
        // The filter reaches any depth and, below the first level, its parent too. A rule without
        // '#' here covers that only as "+/#" at the first level, where there is no parent to match.
        return first
            && isWildcard(rule, r, rEnd, '+')
            && rEnd + 2 == rule.length()
            && rule.charAt(rEnd + 1) == '#';
      }
      if (isWildcard(rule, r, rEnd, '+')) {
        if (fDollar) {
          return false;
        }
      } else if (isWildcard(filter, f, fEnd, '+') || !sameLevel(rule, r, rEnd, filter, f, fEnd)) {
        return false; // a literal rule level covers only that very level
      }
      r = nextLevel(rule, rEnd);
      f = nextLevel(filter, fEnd);
      first = false;
    }
  }

  /**
   * Whether some topic matches both filters: {@code a/+} and {@code +/b} intersect (in {@code
   * a/b}); {@code a/b} and {@code a/c} do not; {@code #} and {@code $SYS/#} do not.
   */
  public static boolean intersects(String one, String other) {
    int a = 0;
    int b = 0;
    boolean first = true;
    while (true) {
      if (a < 0 && b < 0) {
        return true;
      }
      if (a < 0) {
        return isWildcard(other, b, levelEnd(other, b), '#'); // "x/#" matches "x"
      }
      if (b < 0) {
        return isWildcard(one, a, levelEnd(one, a), '#');
      }
      int aEnd = levelEnd(one, a);
      int bEnd = levelEnd(other, b);
      boolean aHash = isWildcard(one, a, aEnd, '#');
      boolean bHash = isWildcard(other, b, bEnd, '#');
      boolean aPlus = isWildcard(one, a, aEnd, '+');
      boolean bPlus = isWildcard(other, b, bEnd, '+');
      boolean aDollar = first && isDollar(one, a, aEnd);
      boolean bDollar = first && isDollar(other, b, bEnd);
      if ((aHash || aPlus) && bDollar || (bHash || bPlus) && aDollar) {
        return false; // a leading wildcard never meets a '$' topic
      }
      if (aHash || bHash) {
        return true;
      }
      if (!aPlus && !bPlus && !sameLevel(one, a, aEnd, other, b, bEnd)) {
        return false;
      }
      a = nextLevel(one, aEnd);
      b = nextLevel(other, bEnd);
      first = false;
    }
  }

  private static int levelEnd(String s, int start) {
    int slash = s.indexOf('/', start);
    return slash < 0 ? s.length() : slash;
  }

  /** The start of the level after the one ending at {@code end}; -1 when there is none. */
  private static int nextLevel(String s, int end) {
    return end < s.length() ? end + 1 : -1;
  }

  private static boolean isWildcard(String s, int start, int end, char wildcard) {
    return end - start == 1 && s.charAt(start) == wildcard;
  }

  private static boolean isDollar(String s, int start, int end) {
    return end > start && s.charAt(start) == '$';
  }

  private static boolean sameLevel(String a, int aStart, int aEnd, String b, int bStart, int bEnd) {
    return aEnd - aStart == bEnd - bStart && a.regionMatches(aStart, b, bStart, aEnd - aStart);
  }
}
