package dev.switchboard.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.store.SqlStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the device registry's repository must do, run against SQLite and PostgreSQL. Each test gets
 * an empty registry of its own; {@link #reopen()} closes and opens it again so that what is checked
 * is what was committed.
 */
abstract class RegistryStoreContract {
  /** The time {@link RegistryStore#update} stamps, from a fixed clock: not a measured time. */
  static final long NOW = 1_800_000_000_000L;

  static final String HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

  protected StoreConfig config;
  protected RegistryStore registry;
  private final List<AutoCloseable> others = new ArrayList<>();

  /** Where a new, empty store (and its registry) goes. */
  protected abstract StoreConfig newStoreConfig() throws Exception;

  @BeforeEach
  void openRegistry() throws Exception {
    config = newStoreConfig();
    registry = open();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : others) {
      c.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** Another registry on the same database, as the broker and the command line each have. */
  protected RegistryStore open() {
    return RegistryStore.open(config, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  }

  protected RegistryStore openAnother() {
    RegistryStore another = open();
    others.add(another);
    return another;
  }

  protected RegistryStore reopen() {
    registry.close();
    registry = open();
    return registry;
  }

  /** A plain connection to the registry's database, past the repository. */
  protected Connection raw() throws SQLException {
    return config.type() == StoreConfig.Type.SQLITE
        ? DriverManager.getConnection("jdbc:sqlite:" + config.registryPath())
        : DriverManager.getConnection(
            config.postgresUrl(), config.postgresUser(), config.postgresPassword());
  }

  protected long count(String sql) throws SQLException {
    try (Connection c = raw();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  protected void execute(String sql) throws SQLException {
    try (Connection c = raw();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static Device device(String clientId, String username) {
    return Device.create(clientId, username, HASH, 1_700_000_000_000L);
  }

  /** A device with every field away from its default, so that a mix-up shows. */
  static Device fullDevice(String clientId, String username) {
    return new Device(
        Hub.DEFAULT,
        clientId,
        username,
        HASH,
        false,
        ReplacePolicy.REJECT,
        true,
        true,
        List.of(
            new Subscription("cmd/" + clientId + "/#", 2),
            new Subscription("status/+", 0, true, true, 2),
            new Subscription("$share/g/jobs", 1)),
        List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.168.1.7"), Cidr.parse("2001:db8::/32")),
        1_700_000_000_001L,
        1_700_000_000_002L);
  }

  static AccessRule rule(String clientId, int priority, RuleAction action, String filter) {
    return new AccessRule(
        0, Hub.DEFAULT, clientId, priority, action, RuleOperation.ALL, filter, "");
  }

  private static void assertRefused(Runnable change, RegistryException.Kind kind, String... parts) {
    assertThatThrownBy(change::run)
        .isInstanceOf(RegistryException.class)
        .satisfies(
            e -> {
              assertThat(((RegistryException) e).kind()).isEqualTo(kind);
              assertThat(e.getMessage()).doesNotContain("\n");
              for (String part : parts) {
                assertThat(e.getMessage()).contains(part);
              }
            });
  }

  // --- devices ---

  @Test
  void stashDefinitionsAreAddedChangedAndRemovedEachMovingTheVersion() {
    long before = registry.version();
    Stash s =
        new Stash(
            Hub.DEFAULT,
            "temps",
            "lab/+/temp",
            List.of("device_1", "device_2"),
            10,
            0,
            60,
            true,
            1,
            1);
    registry.addStash(s);
    assertThat(registry.version()).isEqualTo(before + 1);
    assertThat(openAnother().stash(Hub.DEFAULT, "temps")).contains(s);
    assertThatThrownBy(() -> registry.addStash(s))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.EXISTS));
    assertThatThrownBy(
            () -> registry.addStash(new Stash("nohub", "x", "#", List.of(), 0, 0, 0, true, 1, 1)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("hub 'nohub' does not exist");

    Stash changed = s.with("lab/#", List.of(), 5, 100, 0, false, 2);
    registry.updateStash(changed);
    assertThat(registry.stashes(Hub.DEFAULT)).containsExactly(changed);
    assertThat(registry.allStashes()).containsExactly(changed);
    assertThat(registry.version()).isEqualTo(before + 2);

    assertThat(registry.removeStash(Hub.DEFAULT, "temps")).isTrue();
    assertThat(registry.removeStash(Hub.DEFAULT, "temps")).isFalse();
    assertThat(registry.stashes(Hub.DEFAULT)).isEmpty();
    assertThat(registry.version()).isEqualTo(before + 3);
  }

  @Test
  void aNewRegistryIsEmptyAtVersionZero() {
    assertThat(registry.devices()).isEmpty();
    assertThat(registry.rules()).isEmpty();
    assertThat(registry.version()).isZero();
    RegistrySnapshot empty = registry.snapshot();
    assertThat(empty.version()).isZero();
    assertThat(empty.hubs()).extracting(Hub::name).containsExactly(Hub.DEFAULT);
    assertThat(empty.devices()).isEmpty();
    assertThat(empty.rules()).isEmpty();
    assertThat(registry.device(Hub.DEFAULT, "nobody")).isEmpty();
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "nobody")).isEmpty();
  }

  @Test
  void aDeviceRoundTripsWithEveryField() {
    Device full = fullDevice("sensor-1", "alice");
    registry.add(full);

    assertThat(registry.device(Hub.DEFAULT, "sensor-1")).contains(full);
    assertThat(reopen().device(Hub.DEFAULT, "sensor-1")).contains(full);
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "alice")).contains(full);
    assertThat(registry.devices()).containsExactly(full);
  }

  @Test
  void aDeviceWithTheDefaultsAndNoPasswordRoundTrips() {
    Device plain = Device.create("app", "phone", null, 1_700_000_000_000L);
    registry.add(plain);

    Device stored = reopen().device(Hub.DEFAULT, "app").orElseThrow();
    assertThat(stored).isEqualTo(plain);
    assertThat(stored.passwordHash()).isNull();
    assertThat(stored.subscriptions()).isEmpty();
    assertThat(stored.allowedSources()).isEmpty();
  }

  @Test
  void devicesAreListedByClientIdInByteOrder() {
    for (String id : List.of("b", "é", "a", "Z", "B", "a-2", "日本")) {
      registry.add(device(id, "user-" + id));
    }
    // UTF-8 byte order on both databases (SQLite's BINARY, PostgreSQL's "C"), whatever the locale.
    assertThat(registry.devices())
        .extracting(Device::clientId)
        .containsExactly("B", "Z", "a", "a-2", "b", "é", "日本");
  }

  @Test
  void clientIdsAndUserNamesCompareExactly() {
    registry.add(device("Dev", "Alice"));
    registry.add(device("dev", "alice"));
    registry.add(device("dev ", "alice "));

    assertThat(registry.device(Hub.DEFAULT, "DEV")).isEmpty();
    assertThat(registry.device(Hub.DEFAULT, "dev").orElseThrow().username()).isEqualTo("alice");
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "Alice").orElseThrow().clientId())
        .isEqualTo("Dev");
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "alice ").orElseThrow().clientId())
        .isEqualTo("dev ");
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "ALICE")).isEmpty();
  }

  @Test
  void aTakenClientIdIsRefusedAndNothingChanges() {
    Device first = fullDevice("sensor-1", "alice");
    registry.add(first);
    long version = registry.version();

    assertRefused(
        () -> registry.add(device("sensor-1", "bob")),
        RegistryException.Kind.EXISTS,
        "device 'sensor-1' exists already");
    assertThat(registry.device(Hub.DEFAULT, "sensor-1")).contains(first);
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "bob")).isEmpty();
    assertThat(registry.version()).isEqualTo(version);
  }

  @Test
  void aTakenUserNameIsRefusedNamingItsDevice() throws SQLException {
    registry.add(device("sensor-1", "alice"));
    long version = registry.version();

    assertRefused(
        () -> registry.add(fullDevice("sensor-2", "alice")),
        RegistryException.Kind.EXISTS,
        "user name 'alice' is taken by device 'sensor-1'");
    assertThat(registry.device(Hub.DEFAULT, "sensor-2")).isEmpty();
    assertThat(count("SELECT count(*) FROM device_subscriptions")).isZero();
    assertThat(registry.version()).isEqualTo(version);
  }

  @Test
  void updateReplacesEveryFieldButCreatedAtAndStampsUpdatedAt() throws SQLException {
    registry.add(fullDevice("sensor-1", "alice"));
    Device changed =
        new Device(
            Hub.DEFAULT,
            "sensor-1",
            "alice-2",
            null,
            true,
            ReplacePolicy.REPLACE,
            false,
            false,
            List.of(new Subscription("only/this", 1)),
            List.of(Cidr.parse("::1")),
            5,
            6);

    registry.update(changed);

    Device stored = reopen().device(Hub.DEFAULT, "sensor-1").orElseThrow();
    assertThat(stored)
        .isEqualTo(
            new Device(
                Hub.DEFAULT,
                "sensor-1",
                "alice-2",
                null,
                true,
                ReplacePolicy.REPLACE,
                false,
                false,
                List.of(new Subscription("only/this", 1)),
                List.of(Cidr.parse("::1")),
                1_700_000_000_001L,
                NOW));
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "alice")).isEmpty();
    assertThat(count("SELECT count(*) FROM device_subscriptions")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM device_sources")).isEqualTo(1);
  }

  @Test
  void updateCanEmptyTheListsAndKeepItsOwnUserName() {
    registry.add(fullDevice("sensor-1", "alice"));
    Device bare = Device.create("sensor-1", "alice", HASH, 0);

    registry.update(bare);

    Device stored = registry.device(Hub.DEFAULT, "sensor-1").orElseThrow();
    assertThat(stored.subscriptions()).isEmpty();
    assertThat(stored.allowedSources()).isEmpty();
    assertThat(stored.username()).isEqualTo("alice");
  }

  @Test
  void updateOfAMissingDeviceIsNotFound() {
    assertRefused(
        () -> registry.update(device("ghost", "casper")),
        RegistryException.Kind.NOT_FOUND,
        "device 'ghost' does not exist");
    assertThat(registry.devices()).isEmpty();
    assertThat(registry.version()).isZero();
  }

  @Test
  void updateToAnotherDevicesUserNameIsRefused() {
    registry.add(device("a", "alice"));
    registry.add(device("b", "bob"));
    long version = registry.version();

    assertRefused(
        () -> registry.update(device("b", "alice")),
        RegistryException.Kind.EXISTS,
        "user name 'alice' is taken by device 'a'");
    assertThat(registry.device(Hub.DEFAULT, "b").orElseThrow().username()).isEqualTo("bob");
    assertThat(registry.version()).isEqualTo(version);
  }

  @Test
  void aUserNameGivenUpIsFreeForAnotherDevice() {
    registry.add(device("a", "alice"));
    registry.update(device("a", "alice-old"));

    registry.add(device("b", "alice"));

    assertThat(registry.deviceByUsername(Hub.DEFAULT, "alice").orElseThrow().clientId())
        .isEqualTo("b");
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "alice-old").orElseThrow().clientId())
        .isEqualTo("a");
  }

  @Test
  void removeTakesTheDeviceWithItsSubscriptionsSourcesAndRules() throws SQLException {
    registry.add(fullDevice("gone", "alice"));
    registry.add(fullDevice("kept", "bob"));
    registry.addRule(rule("gone", 1, RuleAction.ALLOW, "a/%c/#"));
    registry.addRule(rule("gone", 2, RuleAction.DENY, "#"));
    AccessRule keptRule = registry.addRule(rule("kept", 1, RuleAction.ALLOW, "b/#"));
    AccessRule global = registry.addRule(rule(null, 5, RuleAction.DENY, "secret/#"));
    long version = registry.version();

    assertThat(registry.remove(Hub.DEFAULT, "gone")).isTrue();

    assertThat(registry.device(Hub.DEFAULT, "gone")).isEmpty();
    assertThat(registry.deviceByUsername(Hub.DEFAULT, "alice")).isEmpty();
    assertThat(registry.rules(Hub.DEFAULT, "gone")).isEmpty();
    assertThat(registry.rules()).containsExactly(keptRule, global);
    assertThat(registry.device(Hub.DEFAULT, "kept")).contains(fullDevice("kept", "bob"));
    assertThat(count("SELECT count(*) FROM device_subscriptions WHERE client_id = 'gone'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM device_sources WHERE client_id = 'gone'")).isZero();
    assertThat(count("SELECT count(*) FROM access_rules WHERE client_id = 'gone'")).isZero();
    assertThat(registry.version()).isEqualTo(version + 1);

    assertThat(registry.remove(Hub.DEFAULT, "gone")).isFalse();
    assertThat(registry.version()).isEqualTo(version + 1);
  }

  // --- rules ---

  @Test
  void rulesComeByPriorityThenIdGlobalAndPerDevice() {
    registry.add(device("a", "alice"));
    registry.add(device("b", "bob"));
    AccessRule r1 = registry.addRule(rule(null, 100, RuleAction.DENY, "#"));
    AccessRule r2 = registry.addRule(rule("a", 10, RuleAction.ALLOW, "a/%c/#"));
    AccessRule r3 = registry.addRule(rule(null, 10, RuleAction.CONTINUE, "log/#"));
    AccessRule r4 = registry.addRule(rule("b", 50, RuleAction.ALLOW, "b/%u/+"));
    AccessRule r5 = registry.addRule(rule("a", -1, RuleAction.DENY, "a/secret"));

    assertThat(List.of(r1, r2, r3, r4, r5))
        .extracting(AccessRule::id)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(r1.id()).isPositive();
    assertThat(reopen().rules()).containsExactly(r5, r2, r3, r4, r1);
    assertThat(registry.rules(Hub.DEFAULT, null)).containsExactly(r3, r1);
    assertThat(registry.rules(Hub.DEFAULT, "a")).containsExactly(r5, r2);
    assertThat(registry.rules(Hub.DEFAULT, "b")).containsExactly(r4);
    assertThat(registry.rules(Hub.DEFAULT, "nobody")).isEmpty();
  }

  @Test
  void aRuleRoundTripsWithEveryField() {
    registry.add(device("a", "alice"));
    for (RuleAction action : RuleAction.values()) {
      for (RuleOperation operation : RuleOperation.values()) {
        registry.addRule(
            new AccessRule(
                0,
                Hub.DEFAULT,
                "a",
                7,
                action,
                operation,
                "home/%u/%c/+/#",
                "ä note; with 'quotes'"));
      }
    }
    AccessRule unlabelled =
        registry.addRule(
            new AccessRule(
                99, Hub.DEFAULT, null, 8, RuleAction.ALLOW, RuleOperation.PUBLISH, "x", null));

    List<AccessRule> stored = reopen().rules();
    assertThat(stored).hasSize(10);
    assertThat(stored.subList(0, 9))
        .extracting(r -> r.action() + "/" + r.operation())
        .containsExactly(
            "ALLOW/PUBLISH",
            "ALLOW/SUBSCRIBE",
            "ALLOW/ALL",
            "DENY/PUBLISH",
            "DENY/SUBSCRIBE",
            "DENY/ALL",
            "CONTINUE/PUBLISH",
            "CONTINUE/SUBSCRIBE",
            "CONTINUE/ALL");
    assertThat(stored.get(0).filter()).isEqualTo("home/%u/%c/+/#");
    assertThat(stored.get(0).label()).isEqualTo("ä note; with 'quotes'");
    assertThat(stored.get(9)).isEqualTo(unlabelled);
    assertThat(unlabelled.label()).isEmpty();
    assertThat(unlabelled.id()).isNotEqualTo(99);
  }

  @Test
  void aRuleForAnUnknownDeviceIsNotFound() {
    assertRefused(
        () -> registry.addRule(rule("ghost", 1, RuleAction.ALLOW, "#")),
        RegistryException.Kind.NOT_FOUND,
        "device 'ghost' does not exist");
    assertThat(registry.rules()).isEmpty();
    assertThat(registry.version()).isZero();
  }

  @Test
  void removeRuleRemovesOneRuleAndIdsAreNeverReused() {
    AccessRule first = registry.addRule(rule(null, 1, RuleAction.ALLOW, "a"));
    AccessRule second = registry.addRule(rule(null, 1, RuleAction.ALLOW, "b"));

    assertThat(registry.removeRule(second.id())).isTrue();
    assertThat(registry.removeRule(second.id())).isFalse();
    assertThat(registry.removeRule(-5)).isFalse();
    AccessRule third = reopen().addRule(rule(null, 1, RuleAction.ALLOW, "c"));

    assertThat(third.id()).isGreaterThan(second.id());
    assertThat(registry.rules()).containsExactly(first, third);
  }

  // --- version and snapshot ---

  @Test
  void theVersionGoesUpWithEveryChangeAndOnlyThen() {
    List<Runnable> changes =
        List.of(
            () -> registry.add(device("a", "alice")),
            () -> registry.update(fullDevice("a", "alice")),
            () -> registry.addRule(rule("a", 1, RuleAction.ALLOW, "#")),
            () -> registry.addRule(rule(null, 1, RuleAction.DENY, "#")),
            () -> registry.removeRule(registry.rules(Hub.DEFAULT, null).get(0).id()),
            () -> registry.remove(Hub.DEFAULT, "a"));
    long expected = 0;
    for (Runnable change : changes) {
      change.run();
      expected++;
      assertThat(registry.version()).isEqualTo(expected);
    }

    registry.devices();
    registry.snapshot();
    registry.rules();
    assertThat(registry.remove(Hub.DEFAULT, "a")).isFalse();
    assertThat(registry.removeRule(12345)).isFalse();
    assertThatThrownBy(() -> registry.update(device("a", "alice")))
        .isInstanceOf(RegistryException.class);
    assertThat(reopen().version()).isEqualTo(expected);
  }

  @Test
  void aSnapshotHoldsEverythingAtItsVersion() {
    registry.add(fullDevice("b", "bob"));
    registry.add(device("a", "alice"));
    AccessRule r = registry.addRule(rule("a", 3, RuleAction.ALLOW, "a/#"));
    AccessRule g = registry.addRule(rule(null, 1, RuleAction.DENY, "#"));

    RegistrySnapshot snapshot = openAnother().snapshot();

    assertThat(snapshot.version()).isEqualTo(4).isEqualTo(registry.version());
    assertThat(snapshot.devices()).containsExactly(device("a", "alice"), fullDevice("b", "bob"));
    assertThat(snapshot.rules()).containsExactly(g, r);
  }

  @Test
  void snapshotsTakenWhileAnotherStoreWritesAreConsistent() throws Exception {
    RegistryStore writer = openAnother();
    AtomicBoolean writing = new AtomicBoolean(true);
    int changes = 60;
    List<RegistrySnapshot> seen = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      Future<?> write =
          threads.submit(
              () -> {
                try {
                  for (int i = 0; i < changes / 2; i++) {
                    writer.add(device("d" + i, "u" + i));
                    writer.addRule(rule("d" + i, i, RuleAction.ALLOW, "d/" + i));
                  }
                } finally {
                  writing.set(false);
                }
                return null;
              });
      Future<?> read =
          threads.submit(
              () -> {
                while (writing.get()) {
                  seen.add(registry.snapshot());
                }
                seen.add(registry.snapshot());
                return null;
              });
      write.get(60, TimeUnit.SECONDS);
      read.get(60, TimeUnit.SECONDS);
    }

    // Every change adds one row, so a consistent snapshot has as many rows as its version; one
    // read across two transactions would show a version that does not match its rows.
    for (RegistrySnapshot s : seen) {
      assertThat(s.devices().size() + s.rules().size()).isEqualTo(s.version());
      assertThat(s.rules())
          .allSatisfy(
              r -> assertThat(s.devices()).extracting(Device::clientId).contains(r.clientId()));
    }
    assertThat(seen.get(seen.size() - 1).version()).isEqualTo(changes);
  }

  // --- two processes ---

  @Test
  void aSecondStoreSeesTheFirstsChanges() {
    RegistryStore broker = openAnother();
    long before = broker.version();

    registry.add(fullDevice("sensor-1", "alice"));

    assertThat(broker.version()).isGreaterThan(before);
    assertThat(broker.device(Hub.DEFAULT, "sensor-1")).contains(fullDevice("sensor-1", "alice"));

    broker.update(device("sensor-1", "alice"));
    AccessRule r = broker.addRule(rule("sensor-1", 1, RuleAction.DENY, "#"));

    assertThat(registry.device(Hub.DEFAULT, "sensor-1").orElseThrow().subscriptions()).isEmpty();
    assertThat(registry.rules()).containsExactly(r);
    assertThat(registry.version()).isEqualTo(broker.version()).isEqualTo(3);
  }

  @Test
  void twoStoresWritingAtOnceBothSucceed() throws Exception {
    RegistryStore other = openAnother();
    int each = 40;
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      List<Future<Void>> writes = new ArrayList<>();
      for (RegistryStore store : List.of(registry, other)) {
        String prefix = store == registry ? "a" : "b";
        Callable<Void> adds =
            () -> {
              for (int i = 0; i < each; i++) {
                store.add(device(prefix + i, prefix + "-user-" + i));
              }
              return null;
            };
        writes.add(threads.submit(adds));
      }
      for (Future<Void> w : writes) {
        w.get(60, TimeUnit.SECONDS);
      }
    }
    assertThat(registry.devices()).hasSize(2 * each);
    assertThat(other.version()).isEqualTo(2 * each);
  }

  @Test
  void twoStoresAddingTheSameDeviceOneWinsTheOtherIsTold() throws Exception {
    RegistryStore other = openAnother();
    List<Object> outcomes = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      List<Future<Object>> adds = new ArrayList<>();
      for (RegistryStore store : List.of(registry, other)) {
        adds.add(
            threads.submit(
                () -> {
                  try {
                    store.add(device("same", "same-user"));
                    return "added";
                  } catch (RegistryException e) {
                    return e.kind();
                  }
                }));
      }
      for (Future<Object> f : adds) {
        outcomes.add(f.get(60, TimeUnit.SECONDS));
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrder("added", RegistryException.Kind.EXISTS);
    assertThat(registry.version()).isEqualTo(1);
  }

  // --- beside the broker's store ---

  @Test
  void theStateStoreAndTheRegistryOpenSideBySide() {
    StoredMessage retained =
        new StoredMessage("status", "on".getBytes(StandardCharsets.UTF_8), 1, true, null, "dev", 0);
    try (SqlStore state = Stores.open(config)) {
      state.apply(List.of(new Change.PutRetained(retained)));
      registry.add(device("sensor-1", "alice"));
      RegistryStore cli = openAnother();
      cli.add(device("sensor-2", "bob"));

      assertThat(registry.devices()).hasSize(2);
      assertThat(state.load().retained()).hasSize(1);
    }
    try (SqlStore state = Stores.open(config)) {
      assertThat(state.load().retained()).hasSize(1);
      assertThat(state.load().sessions()).isEmpty();
    }
    assertThat(reopen().devices()).hasSize(2);
  }

  @Test
  void theStateStoreOpensWhereTheRegistryWasCreatedFirst() {
    registry.add(device("sensor-1", "alice"));
    try (SqlStore state = Stores.open(config)) {
      assertThat(state.load()).usingRecursiveComparison().isEqualTo(StoredState.EMPTY);
    }
    assertThat(registry.device(Hub.DEFAULT, "sensor-1")).isPresent();
  }

  // --- migrations ---

  @Test
  void aNewRegistryIsAtTheLatestVersionOfItsOwnTrack() throws SQLException {
    try (Connection c = raw();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT version, description FROM registry_schema_version ORDER BY version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(1);
      assertThat(r.getString(2)).isEqualTo("V1__registry.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(2);
      assertThat(r.getString(2)).isEqualTo("V2__hubs.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(3);
      assertThat(r.getString(2)).isEqualTo("V3__administration.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(4);
      assertThat(r.getString(2)).isEqualTo("V4__dashboards.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(5);
      assertThat(r.getString(2)).isEqualTo("V5__stashes.sql");
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(6);
      assertThat(r.getString(2)).isEqualTo("V6__quotas.sql");
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void reopeningMigratesNothing() throws SQLException {
    registry.add(fullDevice("sensor-1", "alice"));
    registry.close();
    registry = null;
    execute("UPDATE registry_schema_version SET applied_at = 42");

    registry = open();
    RegistryStore again = openAnother();

    assertThat(count("SELECT count(*) FROM registry_schema_version")).isEqualTo(6);
    assertThat(count("SELECT max(applied_at) FROM registry_schema_version")).isEqualTo(42);
    assertThat(again.device(Hub.DEFAULT, "sensor-1")).contains(fullDevice("sensor-1", "alice"));
    assertThat(again.version()).isEqualTo(1);
  }

  @Test
  void aRegistryFromANewerVersionIsRefused() throws SQLException {
    registry.add(device("sensor-1", "alice"));
    registry.close();
    registry = null;
    execute(
        "INSERT INTO registry_schema_version (version, description, applied_at)"
            + " VALUES (99, 'V99__future.sql', 0)");

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", StoreException.Kind.INCOMPATIBLE)
        .hasMessage(
            "registry "
                + config.registryWhere()
                + " has registry schema version 99, newer than this switchboard knows (6); run"
                + " the switchboard that wrote it, or a newer one");
    assertThat(count("SELECT max(version) FROM registry_schema_version")).isEqualTo(99);
    assertThat(count("SELECT count(*) FROM devices")).isEqualTo(1);
  }

  @Test
  void registryTablesWithoutTheirVersionTableAreRefused() throws SQLException {
    registry.close();
    registry = null;
    execute("DROP TABLE registry_schema_version");

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", StoreException.Kind.INCOMPATIBLE)
        .hasMessageStartingWith("registry " + config.registryWhere() + " has a table 'devices'")
        .hasMessageEndingWith("but no registry_schema_version: it is not a Switchboard registry");
  }

  // --- what the database holds ---

  @Test
  void enumsAreLowerCaseTextTheDatabaseChecks() throws SQLException {
    registry.add(fullDevice("a", "alice"));
    registry.addRule(
        new AccessRule(
            0, Hub.DEFAULT, "a", 1, RuleAction.CONTINUE, RuleOperation.SUBSCRIBE, "#", ""));

    try (Connection c = raw();
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT replace_policy FROM devices")) {
        r.next();
        assertThat(r.getString(1)).isEqualTo("reject");
      }
      try (ResultSet r = s.executeQuery("SELECT action, operation FROM access_rules")) {
        r.next();
        assertThat(r.getString(1)).isEqualTo("continue");
        assertThat(r.getString(2)).isEqualTo("subscribe");
      }
      assertThatThrownBy(() -> s.executeUpdate("UPDATE devices SET replace_policy = 'REJECT'"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeUpdate("UPDATE access_rules SET action = 'maybe'"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeUpdate("UPDATE device_subscriptions SET qos = 3"))
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  void aRowTheModelRefusesIsReportedAsDamageNamingTheRegistry() throws SQLException {
    registry.add(fullDevice("a", "alice"));
    try (Connection c = raw();
        PreparedStatement p =
            c.prepareStatement("UPDATE device_sources SET cidr = ? WHERE position = 0")) {
      p.setString(1, "not-an-address");
      p.executeUpdate();
    }

    assertThatThrownBy(() -> registry.device(Hub.DEFAULT, "a"))
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", StoreException.Kind.CORRUPT)
        .hasMessageStartingWith("registry " + config.registryWhere() + " holds a row")
        .hasMessageContaining("not-an-address");
    assertThatThrownBy(() -> registry.snapshot()).isInstanceOf(StoreException.class);
    // The registry still works for what it can read.
    registry.add(device("b", "bob"));
    assertThat(registry.device(Hub.DEFAULT, "b")).isPresent();
  }

  @Test
  void aUserNameIsUniqueInTheDatabaseToo() throws SQLException {
    registry.add(device("a", "alice"));
    try (Connection c = raw();
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO devices (hub, client_id, username, enabled, replace_policy,"
                          + " strict_client_id, subscriptions_frozen, created_at, updated_at)"
                          + " VALUES ('default', 'b', 'alice', TRUE, 'replace', FALSE, FALSE, 0,"
                          + " 0)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("username");
    }
  }

  @Test
  void nullArgumentsAreRefusedBeforeTheDatabase() {
    assertThatThrownBy(() -> registry.add(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> registry.update(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> registry.device(Hub.DEFAULT, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> registry.addRule(null)).isInstanceOf(NullPointerException.class);
    assertThat(registry.version()).isZero();
  }
}
