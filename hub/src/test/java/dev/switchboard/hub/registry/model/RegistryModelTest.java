package dev.switchboard.hub.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.mqtt.packet.Subscription;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model refuses bad values before any of them reaches the registry. */
class RegistryModelTest {
  private static Device withSubscription(Subscription s) {
    return new Device(
        Hub.DEFAULT,
        "c",
        "u",
        null,
        true,
        ReplacePolicy.REPLACE,
        false,
        true,
        List.of(s),
        List.of(),
        0,
        0);
  }

  @Test
  void aDeviceNeedsAClientIdAndAUserName() {
    assertThatThrownBy(() -> Device.create("", "u", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a device needs a client id");
    assertThatThrownBy(() -> Device.create(null, "u", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a device needs a client id");
    assertThatThrownBy(() -> Device.create("c", "", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a device needs a user name");
  }

  @Test
  void controlCharactersAndOversizedNamesAreRefused() {
    assertThatThrownBy(() -> Device.create("a\u0000b", "u", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a client id cannot contain control characters");
    assertThatThrownBy(() -> Device.create("c", "line\nbreak", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a user name cannot contain control characters");
    assertThatThrownBy(() -> Device.create("é".repeat(32_768), "u", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a client id has at most 65535 bytes");
  }

  @Test
  void aDevicesSubscriptionsMustBeValid() {
    assertThatThrownBy(() -> withSubscription(new Subscription("a/#/b", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'a/#/b' is not a valid topic filter");
    assertThatThrownBy(() -> withSubscription(new Subscription("", 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> withSubscription(new Subscription("a+", 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> withSubscription(new Subscription("a", 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("QoS must be 0, 1 or 2, not 3");
    assertThatThrownBy(() -> withSubscription(new Subscription("a", 1, false, false, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retain handling must be 0, 1 or 2, not 3");
  }

  @Test
  void aDevicesListsAreCopies() {
    List<Cidr> sources = new ArrayList<>(List.of(Cidr.parse("10.0.0.0/8")));
    Device d =
        new Device(
            Hub.DEFAULT,
            "c",
            "u",
            null,
            true,
            ReplacePolicy.REPLACE,
            false,
            false,
            List.of(),
            sources,
            0,
            0);
    sources.clear();

    assertThat(d.allowedSources()).hasSize(1);
    assertThatThrownBy(() -> d.allowedSources().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aRuleNeedsAValidFilterInWhichPercentCAndPercentUStandForNames() {
    AccessRule ok =
        new AccessRule(
            0, Hub.DEFAULT, null, 1, RuleAction.ALLOW, RuleOperation.ALL, "devices/%c/%u/#", null);
    assertThat(ok.label()).isEmpty();
    assertThat(ok.withId(7).id()).isEqualTo(7);

    for (String bad : new String[] {"a/#/b", "", "a%c+", null}) {
      assertThatThrownBy(
              () ->
                  new AccessRule(
                      0, Hub.DEFAULT, null, 1, RuleAction.ALLOW, RuleOperation.ALL, bad, ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("'" + bad + "' is not a valid topic filter");
    }
    assertThatThrownBy(
            () ->
                new AccessRule(0, Hub.DEFAULT, "", 1, RuleAction.ALLOW, RuleOperation.ALL, "#", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a device needs a client id");
    assertThatThrownBy(
            () -> new AccessRule(0, Hub.DEFAULT, null, 1, null, RuleOperation.ALL, "#", ""))
        .isInstanceOf(NullPointerException.class);
  }
}
