package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.config.BrokerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwitchboardConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsMatchTheDocumentedPortsAndLimits() {
    BrokerConfig c = SwitchboardConfig.load(null, Map.of(), Map.of()).brokerConfig();
    assertThat(c.bindAddress()).as("all interfaces").isEqualTo("0.0.0.0");
    assertThat(c.mqttPort()).isEqualTo(1883);
    assertThat(c.maxQueuedMessages()).isEqualTo(1000);
    assertThat(c.maxQueuedBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.sysInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxSessionExpiry()).isEqualTo(-1);
    assertThat(c.allowAnonymous()).isFalse();
  }

  @Test
  void authDefaults() {
    AuthSettings a = SwitchboardConfig.load(null, Map.of(), Map.of()).authSettings();
    assertThat(a.allowAnonymous()).as("authentication required").isFalse();
    assertThat(a.defaultAllow()).isTrue();
    assertThat(a.hashing()).isEqualTo(dev.switchboard.hub.auth.PasswordHasher.Settings.DEFAULT);
    assertThat(a.checkThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(a.cacheTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(a.jwtKeys().isEmpty()).as("tokens off until a key is set").isTrue();
    assertThat(a.registryPollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(
            SwitchboardConfig.load(null, Map.of(), Map.of("auth.allow-anonymous", true))
                .authSettings()
                .allowAnonymous())
        .isTrue();
  }

  @Test
  void throttleDefaultsAndKeys() {
    assertThat(SwitchboardConfig.load(null, Map.of(), Map.of()).authSettings().throttle())
        .isEqualTo(dev.switchboard.hub.auth.LoginThrottle.Settings.DEFAULT);
    var t =
        SwitchboardConfig.load(
                null,
                Map.of(),
                Map.of(
                    "auth.throttle.user-address-failures", 3,
                    "auth.throttle.address-failures", 7,
                    "auth.throttle.user-failures", 50,
                    "auth.throttle.window", "2m",
                    "auth.throttle.address-checks", 2,
                    "auth.throttle.known-address-ttl", "0s"))
            .authSettings()
            .throttle();
    assertThat(t.perUserAtAddress().maxFailures()).isEqualTo(3);
    assertThat(t.perAddress().maxFailures()).isEqualTo(7);
    assertThat(t.perUsername().maxFailures())
        .as("user-failures: the per-user ceiling")
        .isEqualTo(50);
    assertThat(t.perUsername().window()).isEqualTo(Duration.ofMinutes(2));
    assertThat(t.checksPerAddress()).isEqualTo(2);
    assertThat(t.knownAddressTtl()).isZero();
  }

  @Test
  void badThrottleValuesNameTheSetting() {
    Map<String, Object> bad =
        Map.of(
            "auth.throttle.user-address-failures", "0",
            "auth.throttle.user-failures", "0",
            "auth.throttle.address-checks", "0",
            "auth.throttle.known-address-ttl", "-1s",
            "auth.throttle.longest-block", "1ms");
    for (var e : bad.entrySet()) {
      assertThatThrownBy(
              () ->
                  SwitchboardConfig.load(null, Map.of(), Map.of(e.getKey(), e.getValue()))
                      .authSettings())
          .as(e.getKey())
          .isInstanceOf(ConfigError.class)
          .hasMessageContaining("auth.throttle")
          .message()
          .doesNotContain("\n");
    }
  }

  @Test
  void badAuthValuesNameTheSetting() throws IOException {
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "not a key");
    Map<String, Object> bad =
        Map.of(
            "auth.default-access", "maybe",
            "auth.passwords.algorithm", "md5",
            "auth.passwords.argon2id.memory-kib", "1",
            "auth.throttle.address-failures", "0",
            "auth.jwt.hmac-secret", "short",
            "auth.jwt.public-keys", pem.toString(),
            "auth.jwt.jwks", dir.resolve("missing.json").toString(),
            "auth.jwt.algorithms", java.util.List.of("none"),
            "auth.certificates.identity", "email",
            "registry.poll-interval", "1ms");
    for (var e : bad.entrySet()) {
      String key = e.getKey();
      assertThatThrownBy(
              () ->
                  SwitchboardConfig.load(null, Map.of(), Map.of(key, e.getValue())).authSettings())
          .as(key)
          .isInstanceOf(ConfigError.class)
          .message()
          .satisfies(
              m -> {
                assertThat(m).doesNotContain("\n");
                assertThat(m.contains(key.substring(0, key.lastIndexOf('.'))))
                    .as("'%s' names %s", m, key)
                    .isTrue();
              });
    }
  }

  @Test
  void fileThenEnvironmentThenFlagsOverride() throws IOException {
    Path file = dir.resolve("s.conf");
    Files.writeString(
        file,
        "switchboard { listeners.mqtt.port = 2000, limits.max-inflight = 7, sessions.max-expiry = 1h }");
    BrokerConfig c =
        SwitchboardConfig.load(
                file,
                Map.of(
                    "SWITCHBOARD_LISTENERS_MQTT_PORT",
                    "3000",
                    "SWITCHBOARD_LIMITS_MAX__QUEUED__MESSAGES",
                    "5"),
                Map.of("listeners.mqtt.port", "4000"))
            .brokerConfig();
    assertThat(c.mqttPort()).isEqualTo(4000);
    assertThat(c.maxQueuedMessages()).isEqualTo(5);
    assertThat(c.maxInflight()).isEqualTo(7);
    assertThat(c.maxSessionExpiry()).isEqualTo(3600);
  }

  @Test
  void limitsBeforeAuthenticationHaveDefaultsAndCanBeSet() {
    BrokerConfig defaults = SwitchboardConfig.load(null, Map.of(), Map.of()).brokerConfig();
    assertThat(defaults.maxConnectSize()).isEqualTo(64 * 1024);
    assertThat(defaults.preAuthBudget()).isEqualTo(64L * 1024 * 1024);
    BrokerConfig set =
        SwitchboardConfig.load(
                null,
                Map.of("SWITCHBOARD_LIMITS_MAX__CONNECT__SIZE", "1MiB"),
                Map.of("limits.pre-auth-budget", "0"))
            .brokerConfig();
    assertThat(set.maxConnectSize()).isEqualTo(1024 * 1024);
    assertThat(set.preAuthBudget()).as("0: no budget").isZero();
  }

  @Test
  void badLimitsBeforeAuthenticationNameTheSetting() {
    Map<String, String> bad =
        Map.of(
            "limits.max-connect-size", "10",
            "limits.pre-auth-budget", "lots");
    for (var e : bad.entrySet()) {
      assertThatThrownBy(
              () ->
                  SwitchboardConfig.load(null, Map.of(), Map.of(e.getKey(), e.getValue()))
                      .brokerConfig())
          .as(e.getKey())
          .isInstanceOf(ConfigError.class)
          .hasMessageContaining(e.getKey());
    }
    assertThatThrownBy(
            () ->
                SwitchboardConfig.load(null, Map.of(), Map.of("limits.max-connect-size", "1GiB"))
                    .brokerConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("limits.max-connect-size");
  }

  @Test
  void portOffDisablesTheListener() {
    BrokerConfig c =
        SwitchboardConfig.load(null, Map.of(), Map.of("listeners.mqtt.port", "off")).brokerConfig();
    assertThat(c.mqttPort()).isEqualTo(BrokerConfig.PORT_OFF);
  }

  @Test
  void aBadValueNamesTheSetting() {
    assertThatThrownBy(
            () ->
                SwitchboardConfig.load(null, Map.of(), Map.of("limits.max-inflight", "lots"))
                    .brokerConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("limits.max-inflight");
    assertThatThrownBy(
            () ->
                SwitchboardConfig.load(null, Map.of(), Map.of("listeners.mqtt.port", "70000"))
                    .brokerConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("listeners.mqtt.port");
    assertThatThrownBy(
            () ->
                SwitchboardConfig.load(null, Map.of(), Map.of("mqtt.max-qos", "3")).brokerConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("max-qos");
  }

  @Test
  void hubListenersAndHostsPickAClientsHub() throws IOException {
    Path file = dir.resolve("hubs.conf");
    Files.writeString(
        file,
        """
        switchboard.hubs {
          listeners { team3 = 1884 }
          hosts { "Team4.Example.org" = team4 }
          host-domain = lab.example
        }
        """);
    SwitchboardConfig config = SwitchboardConfig.load(file, Map.of(), Map.of());

    assertThat(config.brokerConfig().listeners())
        .anyMatch(l -> l.name().equals("hub-team3") && l.port() == 1884);
    var selection = config.authSettings().hubs();
    assertThat(selection.listenerHubs()).containsExactly(Map.entry("hub-team3", "team3"));
    assertThat(selection.hostHubs()).containsExactly(Map.entry("team4.example.org", "team4"));
    assertThat(selection.hostDomain()).isEqualTo("lab.example");
    assertThat(SwitchboardConfig.load(null, Map.of(), Map.of()).authSettings().hubs())
        .isEqualTo(dev.switchboard.hub.auth.HubSelector.Settings.NONE);
  }

  @Test
  void aBadHubNameInTheHubSettingsNamesTheSetting() throws IOException {
    Path file = dir.resolve("hubs.conf");
    Files.writeString(file, "switchboard.hubs.listeners { Team_3 = 1884 }\n");
    assertThatThrownBy(() -> SwitchboardConfig.load(file, Map.of(), Map.of()).authSettings())
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "switchboard.hubs.listeners.Team_3: 'Team_3' is not a hub name: 1 to 32 of a-z, 0-9"
                + " and '-'");
    Files.writeString(file, "switchboard.hubs.hosts { a.example = team3 }\n");
    assertThatThrownBy(() -> SwitchboardConfig.load(file, Map.of(), Map.of()).authSettings())
        .isInstanceOf(ConfigError.class)
        .hasMessage("switchboard.hubs.hosts.a must be a hub name");
  }

  @Test
  void anUnknownSettingIsRefusedWithWhereItCameFrom() throws IOException {
    Path file = dir.resolve("typo.conf");
    Files.writeString(file, "switchboard.limits.max-inflite = 5\n");
    assertThatThrownBy(() -> SwitchboardConfig.load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("switchboard.limits.max-inflite")
        .hasMessageContaining("typo.conf");
  }

  @Test
  void theLaunchersVariablesAreNotTakenForSettings() {
    BrokerConfig c =
        SwitchboardConfig.load(
                null,
                Map.of(
                    "SWITCHBOARD_HEAP", "2g",
                    "SWITCHBOARD_JAVA_OPTS", "-Xmx1g",
                    "SWITCHBOARD_LOG_LEVEL", "DEBUG",
                    "SWITCHBOARD_LIMITS_MAX__INFLIGHT", "9"),
                Map.of())
            .brokerConfig();
    assertThat(c.maxInflight()).as("a setting beside them still applies").isEqualTo(9);
    assertThatThrownBy(
            () -> SwitchboardConfig.load(null, Map.of("SWITCHBOARD_HEAPS", "2g"), Map.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("switchboard.heaps");
  }

  @Test
  void anUnreadableOrBrokenFileIsOneClearLine() throws IOException {
    assertThatThrownBy(
            () -> SwitchboardConfig.load(dir.resolve("missing.conf"), Map.of(), Map.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("missing.conf");
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "switchboard { limits = \n");
    assertThatThrownBy(() -> SwitchboardConfig.load(broken, Map.of(), Map.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("broken.conf")
        .hasMessageNotContaining("\n");
  }
}
