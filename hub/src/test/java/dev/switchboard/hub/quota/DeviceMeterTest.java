package dev.switchboard.hub.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.hub.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A device's meter: windows, the measurer, publishes and deliveries, limits at work. */
@DisplayName("Quotas: a device's meter")
class DeviceMeterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-30T23:58:30Z"));
  private final HubQuotaCounters hub = new HubQuotaCounters();

  private DeviceMeter meter(QuotaLimits limits, int measurer) {
    return new DeviceMeter("h", "d", clock, hub, new DeviceMeter.Terms(limits, measurer));
  }

  private static QuotaLimits perWindow(Window w, long n) {
    return new QuotaLimits(
        0,
        w == Window.MINUTE ? n : 0,
        w == Window.HOUR ? n : 0,
        w == Window.DAY ? n : 0,
        w == Window.MONTH ? n : 0,
        false);
  }

  @ParameterizedTest
  @CsvSource({
    "0,500,1",
    "300,500,1",
    "500,500,1",
    "501,500,2",
    "3700,500,8",
    "4096,512,8",
    "9,0,1"
  })
  @DisplayName("a message counts as ceil(size / measurer), at least one (MyQttHub's measurer)")
  void measurerRounding(int bytes, int measurer, long units) {
    assertThat(new HubQuota("h", measurer, QuotaLimits.NONE).units(bytes)).isEqualTo(units);
  }

  @ParameterizedTest
  @CsvSource({"MINUTE,PT1M", "HOUR,PT1H", "DAY,PT24H", "MONTH,P31D"})
  @DisplayName(
      "each window: up to its limit admitted, the next refused and not counted; the next calendar"
          + " window (UTC) starts from zero")
  void everyWindow(Window window, Duration later) {
    DeviceMeter m = meter(perWindow(window, 3), 0);
    for (int i = 0; i < 3; i++) {
      assertThat(m.chargePublish(10)).isEqualTo(DeliveryBudget.ADMIT);
    }
    assertThat(m.chargePublish(10)).isEqualTo(DeliveryBudget.DROP);
    assertThat(m.chargeDelivery(10)).isEqualTo(DeliveryBudget.DROP);
    assertThat(m.usage().used(window)).isEqualTo(3);
    assertThat(m.usage().refused()).isEqualTo(1);
    assertThat(m.usage().dropped()).isEqualTo(1);

    clock.advance(later);
    assertThat(m.usage().used(window)).isZero();
    assertThat(m.chargePublish(10)).isEqualTo(DeliveryBudget.ADMIT);
    assertThat(m.usage().used(window)).isEqualTo(1);
    assertThat(hub.publishesRefused.sum()).isEqualTo(1);
    assertThat(hub.deliveriesDropped.sum()).isEqualTo(1);
  }

  @Test
  @DisplayName("windows are calendar windows in UTC: 23:58:30 and 00:00:10 are two days and months")
  void calendarWindows() {
    assertThat(Window.MINUTE.start(clock.millis()))
        .isEqualTo(Instant.parse("2025-06-30T23:58:00Z").toEpochMilli());
    assertThat(Window.HOUR.start(clock.millis()))
        .isEqualTo(Instant.parse("2025-06-30T23:00:00Z").toEpochMilli());
    assertThat(Window.DAY.start(clock.millis()))
        .isEqualTo(Instant.parse("2025-06-30T00:00:00Z").toEpochMilli());
    assertThat(Window.MONTH.start(clock.millis()))
        .isEqualTo(Instant.parse("2025-06-01T00:00:00Z").toEpochMilli());
    assertThat(Window.MONTH.end(Window.MONTH.start(clock.millis())))
        .isEqualTo(Instant.parse("2025-07-01T00:00:00Z").toEpochMilli());

    DeviceMeter m = meter(perWindow(Window.DAY, 1), 0);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.ADMIT);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.DROP);
    clock.advance(Duration.ofSeconds(100)); // 00:00:10 on July 1st
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.ADMIT);
    assertThat(m.usage().used(Window.MONTH)).isEqualTo(1); // a new month too
  }

  @Test
  @DisplayName(
      "a message measured past the room left is refused whole, and counted in no window; one"
          + " that fits still goes")
  void measuredMessages() {
    DeviceMeter m = meter(new QuotaLimits(0, 10, 100, 0, 0, false), 100);
    assertThat(m.chargePublish(950)).isEqualTo(DeliveryBudget.ADMIT); // 10 messages
    assertThat(m.usage().used(Window.MINUTE)).isEqualTo(10);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.DROP);
    assertThat(m.usage().used(Window.HOUR)).isEqualTo(10); // the hour took the refused one back
    clock.advance(Duration.ofMinutes(1));
    assertThat(m.chargeDelivery(150)).isEqualTo(DeliveryBudget.ADMIT); // deliveries count too: 2
    assertThat(m.usage().used(Window.HOUR)).isEqualTo(12);
  }

  @Test
  @DisplayName("a PUBLISH over the largest message is refused; one at the size goes")
  void largestMessage() {
    DeviceMeter m = meter(new QuotaLimits(100, 0, 0, 0, 0, false), 0);
    assertThat(m.chargePublish(100)).isEqualTo(DeliveryBudget.ADMIT);
    assertThat(m.chargePublish(101)).isEqualTo(DeliveryBudget.DROP);
    assertThat(m.usage().refused()).isEqualTo(1);
  }

  @Test
  @DisplayName("a device to be disconnected hears DISCONNECT at its limit, and it is counted")
  void disconnectInstead() {
    DeviceMeter m = meter(new QuotaLimits(0, 1, 0, 0, 0, true), 0);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.ADMIT);
    assertThat(m.chargePublish(1)).isEqualTo(DeliveryBudget.DISCONNECT);
    assertThat(m.chargeDelivery(1)).isEqualTo(DeliveryBudget.DISCONNECT);
    assertThat(m.usage().disconnects()).isEqualTo(2);
    assertThat(hub.disconnects.sum()).isEqualTo(2);
  }

  @Test
  @DisplayName("threads charging at once never pass the limit, and the count is exact")
  void concurrentCharges() throws InterruptedException {
    DeviceMeter m = meter(new QuotaLimits(0, 0, 25_000, 0, 0, false), 0);
    AtomicInteger admitted = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 10_000; i++) {
                      int v = i % 2 == 0 ? m.chargePublish(1) : m.chargeDelivery(1);
                      if (v == DeliveryBudget.ADMIT) {
                        admitted.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(admitted.get()).isEqualTo(25_000);
    assertThat(m.usage().used(Window.HOUR)).isEqualTo(25_000);
    assertThat(m.usage().used(Window.MINUTE)).isEqualTo(25_000);
  }

  @Test
  @DisplayName("negative and absurd limits are refused, naming the field")
  void badLimits() {
    assertThatThrownBy(() -> new QuotaLimits(0, -1, 0, 0, 0, false))
        .isInstanceOfSatisfying(
            InvalidQuota.class, e -> assertThat(e.field()).isEqualTo("perMinute"));
    assertThatThrownBy(() -> new QuotaLimits(0, 0, 0, 0, QuotaLimits.MAX_MESSAGES + 1, false))
        .isInstanceOfSatisfying(
            InvalidQuota.class, e -> assertThat(e.field()).isEqualTo("perMonth"));
    assertThatThrownBy(() -> new HubQuota("h", -5, QuotaLimits.NONE))
        .isInstanceOfSatisfying(
            InvalidQuota.class, e -> assertThat(e.field()).isEqualTo("measurerSize"));
    assertThatThrownBy(() -> new DeviceQuota("h", "d", null, null, -2L, null, null, null))
        .isInstanceOfSatisfying(
            InvalidQuota.class, e -> assertThat(e.field()).isEqualTo("perHour"));
  }
}
