package dev.switchboard.hub.auth;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs password checks off the event loops, on a fixed number of threads with a bounded queue. When
 * the queue is full a check is not queued: its stage completes at once with {@link Outcome#BUSY},
 * which the authenticator answers with "server busy", so that a reconnect storm costs memory in
 * proportion to the queue bound, not to the storm.
 */
public final class VerificationPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerificationPool.class);
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** What a check came to. */
  public enum Outcome {
    /** The password is right. */
    MATCH,
    /** The password is wrong. */
    MISMATCH,
    /** The stored hash cannot be read (logged); nobody can log in with it. */
    UNREADABLE_HASH,
    /** The queue was full; the check did not run. */
    BUSY
  }

  private final PasswordVerifier verifier;
  private final ThreadPoolExecutor executor;
  private final LongAdder checks = new LongAdder();
  private final LongAdder busy = new LongAdder();

  /** As many threads as processors, a queue of {@value #DEFAULT_QUEUE_CAPACITY}. */
  public VerificationPool(PasswordVerifier verifier) {
    this(verifier, Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE_CAPACITY);
  }

  /**
   * @param verifier does the checking (a {@link PasswordHasher})
   * @param threads how many checks run at once
   * @param queueCapacity how many wait; beyond that a check is refused as busy
   */
  public VerificationPool(PasswordVerifier verifier, int threads, int queueCapacity) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    if (threads < 1) {
      throw new IllegalArgumentException(
          "password check threads must be at least 1, not " + threads);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "password check queue must hold at least 1, not " + queueCapacity);
    }
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            r -> {
              Thread t = new Thread(r, "switchboard-password-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Checks {@code password} against {@code phc} on a pool thread. The password is copied (and the
   * copy wiped after the check), so the caller may reuse its array.
   *
   * @return a stage completing on a pool thread, or completed already when the pool is busy;
   *     completing exceptionally when the pool is closed or the verifier failed unexpectedly
   */
  public CompletionStage<Outcome> verify(byte[] password, String phc) {
    byte[] copy = password.clone();
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(check(copy, phc));
            } catch (Throwable t) {
              // the broker answers "server unavailable"; the client may try again
              LOG.error("password check failed", t);
              result.completeExceptionally(t);
            }
          });
    } catch (RejectedExecutionException e) {
      Arrays.fill(copy, (byte) 0);
      if (executor.isShutdown()) {
        result.completeExceptionally(new IllegalStateException("password checks have stopped"));
      } else {
        busy.increment();
        result.complete(Outcome.BUSY);
      }
    }
    return result;
  }

  private Outcome check(byte[] password, String phc) {
    checks.increment();
    try {
      return verifier.verify(password, phc) ? Outcome.MATCH : Outcome.MISMATCH;
    } catch (IllegalArgumentException e) {
      LOG.warn("a stored password hash cannot be read, so its login fails: {}", e.getMessage());
      return Outcome.UNREADABLE_HASH;
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  /** Checks run so far. */
  public long checks() {
    return checks.sum();
  }

  /** Checks refused because the queue was full. */
  public long busyRefusals() {
    return busy.sum();
  }

  /** Checks waiting now. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Stops taking checks; those queued still run. */
  @Override
  public void close() {
    executor.shutdown();
  }
}
