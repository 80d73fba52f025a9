package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SuccessCacheTest {
  private final MutableClock clock = new MutableClock();
  private final SuccessCache cache = new SuccessCache(clock, Duration.ofMinutes(5), 3);

  @Test
  @DisplayName("a remembered success is a hit for the same user, stored hash and password")
  void hit() {
    cache.put("alice", "$hash1", "pw".getBytes());
    assertThat(cache.contains("alice", "$hash1", "pw".getBytes())).isTrue();
    assertThat(cache.hits()).isEqualTo(1);
  }

  @Test
  @DisplayName("another password, another stored hash (a password change) or user is a miss")
  void misses() {
    cache.put("alice", "$hash1", "pw".getBytes());
    assertThat(cache.contains("alice", "$hash1", "px".getBytes())).isFalse();
    assertThat(cache.contains("alice", "$hash2", "pw".getBytes())).isFalse();
    assertThat(cache.contains("bob", "$hash1", "pw".getBytes())).isFalse();
    assertThat(cache.contains(null, "$hash1", "pw".getBytes())).isFalse();
    assertThat(cache.misses()).isEqualTo(3);
  }

  @Test
  @DisplayName("an entry expires after the time to live")
  void expires() {
    cache.put("alice", "$h", "pw".getBytes());
    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(cache.contains("alice", "$h", "pw".getBytes())).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.contains("alice", "$h", "pw".getBytes())).isFalse();
    assertThat(cache.size()).isZero();
  }

  @Test
  @DisplayName("invalidate(user) forgets that user only; clear() everyone")
  void invalidate() {
    cache.put("alice", "$h", "pw".getBytes());
    cache.put("bob", "$h", "pw".getBytes());
    cache.invalidate("alice");
    assertThat(cache.contains("alice", "$h", "pw".getBytes())).isFalse();
    assertThat(cache.contains("bob", "$h", "pw".getBytes())).isTrue();
    cache.clear();
    assertThat(cache.contains("bob", "$h", "pw".getBytes())).isFalse();
  }

  @Test
  @DisplayName("beyond the bound the oldest entry goes first; a refreshed one counts as new")
  void boundedOldestFirst() {
    cache.put("a", "$h", "pw".getBytes());
    clock.advance(Duration.ofSeconds(1));
    cache.put("b", "$h", "pw".getBytes());
    clock.advance(Duration.ofSeconds(1));
    cache.put("c", "$h", "pw".getBytes());
    cache.put("a", "$h", "pw".getBytes()); // refreshed: now the newest
    cache.put("d", "$h", "pw".getBytes());

    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.contains("b", "$h", "pw".getBytes())).isFalse();
    assertThat(cache.contains("a", "$h", "pw".getBytes())).isTrue();
    assertThat(cache.contains("c", "$h", "pw".getBytes())).isTrue();
    assertThat(cache.contains("d", "$h", "pw".getBytes())).isTrue();
  }

  @Test
  @DisplayName("expired entries are dropped when a new one is stored")
  void expiredDroppedOnPut() {
    cache.put("a", "$h", "pw".getBytes());
    clock.advance(Duration.ofMinutes(6));
    cache.put("b", "$h", "pw".getBytes());
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a time to live of zero turns the cache off")
  void off() {
    SuccessCache off = new SuccessCache(clock, Duration.ZERO, 10);
    off.put("a", "$h", "pw".getBytes());
    assertThat(off.contains("a", "$h", "pw".getBytes())).isFalse();
    assertThat(off.size()).isZero();
  }

  @Test
  @DisplayName(
      "what is kept is an HMAC under a per-cache random key: not the password, nor its SHA-256")
  void perProcessKey() throws Exception {
    SuccessCache other = new SuccessCache(clock, Duration.ofMinutes(5), 3);
    byte[] password = "pw".getBytes();
    byte[] sha256 = java.security.MessageDigest.getInstance("SHA-256").digest(password);

    assertThat(cache.digest(password)).isEqualTo(cache.digest(password));
    assertThat(cache.digest(password)).isNotEqualTo(other.digest(password));
    assertThat(cache.digest(password)).isNotEqualTo(sha256).isNotEqualTo(password);
  }

  @Test
  @DisplayName("bad settings are refused")
  void settings() {
    assertThatThrownBy(() -> new SuccessCache(clock, Duration.ofSeconds(-1), 1))
        .hasMessageContaining("cannot be negative");
    assertThatThrownBy(() -> new SuccessCache(clock, Duration.ofSeconds(1), 0))
        .hasMessageContaining("at least 1 entry");
  }
}
