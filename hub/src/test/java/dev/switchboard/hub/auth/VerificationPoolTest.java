package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.hub.auth.VerificationPool.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VerificationPoolTest {

  private static Outcome result(CompletionStage<Outcome> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a right password is MATCH, a wrong one MISMATCH, on a named daemon pool thread")
  void matchAndMismatch() throws Exception {
    AtomicReference<Thread> ran = new AtomicReference<>();
    PasswordVerifier verifier =
        (password, phc) -> {
          ran.set(Thread.currentThread());
          return new String(password).equals(phc);
        };
    try (VerificationPool pool = new VerificationPool(verifier, 2, 8)) {
      assertThat(result(pool.verify("pw".getBytes(), "pw"))).isEqualTo(Outcome.MATCH);
      assertThat(result(pool.verify("px".getBytes(), "pw"))).isEqualTo(Outcome.MISMATCH);
      assertThat(ran.get().getName()).startsWith("switchboard-password-");
      assertThat(ran.get().isDaemon()).isTrue();
      assertThat(ran.get()).isNotSameAs(Thread.currentThread());
      assertThat(pool.checks()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a malformed stored hash is UNREADABLE_HASH (a failed login), not an exception")
  void unreadableHash() throws Exception {
    try (VerificationPool pool = new VerificationPool(new PasswordHasher(), 1, 8)) {
      assertThat(result(pool.verify("pw".getBytes(), "$md5$nope")))
          .isEqualTo(Outcome.UNREADABLE_HASH);
    }
  }

  @Test
  @DisplayName("an unexpected verifier failure completes the stage exceptionally")
  void verifierFailure() {
    try (VerificationPool pool =
        new VerificationPool(
            (p, h) -> {
              throw new IllegalStateException("boom");
            },
            1,
            8)) {
      CompletableFuture<Outcome> f = pool.verify(new byte[1], "x").toCompletableFuture();
      await().until(f::isDone);
      assertThat(f).isCompletedExceptionally();
    }
  }

  @Test
  @DisplayName("when the queue is full the check completes at once as BUSY, and is counted")
  void busyWhenQueueFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    PasswordVerifier slow =
        (p, h) -> {
          running.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return true;
        };
    try (VerificationPool pool = new VerificationPool(slow, 1, 1)) {
      CompletionStage<Outcome> first = pool.verify(new byte[1], "h"); // runs (and waits)
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      CompletionStage<Outcome> second = pool.verify(new byte[1], "h"); // queued
      CompletionStage<Outcome> third = pool.verify(new byte[1], "h"); // no room

      assertThat(third.toCompletableFuture()).isCompletedWithValue(Outcome.BUSY);
      assertThat(pool.busyRefusals()).isEqualTo(1);
      assertThat(pool.queued()).isEqualTo(1);
      assertThat(second.toCompletableFuture()).isNotDone();

      release.countDown();
      assertThat(result(first)).isEqualTo(Outcome.MATCH);
      assertThat(result(second)).isEqualTo(Outcome.MATCH);
    }
  }

  @Test
  @DisplayName("the pool checks a copy: the caller may wipe its array at once")
  void copiesThePassword() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    PasswordVerifier verifier =
        (p, h) -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new String(p).equals(h);
        };
    try (VerificationPool pool = new VerificationPool(verifier, 1, 4)) {
      byte[] password = "pw".getBytes();
      CompletionStage<Outcome> stage = pool.verify(password, "pw");
      java.util.Arrays.fill(password, (byte) 0);
      release.countDown();
      assertThat(result(stage)).isEqualTo(Outcome.MATCH);
    }
  }

  @Test
  @DisplayName("after close, a check fails (the broker answers server unavailable)")
  void closed() {
    VerificationPool pool = new VerificationPool((p, h) -> true, 1, 4);
    pool.close();
    CompletableFuture<Outcome> f = pool.verify(new byte[1], "h").toCompletableFuture();
    assertThat(f).isCompletedExceptionally();
    try {
      f.get();
    } catch (ExecutionException | InterruptedException e) {
      assertThat(e).hasRootCauseMessage("password checks have stopped");
    }
  }
}
