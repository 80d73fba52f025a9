package dev.switchboard.hub.auth;

import java.security.SecureRandom;

/**
 * Passwords made for a device or an administrator: 24 letters and digits that cannot be misread (no
 * 0/O, 1/l/I), about 140 bits.
 */
public final class PasswordGenerator {
  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private static final int LENGTH = 24;

  private final SecureRandom random = new SecureRandom();

  public char[] generate() {
    char[] out = new char[LENGTH];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return out;
  }
}
