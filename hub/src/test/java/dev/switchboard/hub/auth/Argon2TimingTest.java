package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Prints how long one Argon2id verification takes with the default parameters on this machine.
 * Informational only: speed is measured, never asserted.
 */
class Argon2TimingTest {

  @Test
  @DisplayName("prints the time of one argon2id verify (m=19456, t=2, p=1) and one pbkdf2 verify")
  void printVerifyTime() {
    PasswordHasher argon2 = new PasswordHasher();
    PasswordHasher pbkdf2 =
        new PasswordHasher(
            PasswordHasher.Settings.DEFAULT.withAlgorithm(PasswordHasher.Algorithm.PBKDF2_SHA256));
    report("argon2id m=19456,t=2,p=1", argon2, argon2.hash("password".toCharArray()));
    report("pbkdf2-sha256 i=600000", pbkdf2, pbkdf2.hash("password".toCharArray()));
  }

  private static void report(String what, PasswordHasher hasher, String phc) {
    char[] password = "password".toCharArray();
    for (int i = 0; i < 3; i++) {
      assertThat(hasher.verify(password, phc)).isTrue(); // warm-up
    }
    long[] nanos = new long[10];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      hasher.verify(password, phc);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "%s verify: median %.1f ms, min %.1f ms, max %.1f ms (%d runs, %d processors)%n",
        what,
        nanos[nanos.length / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[nanos.length - 1] / 1e6,
        nanos.length,
        Runtime.getRuntime().availableProcessors());
  }
}
