package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The console's rule tester: the broker's own authorizer answers for a device of the registry. */
@DisplayName("POST /api/v1/hubs/{hub}/rules/check")
class RuleCheckTest {
  static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.withRules();
    api.registry.add(Device.create("team3", "device_1", "device_1", null, ApiFixture.NOW));
    api.registry.addRule(
        new AccessRule(
            0, "team3", "device_1", 1, RuleAction.ALLOW, RuleOperation.ALL, "lab/%c/#", ""));
    api.registry.addRule(
        new AccessRule(
            0, "team3", null, 5, RuleAction.DENY, RuleOperation.ALL, "lab/secret", "global"));
    api.registry.addRule(
        new AccessRule(0, "team3", null, 9, RuleAction.DENY, RuleOperation.PUBLISH, "#", ""));
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  private static Http.Answer check(String caller, Map<String, Object> body) {
    return api.as(caller).post("/api/v1/hubs/team3/rules/check", body);
  }

  @Test
  @DisplayName(
      "a device's own rule with %c allows its topics; the global deny refuses the rest; a"
          + " subscription a deny rule cuts into is allowed but narrowed; a viewer may ask")
  void answersAsTheBrokerWould() {
    Http.Answer own =
        check(
            "team3-viewer",
            Map.of("device", "device_1", "operation", "publish", "topic", "lab/device_1/t"));
    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(own.json().path("allowed").asBoolean()).isTrue();

    Http.Answer other =
        check(
            "team3-viewer",
            Map.of("device", "device_1", "operation", "publish", "topic", "lab/device_2/t"));
    assertThat(other.json().path("allowed").asBoolean()).as("the global deny of publish").isFalse();

    Http.Answer otherId =
        check(
            "team3-admin",
            Map.of(
                "device",
                "device_1",
                "clientId",
                "device_2",
                "operation",
                "publish",
                "topic",
                "lab/device_2/t"));
    assertThat(otherId.json().path("allowed").asBoolean()).as("%c is the client id used").isTrue();

    Http.Answer wide = check("team3-admin", Map.of("operation", "subscribe", "topic", "lab/#"));
    assertThat(wide.json().path("allowed").asBoolean()).isTrue();
    assertThat(wide.json().path("narrowed").asBoolean()).as("lab/secret is cut out").isTrue();
    Http.Answer secret =
        check("team3-admin", Map.of("operation", "subscribe", "topic", "lab/secret"));
    assertThat(secret.json().path("allowed").asBoolean()).isFalse();
  }

  @Test
  @DisplayName("bad input names the field; another hub's caller sees no such hub")
  void badInput() {
    assertThat(check("team3-admin", Map.of("operation", "read", "topic", "a")).field())
        .isEqualTo("operation");
    assertThat(check("team3-admin", Map.of("operation", "publish", "topic", "a/#")).field())
        .isEqualTo("topic");
    Http.Answer nobody =
        check("team3-admin", Map.of("device", "nobody", "operation", "publish", "topic", "a"));
    assertThat(nobody.status()).isEqualTo(404);
    assertThat(nobody.field()).isEqualTo("device");
    assertThat(check("team4-owner", Map.of("operation", "publish", "topic", "a")).status())
        .isEqualTo(404);
  }
}
