package dev.switchboard.hub.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.hub.testing.MemoryQuotas;
import dev.switchboard.hub.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The running server's quotas: who is metered, settings as they change, counts saved. */
@DisplayName("Quotas: the book of meters")
class QuotaBookTest {
  private static final Duration NEVER = Duration.ofDays(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-10T10:00:00Z"));
  private final MemoryQuotas repository = new MemoryQuotas();
  private QuotaBook book;

  @AfterEach
  void tearDown() {
    if (book != null) {
      book.close();
    }
  }

  private QuotaBook open() {
    return QuotaBook.open(repository, clock, NEVER, NEVER);
  }

  private static QuotaLimits perDay(long n) {
    return new QuotaLimits(0, 0, 0, n, 0, false);
  }

  @Test
  @DisplayName(
      "a device without any limit gets no budget (nothing to pay); one with its hub's default or"
          + " its own gets its meter, the same one for every login")
  void whoIsMetered() {
    repository.setHubQuota(new HubQuota("limited", 100, perDay(10)));
    repository.setDeviceQuota(new DeviceQuota("default", "own", null, 5L, null, null, null, null));
    book = open();

    assertThat(book.budgetFor("default", "free")).isNull();
    DeliveryBudget a = book.budgetFor("limited", "d1");
    assertThat(a).isInstanceOf(DeviceMeter.class).isSameAs(book.budgetFor("limited", "d1"));
    assertThat(book.budgetFor("default", "own")).isNotNull();
    assertThat(book.limitsOf("default", "own").perMinute()).isEqualTo(5);
  }

  @Test
  @DisplayName("settings changed in the registry reach every meter at the next poll, counts kept")
  void settingsChange() {
    repository.setHubQuota(new HubQuota("h", 0, perDay(2)));
    book = open();
    DeviceMeter m = (DeviceMeter) book.budgetFor("h", "d");
    m.chargePublish(1);
    m.chargePublish(1);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.DROP);

    repository.setDeviceQuota(new DeviceQuota("h", "d", null, null, null, 3L, null, null));
    book.poll();
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.ADMIT);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.DROP);
    assertThat(m.usage().used(Window.DAY)).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "the day and month counts survive a restart (saved at close), the minute and hour do not;"
          + " a day that ended is not restored while its month is")
  void countsSurviveARestart() {
    repository.setHubQuota(new HubQuota("h", 0, new QuotaLimits(0, 0, 0, 0, 100, false)));
    book = open();
    DeviceMeter m = (DeviceMeter) book.budgetFor("h", "d");
    for (int i = 0; i < 7; i++) {
      m.chargePublish(1);
    }
    book.close();

    book = open();
    DeviceUsage after = book.meter("h", "d").usage();
    assertThat(after.used(Window.DAY)).isEqualTo(7);
    assertThat(after.used(Window.MONTH)).isEqualTo(7);
    assertThat(after.used(Window.MINUTE)).isZero();
    book.close();

    clock.advance(Duration.ofDays(1));
    book = open();
    DeviceUsage nextDay = book.meter("h", "d").usage();
    assertThat(nextDay.used(Window.DAY)).isZero();
    assertThat(nextDay.used(Window.MONTH)).isEqualTo(7);
  }

  @Test
  @DisplayName("a reset starts every window from zero, in memory and in the saved counts")
  void reset() {
    repository.setHubQuota(new HubQuota("h", 0, perDay(2)));
    book = open();
    DeviceMeter m = (DeviceMeter) book.budgetFor("h", "d");
    m.chargePublish(1);
    m.chargePublish(1);
    book.save();
    assertThat(repository.savedCounters()).isNotEmpty();

    book.reset("h", "d");
    assertThat(repository.savedCounters()).isEmpty();
    assertThat(m.usage().used(Window.DAY)).isZero();
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.ADMIT);
  }

  @Test
  @DisplayName(
      "whether any limit exists anywhere (what keeps the interceptor in the chain) follows the"
          + " settings, and each change is announced")
  void limitAnywhere() {
    book = open();
    java.util.concurrent.atomic.AtomicInteger changes =
        new java.util.concurrent.atomic.AtomicInteger();
    book.onChange(changes::incrementAndGet);
    assertThat(book.limitAnywhere()).isFalse();

    repository.setDeviceQuota(new DeviceQuota("h", "d", null, null, null, 5L, null, null));
    book.poll();
    assertThat(book.limitAnywhere()).isTrue();
    repository.setDeviceQuota(DeviceQuota.followingHub("h", "d"));
    book.poll();
    book.poll(); // nothing moved: not announced
    assertThat(book.limitAnywhere()).isFalse();
    assertThat(changes.get()).isEqualTo(2);
  }
}
