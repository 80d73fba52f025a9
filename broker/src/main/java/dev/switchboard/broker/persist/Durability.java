package dev.switchboard.broker.persist;

import java.util.Locale;

/** What an acknowledgement promises about the disk (DESIGN.md, Durability). */
public enum Durability {
  /** Acknowledged only after everything that must keep the message is committed (grouped). */
  STRICT,
  /** Acknowledged at once; committed within a bounded interval. */
  RELAXED,
  /** Memory only: nothing is written. */
  NONE;

  /** {@code strict}, {@code relaxed} or {@code none}; null for anything else. */
  public static Durability parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
