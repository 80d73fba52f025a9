package dev.switchboard.hub.acl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.auth.TopicGuard;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.hub.testing.MutableDirectory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RuleAuthorizerTest {
  private final MutableDirectory directory = new MutableDirectory();
  private final RuleAuthorizer allowByDefault = new RuleAuthorizer(directory, true);
  private final RuleAuthorizer denyByDefault = new RuleAuthorizer(directory, false);
  private final List<AccessRule> rules = new ArrayList<>();
  private long nextId = 1;

  private AccessRule rule(
      String clientId, int priority, RuleAction action, RuleOperation op, String filter) {
    AccessRule r =
        new AccessRule(nextId++, Hub.DEFAULT, clientId, priority, action, op, filter, "");
    rules.add(r);
    directory.set(List.of(), rules);
    return r;
  }

  private void global(int priority, RuleAction action, RuleOperation op, String filter) {
    rule(null, priority, action, op, filter);
  }

  private void device(int priority, RuleAction action, RuleOperation op, String filter) {
    rule("d1", priority, action, op, filter);
  }

  /** A client that logged in with device d1's credentials, under the given client id. */
  private static ClientIdentity client(String clientId, String username, List<AccessRule> own) {
    return new ClientIdentity(clientId, null, new InetSocketAddress("192.0.2.1", 1))
        .authenticated(new Principal(username, new ClientAccess("d1", own), false, null));
  }

  private static ClientIdentity client(String clientId, String username) {
    return client(clientId, username, List.of());
  }

  private static final ClientIdentity D1 = client("d1", "alice");

  @Nested
  class Basics {
    @Test
    @DisplayName("no rules at all: the default decides, allow or deny")
    void noRules() {
      assertThat(allowByDefault.canPublish(D1, "a/b")).isTrue();
      assertThat(allowByDefault.canSubscribe(D1, "a/#")).isTrue();
      assertThat(denyByDefault.canPublish(D1, "a/b")).isFalse();
      assertThat(denyByDefault.canSubscribe(D1, "a/#")).isFalse();
    }

    @Test
    @DisplayName("a matching ALLOW allows, a matching DENY denies; no match: the default")
    void allowDeny() {
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "open/#");
      global(2, RuleAction.DENY, RuleOperation.ALL, "closed/#");
      assertThat(denyByDefault.canPublish(D1, "open/x")).isTrue();
      assertThat(allowByDefault.canPublish(D1, "closed/x")).isFalse();
      assertThat(allowByDefault.canPublish(D1, "other")).isTrue();
      assertThat(denyByDefault.canPublish(D1, "other")).isFalse();
    }

    @Test
    @DisplayName(
        "$SYS topics: only an explicit ALLOW lets a client publish there, never the default")
    void systemTopicsNeedAnExplicitRule() {
      assertThat(allowByDefault.canPublishSystemTopic(D1, "$SYS/broker/uptime")).isFalse();
      global(1, RuleAction.ALLOW, RuleOperation.PUBLISH, "$SYS/bridge/#");
      global(2, RuleAction.DENY, RuleOperation.ALL, "$SYS/bridge/secret");
      assertThat(allowByDefault.canPublishSystemTopic(D1, "$SYS/bridge/status")).isTrue();
      assertThat(denyByDefault.canPublishSystemTopic(D1, "$SYS/bridge/status")).isTrue();
      assertThat(allowByDefault.canPublishSystemTopic(D1, "$SYS/broker/uptime"))
          .as("no rule decides: not the default")
          .isFalse();
    }

    @Test
    @DisplayName("CONTINUE decides nothing: the next matching rule does")
    void continueRule() {
      global(1, RuleAction.CONTINUE, RuleOperation.ALL, "a/#");
      global(2, RuleAction.DENY, RuleOperation.ALL, "a/b");
      assertThat(allowByDefault.canPublish(D1, "a/b")).isFalse();
      assertThat(allowByDefault.canPublish(D1, "a/c")).isTrue();
      assertThat(denyByDefault.canPublish(D1, "a/c")).isFalse();
    }

    @Test
    @DisplayName("a PUBLISH rule does not apply to SUBSCRIBE, nor a SUBSCRIBE rule to PUBLISH")
    void operations() {
      global(1, RuleAction.DENY, RuleOperation.PUBLISH, "p/#");
      global(2, RuleAction.DENY, RuleOperation.SUBSCRIBE, "s/#");
      assertThat(allowByDefault.canPublish(D1, "p/x")).isFalse();
      assertThat(allowByDefault.canSubscribe(D1, "p/x")).isTrue();
      assertThat(allowByDefault.canSubscribe(D1, "s/x")).isFalse();
      assertThat(allowByDefault.canPublish(D1, "s/x")).isTrue();
    }
  }

  @Nested
  class Order {
    @Test
    @DisplayName("lower priority first, whatever order the rules were given in")
    void priority() {
      global(20, RuleAction.ALLOW, RuleOperation.ALL, "a/#");
      global(10, RuleAction.DENY, RuleOperation.ALL, "a/b");
      assertThat(allowByDefault.canPublish(D1, "a/b")).isFalse();
      assertThat(allowByDefault.canPublish(D1, "a/c")).isTrue();
    }

    @Test
    @DisplayName("a device rule of lower priority number beats a global rule, and vice versa")
    void deviceAndGlobalByPriority() {
      global(5, RuleAction.DENY, RuleOperation.ALL, "x/#");
      device(10, RuleAction.ALLOW, RuleOperation.ALL, "x/#");
      assertThat(allowByDefault.canPublish(D1, "x/1")).isFalse();
      device(1, RuleAction.ALLOW, RuleOperation.ALL, "x/#");
      assertThat(allowByDefault.canPublish(D1, "x/1")).isTrue();
    }

    @Test
    @DisplayName("ties: the client's own rules, then its device's, then the global ones")
    void ties() {
      global(5, RuleAction.DENY, RuleOperation.ALL, "t/#");
      device(5, RuleAction.ALLOW, RuleOperation.ALL, "t/#");
      assertThat(denyByDefault.canPublish(D1, "t/1")).isTrue();

      AccessRule ownDeny =
          new AccessRule(1, Hub.DEFAULT, null, 5, RuleAction.DENY, RuleOperation.ALL, "t/#", "");
      assertThat(allowByDefault.canPublish(client("d1", "alice", List.of(ownDeny)), "t/1"))
          .isFalse();
    }

    @Test
    @DisplayName("ties within one list: by id (the directory's order)")
    void tiesById() {
      global(5, RuleAction.DENY, RuleOperation.ALL, "t/#"); // id 1
      global(5, RuleAction.ALLOW, RuleOperation.ALL, "t/#"); // id 2
      assertThat(allowByDefault.canPublish(D1, "t/1")).isFalse();
    }

    @Test
    @DisplayName("ties among a token's own rules: by position")
    void ownRulesByPosition() {
      List<AccessRule> own =
          List.of(
              new AccessRule(
                  1, Hub.DEFAULT, null, 1, RuleAction.ALLOW, RuleOperation.ALL, "a/#", ""),
              new AccessRule(
                  2, Hub.DEFAULT, null, 1, RuleAction.DENY, RuleOperation.ALL, "a/#", ""));
      assertThat(denyByDefault.canPublish(client("c", "u", own), "a/1")).isTrue();
    }

    @Test
    @DisplayName("rules are read live: a change applies to a client already connected")
    void live() {
      assertThat(allowByDefault.canPublish(D1, "a")).isTrue();
      device(1, RuleAction.DENY, RuleOperation.ALL, "a");
      assertThat(allowByDefault.canPublish(D1, "a")).isFalse();
      directory.set(List.of(), List.of());
      assertThat(allowByDefault.canPublish(D1, "a")).isTrue();
    }

    @Test
    @DisplayName(
        "a connection's rules are looked up once per registry epoch, and again after a change")
    void keptPerEpoch() {
      device(1, RuleAction.DENY, RuleOperation.PUBLISH, "secret/#");
      global(2, RuleAction.ALLOW, RuleOperation.ALL, "#");
      int[] lookups = new int[1];
      DeviceDirectory counting =
          new DeviceDirectory() {
            @Override
            public Hub hub(String name) {
              return directory.hub(name);
            }

            @Override
            public Device byClientId(String hub, String clientId) {
              return directory.byClientId(hub, clientId);
            }

            @Override
            public Device byUsername(String hub, String username) {
              return directory.byUsername(hub, username);
            }

            @Override
            public List<String> hubsWithUsername(String username) {
              return directory.hubsWithUsername(username);
            }

            @Override
            public List<AccessRule> rulesFor(String hub, String clientId) {
              lookups[0]++;
              return directory.rulesFor(hub, clientId);
            }

            @Override
            public List<AccessRule> globalRules(String hub) {
              return directory.globalRules(hub);
            }

            @Override
            public Object rulesEpoch() {
              return directory.rulesEpoch();
            }
          };
      RuleAuthorizer authorizer = new RuleAuthorizer(counting, false);
      ClientIdentity d1 = client("d1", "alice");
      for (int i = 0; i < 100; i++) {
        assertThat(authorizer.canPublish(d1, "secret/" + i)).isFalse();
        assertThat(authorizer.canPublish(d1, "open/" + i)).isTrue();
      }
      assertThat(lookups[0]).as("one lookup for 200 checks").isEqualTo(1);

      rules.clear();
      directory.set(List.of(), List.of()); // a registry change: the rules are gone
      assertThat(authorizer.canPublish(d1, "secret/1")).isFalse(); // the default: deny
      assertThat(lookups[0]).isEqualTo(2);
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "secret/#");
      assertThat(authorizer.canPublish(d1, "secret/1")).isTrue();
      assertThat(lookups[0]).isEqualTo(3);
    }

    @Test
    @DisplayName(
        "another device's rules do not apply; a client without ClientAccess gets the global ones")
    void whoseRules() {
      rule("d2", 1, RuleAction.DENY, RuleOperation.ALL, "a");
      global(2, RuleAction.DENY, RuleOperation.ALL, "g");
      assertThat(allowByDefault.canPublish(D1, "a")).isTrue();
      ClientIdentity plain =
          new ClientIdentity("x", "u", new InetSocketAddress("192.0.2.1", 1))
              .authenticated(Principal.of("u"));
      assertThat(allowByDefault.canPublish(plain, "a")).isTrue();
      assertThat(allowByDefault.canPublish(plain, "g")).isFalse();
      ClientIdentity unauthenticated =
          new ClientIdentity("x", "u", new InetSocketAddress("192.0.2.1", 1));
      assertThat(allowByDefault.canPublish(unauthenticated, "g")).isFalse();
    }
  }

  @Nested
  class Substitution {
    @Test
    @DisplayName("%c is the client id, %u the user name")
    void clientIdAndUsername() {
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "devices/%c/#");
      global(2, RuleAction.ALLOW, RuleOperation.ALL, "users/%u/#");
      assertThat(denyByDefault.canPublish(client("c1", "alice"), "devices/c1/temp")).isTrue();
      assertThat(denyByDefault.canPublish(client("c1", "alice"), "devices/c2/temp")).isFalse();
      assertThat(denyByDefault.canPublish(client("c1", "alice"), "users/alice/x")).isTrue();
      assertThat(denyByDefault.canPublish(client("c1", "alice"), "users/bob/x")).isFalse();
      assertThat(denyByDefault.canSubscribe(client("c1", "alice"), "devices/c1/+")).isTrue();
    }

    @Test
    @DisplayName("each client its own substitution, even through one shared ClientAccess")
    void perClient() {
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "devices/%c");
      ClientAccess shared = new ClientAccess(null, List.of());
      ClientIdentity a =
          new ClientIdentity("a", null, null)
              .authenticated(new Principal("u", shared, false, null));
      ClientIdentity b =
          new ClientIdentity("b", null, null)
              .authenticated(new Principal("u", shared, false, null));
      for (int i = 0; i < 2; i++) { // the second round reads the cache
        assertThat(denyByDefault.canPublish(a, "devices/a")).isTrue();
        assertThat(denyByDefault.canPublish(a, "devices/b")).isFalse();
        assertThat(denyByDefault.canPublish(b, "devices/b")).isTrue();
        assertThat(denyByDefault.canPublish(b, "devices/a")).isFalse();
      }
    }

    @Test
    @DisplayName("a client without a client id: %c rules never match")
    void noClientId() {
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "devices/%c");
      ClientIdentity none =
          new ClientIdentity(null, null, null)
              .authenticated(new Principal("u", new ClientAccess(null, List.of()), false, null));
      assertThat(denyByDefault.canPublish(none, "devices/null")).isFalse();
    }

    @Test
    @DisplayName("%u never matches a client without a user name, not even to deny")
    void noUsername() {
      global(1, RuleAction.DENY, RuleOperation.ALL, "users/%u/#");
      global(2, RuleAction.ALLOW, RuleOperation.ALL, "users/%u/#");
      ClientIdentity anonymous = client("c1", null);
      assertThat(denyByDefault.canPublish(anonymous, "users/x")).isFalse();
      assertThat(allowByDefault.canPublish(anonymous, "users/x")).isTrue();
    }

    @Test
    @DisplayName("a client id with '+' or '#' makes a %c rule allow nothing and deny everything")
    void wildcardInClientId() {
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "devices/%c/#");
      ClientIdentity sneaky = client("+", "alice");
      assertThat(denyByDefault.canPublish(sneaky, "devices/d1/x")).isFalse();
      assertThat(denyByDefault.canSubscribe(sneaky, "devices/+/#")).isFalse();

      directory.set(List.of(), List.of());
      rules.clear();
      global(1, RuleAction.DENY, RuleOperation.ALL, "devices/%c/#");
      assertThat(allowByDefault.canPublish(sneaky, "anything")).isFalse();
      assertThat(allowByDefault.canPublish(client("ok", "alice"), "anything")).isTrue();
    }
  }

  @Nested
  class Subscribe {
    @Test
    @DisplayName("ALLOW applies when its filter covers the requested one")
    void allowCovers() {
      global(1, RuleAction.ALLOW, RuleOperation.SUBSCRIBE, "a/#");
      global(2, RuleAction.ALLOW, RuleOperation.SUBSCRIBE, "b/+");
      assertThat(denyByDefault.canSubscribe(D1, "a/+/b")).isTrue();
      assertThat(denyByDefault.canSubscribe(D1, "a")).isTrue();
      assertThat(denyByDefault.canSubscribe(D1, "b/x")).isTrue();
      assertThat(denyByDefault.canSubscribe(D1, "b/#")).isFalse();
      assertThat(denyByDefault.canSubscribe(D1, "#")).isFalse();
    }

    @Test
    @DisplayName(
        "DENY refuses a subscription it covers wholly; one it only cuts into is granted with a"
            + " guard that withholds the denied topics; others get no guard")
    void denyCoversOrNarrows() {
      global(1, RuleAction.DENY, RuleOperation.SUBSCRIBE, "a/secret");
      assertThat(allowByDefault.canSubscribe(D1, "a/secret")).isFalse();
      assertThat(allowByDefault.canSubscribe(D1, "a/+")).isTrue();
      assertThat(allowByDefault.canSubscribe(D1, "#")).isTrue();
      assertThat(allowByDefault.canSubscribe(D1, "a/public")).isTrue();
      assertThat(allowByDefault.canSubscribe(D1, "a/+/x")).isTrue();

      for (String filter : List.of("a/+", "#", "$share/g/a/+")) {
        TopicGuard guard = allowByDefault.subscriptionGuard(D1, filter);
        assertThat(guard).as("guard of %s", filter).isNotNull();
        assertThat(guard.allows("a/secret")).as("%s delivers a/secret", filter).isFalse();
        assertThat(guard.allows("a/public")).as("%s delivers a/public", filter).isTrue();
      }
      assertThat(allowByDefault.subscriptionGuard(D1, "a/public")).isNull();
      assertThat(allowByDefault.subscriptionGuard(D1, "a/+/x")).isNull();
      assertThat(allowByDefault.subscriptionGuard(D1, "b/#")).isNull();
    }

    @Test
    @DisplayName("a guard decides each topic by the rules in order: an earlier ALLOW still wins")
    void guardFollowsRuleOrder() {
      global(1, RuleAction.ALLOW, RuleOperation.SUBSCRIBE, "a/secret/open");
      global(2, RuleAction.DENY, RuleOperation.SUBSCRIBE, "a/secret/#");
      TopicGuard guard = allowByDefault.subscriptionGuard(D1, "a/#");
      assertThat(guard).isNotNull();
      assertThat(guard.allows("a/secret/open")).isTrue();
      assertThat(guard.allows("a/secret/closed")).isFalse();
      assertThat(guard.allows("a/other")).isTrue();
    }

    @Test
    @DisplayName("$share/group/ is stripped before matching")
    void shared() {
      global(1, RuleAction.DENY, RuleOperation.SUBSCRIBE, "a/secret");
      global(2, RuleAction.ALLOW, RuleOperation.SUBSCRIBE, "a/#");
      assertThat(denyByDefault.canSubscribe(D1, "$share/g/a/x")).isTrue();
      assertThat(denyByDefault.canSubscribe(D1, "$share/g/a/secret")).isFalse();
      assertThat(denyByDefault.canSubscribe(D1, "$share/g/a/+"))
          .as("granted, narrowed by the deny")
          .isTrue();
      assertThat(denyByDefault.subscriptionGuard(D1, "$share/g/a/+").allows("a/secret")).isFalse();
      assertThat(denyByDefault.canSubscribe(D1, "$share/g/b")).isFalse();
    }
  }

  @Nested
  class Dollar {
    @Test
    @DisplayName("'#' and '+' rules do not match $SYS topics; a $SYS rule does")
    void sys() {
      global(1, RuleAction.ALLOW, RuleOperation.ALL, "#");
      global(2, RuleAction.ALLOW, RuleOperation.ALL, "+/x");
      assertThat(denyByDefault.canPublish(D1, "$SYS/x")).isFalse();
      assertThat(denyByDefault.canSubscribe(D1, "$SYS/#")).isFalse();
      assertThat(denyByDefault.canPublish(D1, "a/b")).isTrue();

      global(3, RuleAction.ALLOW, RuleOperation.ALL, "$SYS/#");
      assertThat(denyByDefault.canPublish(D1, "$SYS/x")).isTrue();
      assertThat(denyByDefault.canSubscribe(D1, "$SYS/broker/+")).isTrue();
    }

    @Test
    @DisplayName("a '#' DENY does not reach $SYS either")
    void denyHash() {
      global(1, RuleAction.DENY, RuleOperation.ALL, "#");
      assertThat(allowByDefault.canSubscribe(D1, "$SYS/#")).isTrue();
      assertThat(allowByDefault.canPublish(D1, "a")).isFalse();
    }
  }
}
