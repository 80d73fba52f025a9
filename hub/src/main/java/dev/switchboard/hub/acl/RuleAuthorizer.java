package dev.switchboard.hub.acl;

import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.auth.TopicGuard;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.mqtt.topic.SharedSubscription;
import dev.switchboard.mqtt.topic.Topics;
import java.util.List;
import java.util.Objects;

/**
 * Decides PUBLISH and SUBSCRIBE by access rules (MyQttHub's filters).
 *
 * <p>A client's rules are its own ({@link ClientAccess#ownRules()}, a token's), its device's (read
 * from the directory, and kept per connection until the registry changes) and the global ones,
 * evaluated together in ascending priority; at equal priority its own come first, then its
 * device's, then the global ones, each in their list's order. {@code %c} stands for the client id,
 * {@code %u} for the user name (a rule with {@code %u} never matches a client without one). The
 * first ALLOW or DENY that matches decides; CONTINUE decides nothing; when nothing decides, the
 * default does.
 *
 * <ul>
 *   <li>PUBLISH: a rule matches when its filter matches the topic.
 *   <li>SUBSCRIBE ({@code $share/group/} stripped): an ALLOW rule matches when its filter covers
 *       the requested one (every topic the subscription could receive, the rule matches); a DENY
 *       rule when they intersect (some topic matches both). So {@code allow a/#} lets one subscribe
 *       to {@code a/+/b}, and {@code deny a/secret} refuses {@code a/+}.
 * </ul>
 *
 * Called on event loops for every PUBLISH and SUBSCRIBE: no locks, no map lookups once a client's
 * rules are kept, no allocation when no rule has {@code %c} or {@code %u} (those are put in once
 * per client and cached).
 */
public final class RuleAuthorizer implements Authorizer {
  private final DeviceDirectory directory;
  private final boolean defaultAllow;

  /**
   * @param directory where device and global rules are read
   * @param defaultAllow the answer when no rule decides (MyQttHub's is to allow)
   */
  public RuleAuthorizer(DeviceDirectory directory, boolean defaultAllow) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.defaultAllow = defaultAllow;
  }

  @Override
  public boolean canPublish(ClientIdentity client, String topic) {
    return orDefault(decide(client, topic, true));
  }

  /** Only a rule that allows it explicitly: the default access never opens the broker's topics. */
  @Override
  public boolean canPublishSystemTopic(ClientIdentity client, String topic) {
    return Boolean.TRUE.equals(decide(client, topic, true));
  }

  /**
   * A subscription is refused when an {@code allow} does not cover it and a {@code deny} covers it
   * wholly (or the default denies); a {@code deny} that only cuts into it (a {@code #} beside "deny
   * {@code test/secret}") does not refuse it, but narrows what it delivers: see {@link
   * #subscriptionGuard}.
   */
  @Override
  public boolean canSubscribe(ClientIdentity client, String filter) {
    return orDefault(decide(client, unshared(filter), false));
  }

  /**
   * A guard when some {@code deny} rule of this client's cuts into {@code filter} without covering
   * it: each message's topic is then decided as a subscription to exactly that topic would be. Null
   * (no cost per message) when no deny rule intersects the filter.
   */
  @Override
  public TopicGuard subscriptionGuard(ClientIdentity client, String filter) {
    String subject = unshared(filter);
    if (!anyDenyIntersects(client, subject)) {
      return null;
    }
    return topic -> orDefault(decide(client, topic, false));
  }

  private static String unshared(String filter) {
    if (SharedSubscription.isShared(filter)) {
      SharedSubscription shared = SharedSubscription.parse(filter);
      if (shared != null) {
        return shared.filter();
      }
    }
    return filter;
  }

  private boolean anyDenyIntersects(ClientIdentity client, String subject) {
    Principal principal = client.principal();
    ClientAccess access =
        principal != null && principal.access() instanceof ClientAccess a ? a : null;
    String device = access == null ? null : access.deviceClientId();
    List<List<AccessRule>> sets =
        List.of(
            access == null ? List.of() : access.ownRules(),
            device == null ? List.of() : directory.rulesFor(client.hub(), device),
            directory.globalRules(client.hub()));
    for (List<AccessRule> rules : sets) {
      for (AccessRule rule : rules) {
        if (rule.action() != RuleAction.DENY || !rule.operation().coversSubscribe()) {
          continue;
        }
        String filter = filterFor(access, rule.filter(), client);
        if (filter == ClientAccess.NEVER) {
          continue;
        }
        if (filter == ClientAccess.UNSAFE || TopicFilters.intersects(filter, subject)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean orDefault(Boolean decided) {
    return decided == null ? defaultAllow : decided;
  }

  /** What the first rule that decides says, or null when none decides. */
  private Boolean decide(ClientIdentity client, String subject, boolean publish) {
    Principal principal = client.principal();
    ClientAccess access =
        principal != null && principal.access() instanceof ClientAccess a ? a : null;
    List<AccessRule> own = access == null ? List.of() : access.ownRules();
    String device = access == null ? null : access.deviceClientId();
    String hub = client.hub();
    List<AccessRule> deviceRules;
    List<AccessRule> global;
    if (access != null) {
      // the directory's answers are kept per connection while its epoch stays: a PUBLISH then
      // costs no map lookup for its rules; a registry change makes a new epoch
      Object epoch = directory.rulesEpoch();
      ClientAccess.Rules kept = access.rules(epoch);
      if (kept == null) {
        kept =
            new ClientAccess.Rules(
                epoch,
                device == null ? List.of() : directory.rulesFor(hub, device),
                directory.globalRules(hub));
        access.keep(kept);
      }
      deviceRules = kept.device();
      global = kept.global();
    } else {
      deviceRules = device == null ? List.of() : directory.rulesFor(hub, device);
      global = directory.globalRules(hub);
    }
    if (own.isEmpty() && deviceRules.isEmpty() && global.isEmpty()) {
      return null;
    }
    int o = 0;
    int d = 0;
    int g = 0;
    while (true) {
      // the next rule in evaluation order: lowest priority; ties go to own, then device, then
      // global
      AccessRule rule = null;
      int from = -1;
      if (o < own.size()) {
        rule = own.get(o);
        from = 0;
      }
      if (d < deviceRules.size()
          && (rule == null || deviceRules.get(d).priority() < rule.priority())) {
        rule = deviceRules.get(d);
        from = 1;
      }
      if (g < global.size() && (rule == null || global.get(g).priority() < rule.priority())) {
        rule = global.get(g);
        from = 2;
      }
      if (rule == null) {
        return null;
      }
      switch (from) {
        case 0 -> o++;
        case 1 -> d++;
        default -> g++;
      }
      RuleAction action = rule.action();
      if (action == RuleAction.CONTINUE
          || !(publish ? rule.operation().coversPublish() : rule.operation().coversSubscribe())) {
        continue; // a CONTINUE match would decide nothing: no need to match it
      }
      String filter = filterFor(access, rule.filter(), client);
      if (filter == ClientAccess.NEVER) {
        continue;
      }
      boolean allow = action == RuleAction.ALLOW;
      if (filter == ClientAccess.UNSAFE) {
        if (allow) {
          continue;
        }
        return false;
      }
      // PUBLISH: the topic matches. SUBSCRIBE: the rule's filter covers the requested one (for a
      // topic, that is a match); a deny that only intersects narrows the subscription instead
      boolean matches =
          publish ? Topics.matches(filter, subject) : TopicFilters.covers(filter, subject);
      if (matches) {
        return allow;
      }
    }
  }

  private static String filterFor(ClientAccess access, String filter, ClientIdentity client) {
    if (filter.indexOf('%') < 0) {
      return filter;
    }
    return access == null
        ? ClientAccess.substitute(filter, client.clientId(), client.username())
        : access.filterFor(filter, client.clientId(), client.username());
  }
}
