package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.auth.LoginThrottle.Attempt;
import dev.switchboard.hub.auth.LoginThrottle.Block;
import dev.switchboard.hub.auth.LoginThrottle.Busy;
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
              new Limit(2, Duration.ofMinutes(1)),
              new Limit(3, Duration.ofMinutes(1)),
              new Limit(4, Duration.ofMinutes(1)),
              2,
              Duration.ofHours(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(8),
              4),
          clock);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  /** An attempt let through; fails the test when it is blocked. */
  private Attempt attempt(InetAddress address, String username) {
    LoginThrottle.Admission admission = throttle.start(address, username);
    assertThat(admission).as("admitted: %s", admission).isInstanceOf(Attempt.class);
    return (Attempt) admission;
  }

  /** A wrong password, checked on its own. */
  private void fail(InetAddress address, String username) {
    Attempt a = attempt(address, username);
    assertThat(a.beginCheck()).isNull();
    a.failed();
  }

  /** The block an attempt meets now, or null when it would go ahead (and is then abandoned). */
  private Block check(InetAddress address, String username) {
    LoginThrottle.Admission admission = throttle.start(address, username);
    if (admission instanceof Attempt a) {
      a.abandoned();
      return null;
    }
    return (Block) admission;
  }

  @Test
  @DisplayName("an address is blocked once it reaches its failure limit, and only then")
  void addressLimit() throws Exception {
    InetAddress a = ip("192.0.2.1");
    fail(a, null);
    fail(a, null);
    assertThat(check(a, null)).isNull();
    fail(a, null);

    Block b = check(a, null);
    assertThat(b).isNotNull();
    assertThat(b.failures()).isEqualTo(3);
    assertThat(b.remaining()).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.reason()).isEqualTo("throttled after 3 failed logins from address 192.0.2.1");
    assertThat(check(ip("192.0.2.2"), null)).isNull();
    assertThat(throttle.failures()).isEqualTo(3);
    assertThat(throttle.throttled()).isEqualTo(1);
    assertThat(throttle.blocks()).isEqualTo(1);
  }

  @Test
  @DisplayName("a user name from one address is blocked at the pair's limit, not elsewhere")
  void pairLimit() throws Exception {
    InetAddress a = ip("192.0.2.1");
    fail(a, "alice");
    fail(a, "alice");

    Block b = check(a, "alice");
    assertThat(b).isNotNull();
    assertThat(b.reason())
        .isEqualTo("throttled after 2 failed logins for user 'alice' from address 192.0.2.1");
    assertThat(check(ip("198.51.100.7"), "alice")).as("the owner elsewhere").isNull();
    assertThat(check(a, "bob")).isNull();
    assertThat(check(a, null)).as("the address has 2 of its 3").isNull();
  }

  @Test
  @DisplayName("a user name is blocked at its ceiling from any address but those it logged in from")
  void usernameCeiling() throws Exception {
    InetAddress home = ip("192.0.2.10");
    attempt(home, "alice").succeeded();
    for (int i = 1; i <= 4; i++) {
      fail(ip("198.51.100." + i), "alice");
    }

    Block b = check(ip("203.0.113.1"), "alice");
    assertThat(b).isNotNull();
    assertThat(b.reason()).isEqualTo("throttled after 4 failed logins for user 'alice'");
    assertThat(check(home, "alice")).as("a known address").isNull();
    assertThat(check(ip("203.0.113.1"), "bob")).isNull();
    assertThat(check(ip("203.0.113.1"), null)).isNull();

    // a success does not clear the ceiling: the guesses from elsewhere are still guesses
    attempt(home, "alice").succeeded();
    assertThat(check(ip("203.0.113.1"), "alice")).isNotNull();
    assertThat(throttle.knownAddresses()).isEqualTo(1);
  }

  @Test
  @DisplayName("a known address is known for knownAddressTtl after its last login")
  void knownAddressExpires() throws Exception {
    InetAddress home = ip("192.0.2.10");
    attempt(home, "alice").succeeded();
    clock.advance(Duration.ofMinutes(59));
    attempt(home, "alice").succeeded(); // known for another hour from now
    clock.advance(Duration.ofMinutes(59));
    for (int i = 1; i <= 4; i++) {
      fail(ip("198.51.100." + i), "alice");
    }
    assertThat(check(home, "alice")).isNull();

    clock.advance(Duration.ofMinutes(1));
    for (int i = 1; i <= 4; i++) {
      fail(ip("198.51.100." + (10 + i)), "alice");
    }
    assertThat(check(home, "alice")).as("no longer known").isNotNull();
  }

  @Test
  @DisplayName(
      "attempts under way count against the limits: the pair's limit of 2 refuses a third at once,"
          + " and frees a place when one is settled")
  void underWayCounts() throws Exception {
    InetAddress a = ip("192.0.2.1");
    Attempt first = attempt(a, "alice");
    Attempt second = attempt(a, "alice");
    Attempt third = attempt(a, "alice"); // started before the others began their checks
    assertThat(first.beginCheck()).isNull();
    assertThat(second.beginCheck()).isNull();
    assertThat(throttle.underWay()).isEqualTo(2);

    assertThat(third.beginCheck())
        .isEqualTo(new Block("user 'alice' from address 192.0.2.1", 0, 2, Duration.ZERO));
    third.abandoned();
    Block b = check(a, "alice");
    assertThat(b.reason())
        .isEqualTo(
            "throttled: 2 logins under way and 0 failed for user 'alice' from address 192.0.2.1");
    assertThat(check(ip("192.0.2.2"), "alice")).isNull();

    first.failed();
    assertThat(check(a, "alice")).as("1 failed and 1 under way").isNotNull();
    second.abandoned();
    assertThat(check(a, "alice")).as("1 failed").isNull();
    assertThat(throttle.underWay()).isZero();
    assertThat(throttle.failures()).isEqualTo(1);
    assertThat(throttle.throttled()).isEqualTo(3);
  }

  @Test
  @DisplayName("past a block, one attempt at a time goes ahead until the window clears")
  void oneAtATimePastABlock() throws Exception {
    InetAddress a = ip("192.0.2.1");
    fail(a, "alice");
    fail(a, "alice");
    clock.advance(Duration.ofSeconds(1)); // the first block is over
    Attempt probe = attempt(a, "alice");
    assertThat(probe.beginCheck()).isNull();
    assertThat(check(a, "alice").underWay()).isEqualTo(1);
    probe.failed();
    assertThat(check(a, "alice").remaining()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  @DisplayName(
      "an address has at most checksPerAddress checks under way; past them it is busy, others not")
  void checksPerAddress() throws Exception {
    InetAddress a = ip("192.0.2.1");
    Attempt first = attempt(a, "u1");
    Attempt second = attempt(a, "u2");
    Attempt third = attempt(a, "u3");
    assertThat(first.beginCheck()).isNull();
    assertThat(second.beginCheck()).isNull();

    LoginThrottle.Refused refused = third.beginCheck();
    assertThat(refused).isEqualTo(new Busy("192.0.2.1", 2));
    assertThat(refused.reason())
        .isEqualTo("2 logins under way from address 192.0.2.1, its most at once");
    assertThat(throttle.busyRefusals()).isEqualTo(1);
    Attempt elsewhere = attempt(ip("192.0.2.2"), "u3");
    assertThat(elsewhere.beginCheck()).isNull();
    elsewhere.succeeded();

    first.succeeded();
    assertThat(third.beginCheck()).as("a place freed").isNull();
    second.abandoned();
    third.abandoned();
    assertThat(throttle.underWay()).isZero();
    assertThat(throttle.failures()).isZero();
  }

  @Test
  @DisplayName("an unknown user's failure counts for the pair and the address, not the user name")
  void unknownUser() throws Exception {
    for (int i = 1; i <= 4; i++) {
      Attempt a = attempt(ip("198.51.100." + i), "ghost");
      assertThat(a.beginCheck()).isNull();
      a.failedForUnknownUser();
    }
    assertThat(check(ip("203.0.113.1"), "ghost")).as("no ceiling for made-up names").isNull();
    assertThat(throttle.tracked()).as("4 pairs, 4 addresses").isEqualTo(8);

    InetAddress a = ip("203.0.113.1");
    attempt(a, "ghost").failedForUnknownUser();
    attempt(a, "ghost").failedForUnknownUser();
    assertThat(check(a, "ghost").reason())
        .isEqualTo("throttled after 2 failed logins for user 'ghost' from address 203.0.113.1");
  }

  @Test
  @DisplayName("an attempt is settled once: later calls do nothing")
  void settledOnce() throws Exception {
    Attempt a = attempt(ip("192.0.2.1"), "alice");
    assertThat(a.beginCheck()).isNull();
    a.failed();
    a.failed();
    a.succeeded();
    a.abandoned();
    assertThat(throttle.failures()).isEqualTo(1);
    assertThat(throttle.underWay()).isZero();
    assertThat(throttle.knownAddresses()).isZero();
    assertThatThrownBy(a::beginCheck).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName(
      "the block ends after the backoff, which doubles at each new block up to the maximum")
  void backoffDoubles() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 3; i++) {
      fail(a, null);
    }
    Duration[] expected = {
      Duration.ofSeconds(1),
      Duration.ofSeconds(2),
      Duration.ofSeconds(4),
      Duration.ofSeconds(8),
      Duration.ofSeconds(8)
    };
    for (Duration backoff : expected) {
      assertThat(check(a, null).remaining()).isEqualTo(backoff);
      clock.advance(backoff.minusMillis(1));
      assertThat(check(a, null)).isNotNull();
      clock.advance(Duration.ofMillis(1));
      assertThat(check(a, null)).isNull(); // one more try...
      fail(a, null); // ...which fails: still over the limit in the window
    }
  }

  @Test
  @DisplayName("failures older than the window no longer count (sliding window)")
  void slidingWindow() throws Exception {
    InetAddress a = ip("192.0.2.1");
    fail(a, null);
    clock.advance(Duration.ofSeconds(40));
    fail(a, null);
    clock.advance(Duration.ofSeconds(30)); // the first is now 70 s old
    fail(a, null);
    assertThat(check(a, null)).isNull();
    fail(a, null);
    assertThat(check(a, null)).isNotNull();
  }

  @Test
  @DisplayName("a whole window without failures starts the backoff again from the first step")
  void forgiven() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 4; i++) {
      fail(a, null);
      clock.advance(Duration.ofSeconds(2)); // past each block, so the next failure blocks again
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(check(a, null)).isNull();
    assertThat(throttle.tracked()).isZero(); // a forgiven key is dropped when seen
    for (int i = 0; i < 3; i++) {
      fail(a, null);
    }
    assertThat(check(a, null).remaining()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a success clears the pair's count, not the address's")
  void successClearsPair() throws Exception {
    InetAddress a = ip("192.0.2.1");
    fail(a, "alice");
    attempt(a, "alice").succeeded();
    fail(a, "alice");
    assertThat(check(a, "alice")).as("one failure since the success").isNull();
    fail(a, "bob");
    assertThat(check(a, null)).isNotNull(); // the address's three failures remain
  }

  @Test
  @DisplayName("a success leaves nothing tracked but its known address")
  void successLeavesNothing() throws Exception {
    Attempt a = attempt(ip("192.0.2.1"), "alice");
    assertThat(a.beginCheck()).isNull();
    assertThat(throttle.tracked()).as("under way on 3 keys").isEqualTo(3);
    a.succeeded();
    assertThat(throttle.tracked()).isZero();
    assertThat(throttle.knownAddresses()).isEqualTo(1);
  }

  @Test
  @DisplayName("IPv6 addresses count per /64; IPv4-mapped IPv6 counts as the IPv4 address")
  void ipv6Per64() throws Exception {
    fail(ip("2001:db8:1:2::1"), null);
    fail(ip("2001:db8:1:2:ffff::9"), null);
    fail(ip("2001:db8:1:2:abcd:1:2:3"), null);

    Block b = check(ip("2001:db8:1:2::77"), null);
    assertThat(b).isNotNull();
    assertThat(b.subject()).isEqualTo("address 2001:db8:1:2:0:0:0:0/64");
    assertThat(check(ip("2001:db8:1:3::1"), null)).isNull();

    assertThat(LoginThrottle.addressKey(ip("::ffff:192.0.2.9"))).isEqualTo("192.0.2.9");
  }

  @Test
  @DisplayName("at most maxTrackedKeys keys per kind; the one failing longest ago is forgotten")
  void boundedMemory() throws Exception {
    for (int i = 1; i <= 5; i++) {
      fail(ip("192.0.2." + i), null);
      clock.advance(Duration.ofMillis(1));
    }
    assertThat(throttle.tracked()).isEqualTo(4);
    // 192.0.2.1 was forgotten; its count starts again
    fail(ip("192.0.2.1"), null);
    fail(ip("192.0.2.1"), null);
    assertThat(check(ip("192.0.2.1"), null)).isNull();
    fail(ip("192.0.2.1"), null);
    assertThat(check(ip("192.0.2.1"), null)).isNotNull();

    for (int i = 1; i <= 5; i++) {
      attempt(ip("198.51.100." + i), "alice").succeeded();
    }
    assertThat(throttle.knownAddresses()).isEqualTo(4);
  }

  @Test
  @DisplayName("a user name with a high ceiling keeps only the failure times it has")
  void highCeiling() throws Exception {
    LoginThrottle wide =
        new LoginThrottle(
            new Settings(
                new Limit(5, Duration.ofMinutes(1)),
                new Limit(10, Duration.ofMinutes(1)),
                new Limit(100, Duration.ofMinutes(1)),
                8,
                Duration.ofDays(7),
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                100_000),
            clock);
    for (int i = 1; i <= 99; i++) {
      Attempt a = (Attempt) wide.start(ip("10.0." + (i / 200) + "." + (i % 200)), "alice");
      assertThat(a.beginCheck()).isNull();
      a.failed();
    }
    assertThat(wide.start(ip("10.1.0.1"), "alice")).isInstanceOf(Attempt.class);
    Attempt last = (Attempt) wide.start(ip("10.1.0.2"), "alice");
    last.failed();
    assertThat(((Block) wide.start(ip("10.1.0.3"), "alice")).reason())
        .isEqualTo("throttled after 100 failed logins for user 'alice'");
  }

  @Test
  @DisplayName("bad settings are refused with the setting named")
  void settings() {
    assertThatThrownBy(() -> new Limit(0, Duration.ofMinutes(1)))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new Limit(1, Duration.ZERO))
        .hasMessageContaining("window must be positive");
    Limit one = new Limit(1, Duration.ofMinutes(1));
    assertThatThrownBy(
            () ->
                new Settings(
                    one,
                    one,
                    one,
                    1,
                    Duration.ZERO,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    10))
        .hasMessageContaining("longest login block");
    assertThatThrownBy(
            () ->
                new Settings(
                    one,
                    one,
                    one,
                    0,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    10))
        .hasMessageContaining("checks at once per address");
    assertThatThrownBy(
            () ->
                new Settings(
                    one,
                    one,
                    one,
                    1,
                    Duration.ofSeconds(-1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    10))
        .hasMessageContaining("address stays known");
  }
}
