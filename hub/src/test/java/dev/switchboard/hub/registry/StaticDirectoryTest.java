package dev.switchboard.hub.registry;

import static dev.switchboard.hub.testing.Devices.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StaticDirectoryTest {

  private static AccessRule rule(long id, String clientId, int priority) {
    return new AccessRule(
        id, Hub.DEFAULT, clientId, priority, RuleAction.ALLOW, RuleOperation.ALL, "t/" + id, "");
  }

  @Test
  @DisplayName("devices by client id and by user name; null when none")
  void lookups() {
    StaticDirectory d =
        new StaticDirectory(List.of(device("c1", "u1", null), device("c2", "u2", null)), List.of());
    assertThat(d.byClientId(Hub.DEFAULT, "c1").username()).isEqualTo("u1");
    assertThat(d.byUsername(Hub.DEFAULT, "u2").clientId()).isEqualTo("c2");
    assertThat(d.byClientId(Hub.DEFAULT, "u1")).isNull();
    assertThat(d.byUsername(Hub.DEFAULT, null)).isNull();
    assertThat(d.byClientId(Hub.DEFAULT, null)).isNull();
  }

  @Test
  @DisplayName("rules split into each device's and the global ones, by priority then id")
  void rulesInOrder() {
    StaticDirectory d =
        new StaticDirectory(
            List.of(),
            List.of(
                rule(3, "c1", 10),
                rule(1, null, 5),
                rule(2, "c1", 10),
                rule(4, "c1", 1),
                rule(5, null, 1)));
    assertThat(d.rulesFor(Hub.DEFAULT, "c1"))
        .extracting(AccessRule::id)
        .containsExactly(4L, 2L, 3L);
    assertThat(d.globalRules(Hub.DEFAULT)).extracting(AccessRule::id).containsExactly(5L, 1L);
    assertThat(d.rulesFor(Hub.DEFAULT, "c2")).isEmpty();
    assertThat(d.rulesFor(Hub.DEFAULT, null)).isEmpty();
    assertThat(d.rulesFor(Hub.DEFAULT, "c1"))
        .isSameAs(d.rulesFor(Hub.DEFAULT, "c1")); // stable instance, unchanged rules
  }

  @Test
  @DisplayName("duplicate client ids or user names are refused")
  void duplicates() {
    assertThatThrownBy(
            () ->
                new StaticDirectory(
                    List.of(device("c1", "u1", null), device("c1", "u2", null)), List.of()))
        .hasMessage("two devices with client id 'c1' in hub 'default'");
    assertThatThrownBy(
            () ->
                new StaticDirectory(
                    List.of(device("c1", "u1", null), device("c2", "u1", null)), List.of()))
        .hasMessage("two devices with user name 'u1' in hub 'default'");
  }
}
