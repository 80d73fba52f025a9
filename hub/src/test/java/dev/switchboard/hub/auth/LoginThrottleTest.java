package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.auth.LoginThrottle.Limit;
import dev.switchboard.hub.auth.LoginThrottle.Settings;
import dev.switchboard.hub.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final MutableClock clock = new MutableClock();
  private final LoginThrottle throttle =
      new LoginThrottle(
          new Settings(
              new Limit(3, Duration.ofMinutes(1)),
              new Limit(2, Duration.ofMinutes(1)),
              Duration.ofSeconds(1),
              Duration.ofSeconds(8),
              4),
          clock);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  @DisplayName("an address is blocked once it reaches its failure limit, and only then")
  void addressLimit() throws Exception {
    InetAddress a = ip("192.0.2.1");
    throttle.recordFailure(a, null);
    throttle.recordFailure(a, null);
    assertThat(throttle.check(a, null)).isNull();
    throttle.recordFailure(a, null);

    LoginThrottle.Block b = throttle.check(a, null);
    assertThat(b).isNotNull();
    assertThat(b.failures()).isEqualTo(3);
    assertThat(b.remaining()).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.reason()).isEqualTo("throttled after 3 failed logins from address 192.0.2.1");
    assertThat(throttle.check(ip("192.0.2.2"), null)).isNull();
    assertThat(throttle.failures()).isEqualTo(3);
    assertThat(throttle.throttled()).isEqualTo(1);
    assertThat(throttle.blocks()).isEqualTo(1);
  }

  @Test
  @DisplayName("a user name is blocked at its own limit, from any address")
  void usernameLimit() throws Exception {
    throttle.recordFailure(ip("192.0.2.1"), "alice");
    throttle.recordFailure(ip("192.0.2.2"), "alice");

    LoginThrottle.Block b = throttle.check(ip("198.51.100.7"), "alice");
    assertThat(b).isNotNull();
    assertThat(b.reason()).isEqualTo("throttled after 2 failed logins for user 'alice'");
    assertThat(throttle.check(ip("198.51.100.7"), "bob")).isNull();
    assertThat(throttle.check(ip("198.51.100.7"), null)).isNull();
  }

  @Test
  @DisplayName(
      "the block ends after the backoff, which doubles at each new block up to the maximum")
  void backoffDoubles() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure(a, null);
    }
    Duration[] expected = {
      Duration.ofSeconds(1),
      Duration.ofSeconds(2),
      Duration.ofSeconds(4),
      Duration.ofSeconds(8),
      Duration.ofSeconds(8)
    };
    for (Duration backoff : expected) {
      assertThat(throttle.check(a, null).remaining()).isEqualTo(backoff);
      clock.advance(backoff.minusMillis(1));
      assertThat(throttle.check(a, null)).isNotNull();
      clock.advance(Duration.ofMillis(1));
      assertThat(throttle.check(a, null)).isNull(); // one more try...
      throttle.recordFailure(a, null); // ...which fails: still over the limit in the window
    }
  }

  @Test
  @DisplayName("failures older than the window no longer count (sliding window)")
  void slidingWindow() throws Exception {
    InetAddress a = ip("192.0.2.1");
    throttle.recordFailure(a, null);
    clock.advance(Duration.ofSeconds(40));
    throttle.recordFailure(a, null);
    clock.advance(Duration.ofSeconds(30)); // the first is now 70 s old
    throttle.recordFailure(a, null);
    assertThat(throttle.check(a, null)).isNull();
    throttle.recordFailure(a, null);
    assertThat(throttle.check(a, null)).isNotNull();
  }

  @Test
  @DisplayName("a whole window without failures starts the backoff again from the first step")
  void forgiven() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 4; i++) {
      throttle.recordFailure(a, null);
      clock.advance(Duration.ofSeconds(2)); // past each block, so the next failure blocks again
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(throttle.check(a, null)).isNull();
    assertThat(throttle.tracked()).isZero(); // a forgiven key is dropped when seen
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure(a, null);
    }
    assertThat(throttle.check(a, null).remaining()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a success clears the user name's count, not the address's")
  void successClearsUsername() throws Exception {
    InetAddress a = ip("192.0.2.1");
    throttle.recordFailure(a, "alice");
    throttle.recordFailure(a, "alice");
    assertThat(throttle.check(null, "alice")).isNotNull();
    throttle.recordSuccess("alice");
    assertThat(throttle.check(null, "alice")).isNull();
    throttle.recordFailure(a, "bob");
    assertThat(throttle.check(a, null)).isNotNull(); // the address's three failures remain
  }

  @Test
  @DisplayName("IPv6 addresses count per /64; IPv4-mapped IPv6 counts as the IPv4 address")
  void ipv6Per64() throws Exception {
    throttle.recordFailure(ip("2001:db8:1:2::1"), null);
    throttle.recordFailure(ip("2001:db8:1:2:ffff::9"), null);
    throttle.recordFailure(ip("2001:db8:1:2:abcd:1:2:3"), null);

    LoginThrottle.Block b = throttle.check(ip("2001:db8:1:2::77"), null);
    assertThat(b).isNotNull();
    assertThat(b.subject()).isEqualTo("address 2001:db8:1:2:0:0:0:0/64");
    assertThat(throttle.check(ip("2001:db8:1:3::1"), null)).isNull();

    assertThat(LoginThrottle.addressKey(ip("::ffff:192.0.2.9"))).isEqualTo("192.0.2.9");
  }

  @Test
  @DisplayName("at most maxTrackedKeys keys per kind; the one failing longest ago is forgotten")
  void boundedMemory() throws Exception {
    for (int i = 1; i <= 5; i++) {
      throttle.recordFailure(ip("192.0.2." + i), null);
      clock.advance(Duration.ofMillis(1));
    }
    assertThat(throttle.tracked()).isEqualTo(4);
    // 192.0.2.1 was forgotten; its count starts again
    throttle.recordFailure(ip("192.0.2.1"), null);
    throttle.recordFailure(ip("192.0.2.1"), null);
    assertThat(throttle.check(ip("192.0.2.1"), null)).isNull();
    throttle.recordFailure(ip("192.0.2.1"), null);
    assertThat(throttle.check(ip("192.0.2.1"), null)).isNotNull();
  }

  @Test
  @DisplayName("bad settings are refused with the setting named")
  void settings() {
    assertThatThrownBy(() -> new Limit(0, Duration.ofMinutes(1)))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new Limit(1, Duration.ZERO))
        .hasMessageContaining("window must be positive");
    assertThatThrownBy(
            () ->
                new Settings(
                    new Limit(1, Duration.ofMinutes(1)),
                    new Limit(1, Duration.ofMinutes(1)),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    10))
        .hasMessageContaining("longest login block");
  }
}
