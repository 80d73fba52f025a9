package dev.switchboard.cluster.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ForwardLatencyTest {
  private static long ms(double ms) {
    return (long) (ms * 1_000_000);
  }

  @Test
  @DisplayName(
      "count, sum and max since the start; p50 and p99 within a bucket (25 %) above the true"
          + " values")
  void figures() {
    ForwardLatency l = new ForwardLatency(() -> 0);
    for (int i = 1; i <= 100; i++) {
      l.record(ms(i)); // 1 ms .. 100 ms
    }
    assertThat(l.count()).isEqualTo(100);
    assertThat(l.sumNanos()).isEqualTo(ms(5050));
    assertThat(l.maxNanos()).isEqualTo(ms(100));
    assertThat(l.quantileNanos(0.5)).isBetween(ms(50), ms(50 * 1.25));
    assertThat(l.quantileNanos(0.99)).isBetween(ms(99), ms(99 * 1.25));
  }

  @Test
  @DisplayName("nothing recorded: every figure is 0")
  void empty() {
    ForwardLatency l = new ForwardLatency(() -> 0);
    assertThat(l.quantileNanos(0.99)).isZero();
    assertThat(l.count()).isZero();
    assertThat(l.maxNanos()).isZero();
  }

  @Test
  @DisplayName(
      "the percentiles cover the last one to two windows: slow messages of two windows ago are"
          + " gone from them, the count and the max keep them")
  void windowsTakeTurns() {
    AtomicLong now = new AtomicLong();
    ForwardLatency l = new ForwardLatency(now::get);
    for (int i = 0; i < 100; i++) {
      l.record(ms(500));
    }
    now.addAndGet(ForwardLatency.WINDOW);
    for (int i = 0; i < 100; i++) {
      l.record(ms(2));
    }
    assertThat(l.quantileNanos(0.99)).as("the previous window still counts").isGreaterThan(ms(400));
    now.addAndGet(ForwardLatency.WINDOW);
    l.record(ms(2));
    assertThat(l.quantileNanos(0.99)).isBetween(ms(2), ms(2.5));
    assertThat(l.maxNanos()).isEqualTo(ms(500));
    assertThat(l.count()).isEqualTo(201);
  }

  @Test
  @DisplayName("each bucket's upper bound is above every latency it holds, by at most 25 %")
  void buckets() {
    for (long nanos = 1100; nanos < TimeUnit.SECONDS.toNanos(60); nanos = nanos * 9 / 8 + 7) {
      long bound = ForwardLatency.upperBoundNanos(ForwardLatency.bucketOf(nanos));
      assertThat(bound).as("%d ns", nanos).isGreaterThan(nanos);
      assertThat((double) bound / nanos).as("%d ns", nanos).isLessThanOrEqualTo(1.25);
    }
    assertThat(ForwardLatency.upperBoundNanos(ForwardLatency.bucketOf(500))).isEqualTo(1024);
  }
}
