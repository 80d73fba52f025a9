package dev.switchboard.microbench;

import dev.switchboard.hub.auth.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One password check by {@link PasswordHasher#verify(char[], String)} against a stored PHC string
 * made with the default settings: {@code ARGON2ID} (m=19456 KiB, t=2, p=1) or {@code PBKDF2_SHA256}
 * (600,000 iterations).
 *
 * <p>Why it matters: every login with a password the hub has not recently accepted costs one of
 * these, on the bounded verification pool; on a small machine a reconnect storm is bounded by it
 * (see "Authentication under a reconnect storm" in docs/benchmarks.md). An Argon2id check also
 * allocates its whole memory cost (19 MB): {@code -prof gc} shows it.
 *
 * <p>An operation takes tens to hundreds of milliseconds, hence iterations of 2 s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PasswordVerifyBench {

  @Param({"ARGON2ID", "PBKDF2_SHA256"})
  public PasswordHasher.Algorithm algorithm;

  private final char[] password = "password".toCharArray();
  private PasswordHasher hasher;
  private String phc;

  @Setup(Level.Trial)
  public void setUp() {
    hasher = new PasswordHasher(PasswordHasher.Settings.DEFAULT.withAlgorithm(algorithm));
    phc = hasher.hash(password);
    if (!hasher.verify(password, phc)) {
      throw new IllegalStateException("the password does not verify against its own hash");
    }
  }

  @Benchmark
  public boolean verify() {
    return hasher.verify(password, phc);
  }
}
