package dev.switchboard.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.quota.DeviceMeter;
import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.QuotaBook;
import dev.switchboard.hub.quota.QuotaLimits;
import dev.switchboard.hub.quota.SavedCounter;
import dev.switchboard.hub.quota.Window;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.store.StoreConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Quotas in the registry (schema version 6), the same on SQLite and PostgreSQL. */
abstract class QuotaStoreContract {
  static final String HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

  private static final Duration NEVER = Duration.ofDays(1);

  protected StoreConfig config;
  protected RegistryStore registry;
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-15T12:00:00Z"), ZoneOffset.UTC);

  protected abstract StoreConfig newStoreConfig() throws Exception;

  @BeforeEach
  void open() throws Exception {
    config = newStoreConfig();
    registry = RegistryStore.open(config, clock);
    registry.addHub(Hub.create("team3", 0));
    registry.add(Device.create("team3", "device_1", "device_1", HASH, 0));
    registry.add(Device.create("team3", "device_2", "device_2", HASH, 0));
  }

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  @DisplayName(
      "a hub's settings and a device's own limits are kept, each change moving the registry's"
          + " version; a device that follows its hub again has no row")
  void settings() {
    QuotaStore quotas = registry.quotas();
    assertThat(quotas.hubQuota("team3")).isEqualTo(HubQuota.none("team3"));
    long before = quotas.version();

    HubQuota hub = new HubQuota("team3", 512, new QuotaLimits(4096, 300, 0, 10_000, 0, true));
    quotas.setHubQuota(hub);
    DeviceQuota own = new DeviceQuota("team3", "device_1", null, 5L, null, null, 1_000_000L, false);
    quotas.setDeviceQuota(own);

    assertThat(quotas.version()).isEqualTo(before + 2);
    assertThat(quotas.hubQuota("team3")).isEqualTo(hub);
    assertThat(quotas.hubQuotas()).containsExactly(hub);
    assertThat(quotas.deviceQuota("team3", "device_1")).contains(own);
    assertThat(quotas.deviceQuotas()).containsExactly(own);
    assertThat(own.over(hub.defaults()))
        .isEqualTo(new QuotaLimits(4096, 5, 0, 10_000, 1_000_000, false));

    quotas.setDeviceQuota(DeviceQuota.followingHub("team3", "device_1"));
    assertThat(quotas.deviceQuota("team3", "device_1")).isEmpty();
  }

  @Test
  @DisplayName("unknown hubs and devices are refused, nothing written, the version unmoved")
  void unknown() {
    QuotaStore quotas = registry.quotas();
    long before = quotas.version();
    assertThatThrownBy(() -> quotas.setHubQuota(HubQuota.none("nope")))
        .isInstanceOf(RegistryException.class)
        .hasMessage("hub 'nope' does not exist");
    assertThatThrownBy(
            () ->
                quotas.setDeviceQuota(
                    new DeviceQuota("team3", "x", 1, null, null, null, null, null)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("device 'x' does not exist");
    assertThat(quotas.version()).isEqualTo(before);
    assertThat(quotas.deviceQuotas()).isEmpty();
  }

  @Test
  @DisplayName(
      "counts are saved without moving the version, replaced by the next save, skipped for a"
          + " device removed meanwhile, and go with their device")
  void counters() {
    QuotaStore quotas = registry.quotas();
    long before = quotas.version();
    long day = Window.DAY.start(clock.millis());
    quotas.saveCounters(
        List.of(
            new SavedCounter("team3", "device_1", Window.DAY, day, 5),
            new SavedCounter("team3", "gone", Window.DAY, day, 9)));
    quotas.saveCounters(List.of(new SavedCounter("team3", "device_1", Window.DAY, day, 7)));

    assertThat(quotas.savedCounters())
        .containsExactly(new SavedCounter("team3", "device_1", Window.DAY, day, 7));
    assertThat(quotas.version()).isEqualTo(before);

    registry.remove("team3", "device_1");
    assertThat(quotas.savedCounters()).isEmpty();
  }

  @Test
  @DisplayName(
      "the day and month counts of a running server survive a restart: saved at close, restored"
          + " by the next server on the same store")
  void countsSurviveARestart() {
    registry.quotas().setHubQuota(new HubQuota("team3", 0, new QuotaLimits(0, 0, 0, 10, 0, false)));
    QuotaBook book = QuotaBook.open(registry.quotas(), clock, NEVER, NEVER);
    DeviceMeter meter = (DeviceMeter) book.budgetFor("team3", "device_1");
    for (int i = 0; i < 4; i++) {
      meter.chargePublish(1);
      meter.chargeDelivery(1);
    }
    book.close();
    registry.close();

    registry = RegistryStore.open(config, clock); // the next server
    QuotaBook next = QuotaBook.open(registry.quotas(), clock, NEVER, NEVER);
    try {
      DeviceMeter restored = (DeviceMeter) next.budgetFor("team3", "device_1");
      assertThat(restored.usage().used(Window.DAY)).isEqualTo(8);
      assertThat(restored.usage().used(Window.MONTH)).isEqualTo(8);
      restored.chargePublish(1);
      restored.chargePublish(1);
      assertThat(restored.chargePublish(1)).isEqualTo(DeviceMeter.DROP); // 10 a day
    } finally {
      next.close();
    }
  }
}
