package dev.switchboard.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.ApiKey;
import dev.switchboard.hub.registry.model.AuditEntry;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Dashboard;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.HubStatus;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.store.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the registry must do about hubs and administrators, on SQLite and PostgreSQL: hubs isolate
 * their devices and rules, a registry of the previous schema migrates into hub {@code default}, and
 * the changes that would lose something are refused with nothing changed.
 */
abstract class HubRegistryContract {
  static final long NOW = 1_800_000_000_000L;
  static final String HASH = RegistryStoreContract.HASH;

  protected StoreConfig config;
  protected RegistryStore registry;

  protected abstract StoreConfig newStoreConfig() throws Exception;

  @BeforeEach
  void prepare() throws Exception {
    config = newStoreConfig();
  }

  @AfterEach
  void closeRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private RegistryStore open() {
    return RegistryStore.open(config, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  }

  private RegistryStore opened() {
    if (registry == null) {
      registry = open();
    }
    return registry;
  }

  private Connection raw() throws SQLException {
    return config.type() == StoreConfig.Type.SQLITE
        ? DriverManager.getConnection("jdbc:sqlite:" + config.registryPath())
        : DriverManager.getConnection(
            config.postgresUrl(), config.postgresUser(), config.postgresPassword());
  }

  private static Device device(String hub, String clientId, String username) {
    return Device.create(hub, clientId, username, HASH, 1_700_000_000_000L);
  }

  private static void assertRefused(Runnable change, RegistryException.Kind kind, String message) {
    assertThatThrownBy(change::run)
        .isInstanceOf(RegistryException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(kind));
  }

  @Test
  @DisplayName("a new registry has hub 'default' and nothing else")
  void aNewRegistryHasTheDefaultHub() {
    assertThat(opened().hubs()).extracting(Hub::name).containsExactly(Hub.DEFAULT);
    Hub main = registry.hub(Hub.DEFAULT).orElseThrow();
    assertThat(main.status()).isEqualTo(HubStatus.ACTIVE);
    assertThat(main.limits()).isEqualTo(HubLimits.NONE);
    assertThat(registry.admins()).isEmpty();
  }

  @Test
  @DisplayName("a hub round-trips with every field, and an update keeps its creation time")
  void aHubRoundTrips() {
    Hub team =
        new Hub("team-3", "Team 3", HubStatus.DISABLED, new HubLimits(4, 8, 1024, 10, 50), 5, 6);
    opened().addHub(team);
    assertThat(registry.hub("team-3")).contains(team);

    Hub changed =
        team.withStatus(HubStatus.ACTIVE).withDisplayName("Third").withLimits(HubLimits.NONE);
    long before = registry.version();
    registry.updateHub(changed);
    assertThat(registry.hub("team-3"))
        .contains(new Hub("team-3", "Third", HubStatus.ACTIVE, HubLimits.NONE, 5, NOW));
    assertThat(registry.version()).isEqualTo(before + 1);
    assertThat(registry.hubs()).extracting(Hub::name).containsExactly("default", "team-3");
  }

  @Test
  @DisplayName("a duplicate hub, an update of a missing one: refused, nothing changed")
  void hubRefusals() {
    opened().addHub(Hub.create("a", 1));
    long version = registry.version();
    assertRefused(
        () -> registry.addHub(Hub.create("a", 2)),
        RegistryException.Kind.EXISTS,
        "hub 'a' exists already");
    assertRefused(
        () -> registry.updateHub(Hub.create("ghost", 2)),
        RegistryException.Kind.NOT_FOUND,
        "hub 'ghost' does not exist");
    assertRefused(
        () -> registry.add(device("ghost", "d", "u")),
        RegistryException.Kind.NOT_FOUND,
        "hub 'ghost' does not exist");
    assertRefused(
        () ->
            registry.addRule(
                new AccessRule(0, "ghost", null, 1, RuleAction.ALLOW, RuleOperation.ALL, "#", "")),
        RegistryException.Kind.NOT_FOUND,
        "hub 'ghost' does not exist");
    assertThat(registry.version()).isEqualTo(version);
    assertThat(registry.hub("a").orElseThrow().createdAt()).isEqualTo(1);
  }

  @Test
  @DisplayName("the same client id and user name in two hubs are two devices, with their own rules")
  void devicesAreUniqueWithinTheirHub() {
    opened().addHub(Hub.create("a", 0));
    registry.addHub(Hub.create("b", 0));
    Device inA = device("a", "device_1", "device_1");
    Device inB = device("b", "device_1", "device_1").withPasswordHash(null);
    registry.add(inA);
    registry.add(inB);
    AccessRule ruleA =
        registry.addRule(
            new AccessRule(0, "a", "device_1", 1, RuleAction.ALLOW, RuleOperation.ALL, "a/#", ""));
    AccessRule globalB =
        registry.addRule(
            new AccessRule(0, "b", null, 1, RuleAction.DENY, RuleOperation.ALL, "b/#", ""));

    assertThat(registry.device("a", "device_1")).contains(inA);
    assertThat(registry.device("b", "device_1")).contains(inB);
    assertThat(registry.device(Hub.DEFAULT, "device_1")).isEmpty();
    assertThat(registry.deviceByUsername("b", "device_1")).contains(inB);
    assertThat(registry.devices("a")).containsExactly(inA);
    assertThat(registry.devices()).containsExactly(inA, inB);
    assertThat(registry.rules("a", "device_1")).containsExactly(ruleA);
    assertThat(registry.rules("b", "device_1")).isEmpty();
    assertThat(registry.rules("a", null)).isEmpty();
    assertThat(registry.rules("b", null)).containsExactly(globalB);
    assertRefused(
        () -> registry.add(device("a", "device_2", "device_1")),
        RegistryException.Kind.EXISTS,
        "user name 'device_1' is taken by device 'device_1' in hub 'a'");

    assertThat(registry.remove("a", "device_1")).isTrue();
    assertThat(registry.device("b", "device_1")).contains(inB);
    assertThat(registry.rules()).containsExactly(globalB);

    RegistrySnapshot snapshot = registry.snapshot();
    assertThat(snapshot.hubs()).extracting(Hub::name).containsExactly("a", "b", "default");
    assertThat(snapshot.devices()).containsExactly(inB);
  }

  @Test
  @DisplayName("a hub at its device limit refuses another device")
  void deviceLimit() {
    opened().addHub(Hub.create("small", 0).withLimits(new HubLimits(1, 0, 0, 0, 0)));
    registry.add(device("small", "d1", "u1"));
    assertRefused(
        () -> registry.add(device("small", "d2", "u2")),
        RegistryException.Kind.LIMIT,
        "hub 'small' has reached its limit of 1 devices");
    assertThat(registry.devices("small")).hasSize(1);
  }

  @Test
  @DisplayName(
      "a hub with devices is removed only when asked to, with its devices, rules and admins")
  void removingAHub() {
    opened().addHub(Hub.create("gone", 0));
    registry.addHub(Hub.create("kept", 0));
    registry.add(device("gone", "d1", "u1"));
    registry.add(device("kept", "d1", "u1"));
    registry.addRule(
        new AccessRule(0, "gone", "d1", 1, RuleAction.ALLOW, RuleOperation.ALL, "#", ""));
    registry.addRule(
        new AccessRule(0, "gone", null, 1, RuleAction.ALLOW, RuleOperation.ALL, "#", ""));
    registry.addAdmin(new Admin("teacher", null, AdminRole.OWNER, HASH, 0, 0));
    registry.addAdmin(new Admin("lead", "gone", AdminRole.ADMIN, HASH, 0, 0));
    long version = registry.version();

    assertRefused(
        () -> registry.removeHub("gone", false),
        RegistryException.Kind.IN_USE,
        "hub 'gone' has 1 device; removing it would delete them with their rules");
    assertRefused(
        () -> registry.removeHub(Hub.DEFAULT, true),
        RegistryException.Kind.IN_USE,
        "hub 'default' cannot be removed: it is where every device without a hub is");
    assertThat(registry.version()).isEqualTo(version);

    assertThat(registry.removeHub("gone", true)).isTrue();
    assertThat(registry.removeHub("gone", true)).isFalse();
    assertThat(registry.hub("gone")).isEmpty();
    assertThat(registry.devices()).containsExactly(device("kept", "d1", "u1"));
    assertThat(registry.rules()).isEmpty();
    assertThat(registry.admins()).extracting(Admin::name).containsExactly("teacher");
  }

  @Test
  @DisplayName("administrators: server-wide or per hub, roles, and never without a server one")
  void administrators() {
    opened().addHub(Hub.create("team3", 0));
    Admin root = new Admin("root", null, AdminRole.OWNER, HASH, 1, 1);
    Admin lead = new Admin("lead", "team3", AdminRole.VIEWER, HASH, 2, 2);
    registry.addAdmin(root);
    registry.addAdmin(lead);
    assertThat(registry.admins()).containsExactly(lead, root);
    assertThat(registry.admin("lead").orElseThrow().scope()).isEqualTo("hub team3");

    assertRefused(
        () -> registry.addAdmin(new Admin("root", "team3", AdminRole.ADMIN, HASH, 0, 0)),
        RegistryException.Kind.EXISTS,
        "administrator 'root' exists already");
    assertRefused(
        () -> registry.addAdmin(new Admin("x", "ghost", AdminRole.ADMIN, HASH, 0, 0)),
        RegistryException.Kind.NOT_FOUND,
        "hub 'ghost' does not exist");
    assertRefused(
        () -> registry.removeAdmin("root"),
        RegistryException.Kind.IN_USE,
        "'root' is the last server administrator; add another one first");

    registry.updateAdmin(new Admin("lead", null, AdminRole.ADMIN, "$other", 0, 0));
    assertThat(registry.admin("lead"))
        .contains(new Admin("lead", "team3", AdminRole.ADMIN, "$other", 2, NOW));
    assertRefused(
        () -> registry.updateAdmin(new Admin("ghost", null, AdminRole.ADMIN, HASH, 0, 0)),
        RegistryException.Kind.NOT_FOUND,
        "administrator 'ghost' does not exist");

    assertThat(registry.removeAdmin("lead")).isTrue();
    assertThat(registry.removeAdmin("lead")).isFalse();
    assertThat(registry.admins()).containsExactly(root);
  }

  /** Creates the registry as version 1 of its schema made it, as a switchboard before hubs did. */
  private void createVersionOne() throws SQLException, IOException {
    String dialect = config.type() == StoreConfig.Type.SQLITE ? "sqlite" : "postgresql";
    String script;
    try (InputStream in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("db/" + dialect + "/registry/V1__registry.sql")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder code = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        code.append(line).append('\n');
      }
    }
    if (config.registryPath() != null) {
      java.nio.file.Files.createDirectories(config.registryPath().getParent());
    }
    try (Connection c = raw();
        Statement s = c.createStatement()) {
      for (String sql : code.toString().split(";")) {
        if (!sql.isBlank()) {
          s.execute(sql);
        }
      }
      s.execute(
          "CREATE TABLE registry_schema_version (version INTEGER NOT NULL PRIMARY KEY,"
              + " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      s.execute("INSERT INTO registry_schema_version VALUES (1, 'V1__registry.sql', 0)");
      s.execute(
          "INSERT INTO devices VALUES ('sensor-1', 'alice', '"
              + HASH
              + "', TRUE, 'reject',"
              + " TRUE, TRUE, 10, 20)");
      s.execute(
          "INSERT INTO devices VALUES ('app', 'bob', NULL, FALSE, 'replace', FALSE, FALSE, 30, 40)");
      s.execute(
          "INSERT INTO device_subscriptions VALUES ('sensor-1', 0, 'cmd/#', 2, FALSE, TRUE, 1)");
      s.execute("INSERT INTO device_sources VALUES ('sensor-1', 0, '10.0.0.0/8')");
      s.execute(
          "INSERT INTO access_rules (client_id, priority, action, operation, filter, label)"
              + " VALUES ('sensor-1', 5, 'allow', 'publish', 'a/%c', 'own')");
      s.execute(
          "INSERT INTO access_rules (client_id, priority, action, operation, filter, label)"
              + " VALUES (NULL, 9, 'deny', 'all', '#', 'rest')");
      s.execute(
          "INSERT INTO access_rules (client_id, priority, action, operation, filter, label)"
              + " VALUES (NULL, 10, 'deny', 'all', 'x', 'removed')");
      s.execute("DELETE FROM access_rules WHERE label = 'removed'");
      s.execute("UPDATE registry_version SET version = 7");
    }
  }

  @Test
  @DisplayName(
      "a registry of schema version 1 migrates into hub 'default' with every row and its rule ids")
  void migratesTheVersionOneRegistryIntoTheDefaultHub() throws Exception {
    createVersionOne();

    RegistryStore migrated = opened();

    assertThat(migrated.hubs()).extracting(Hub::name).containsExactly(Hub.DEFAULT);
    assertThat(migrated.version()).isEqualTo(7);
    assertThat(migrated.devices())
        .containsExactly(
            new Device(
                Hub.DEFAULT,
                "app",
                "bob",
                null,
                false,
                ReplacePolicy.REPLACE,
                false,
                false,
                List.of(),
                List.of(),
                30,
                40),
            new Device(
                Hub.DEFAULT,
                "sensor-1",
                "alice",
                HASH,
                true,
                ReplacePolicy.REJECT,
                true,
                true,
                List.of(new Subscription("cmd/#", 2, false, true, 1)),
                List.of(Cidr.parse("10.0.0.0/8")),
                10,
                20));
    assertThat(migrated.rules())
        .containsExactly(
            new AccessRule(
                1,
                Hub.DEFAULT,
                "sensor-1",
                5,
                RuleAction.ALLOW,
                RuleOperation.PUBLISH,
                "a/%c",
                "own"),
            new AccessRule(
                2, Hub.DEFAULT, null, 9, RuleAction.DENY, RuleOperation.ALL, "#", "rest"));
    // the removed rule's id is not given again
    AccessRule next =
        migrated.addRule(
            new AccessRule(0, Hub.DEFAULT, null, 1, RuleAction.ALLOW, RuleOperation.ALL, "y", ""));
    assertThat(next.id()).isEqualTo(4);
    // the keys are per hub now: the same client id and user name go into another hub
    migrated.addHub(Hub.create("b", 0));
    migrated.add(device("b", "sensor-1", "alice"));
    // and removing a device still takes its rows with it
    assertThat(migrated.remove(Hub.DEFAULT, "sensor-1")).isTrue();
    assertThat(count("SELECT count(*) FROM device_subscriptions")).isZero();
    assertThat(count("SELECT count(*) FROM device_sources")).isZero();
    assertThat(migrated.rules()).extracting(AccessRule::id).containsExactly(next.id(), 2L);
    assertThat(column("SELECT version FROM registry_schema_version ORDER BY version"))
        .containsExactly("1", "2", "3", "4", "5", "6");
  }

  @Test
  @DisplayName(
      "dashboards are saved per hub (added, then replaced keeping their creation time), listed by"
          + " name, removed, and go with their hub; none moves the registry's version")
  void dashboardsAreSavedPerHubAndGoWithTheirHub() {
    RegistryStore r = opened();
    r.addHub(Hub.create("team3", NOW));
    long version = r.version();
    Dashboard lab = new Dashboard("team3", "lab", "[{\"type\":1}]", false, "admin:a", NOW, NOW);
    Dashboard other = new Dashboard("default", "lab", "[]", true, "key:k_x", NOW, NOW);

    assertThat(r.saveDashboard(lab)).isTrue();
    assertThat(r.saveDashboard(other)).isTrue();
    assertThat(r.saveDashboard(new Dashboard("team3", "b-2", "[]", false, "admin:a", NOW, NOW)))
        .isTrue();
    Dashboard changed =
        new Dashboard("team3", "lab", "[{\"type\":2}]", true, "admin:b", NOW + 5, NOW + 5);
    assertThat(r.saveDashboard(changed)).as("replaced").isFalse();

    assertThat(r.dashboards("team3")).extracting(Dashboard::name).containsExactly("b-2", "lab");
    assertThat(r.dashboard("team3", "lab"))
        .contains(new Dashboard("team3", "lab", "[{\"type\":2}]", true, "admin:b", NOW, NOW + 5));
    assertThat(r.dashboard("default", "lab")).contains(other);
    assertThat(r.dashboard("team3", "none")).isEmpty();
    assertThatThrownBy(
            () -> r.saveDashboard(new Dashboard("nohub", "x", "[]", false, "a", NOW, NOW)))
        .isInstanceOf(RegistryException.class)
        .hasFieldOrPropertyWithValue("kind", RegistryException.Kind.NOT_FOUND);
    assertThat(r.version()).isEqualTo(version);

    assertThat(r.removeDashboard("team3", "b-2")).isTrue();
    assertThat(r.removeDashboard("team3", "b-2")).isFalse();
    assertThat(r.removeHub("team3", true)).isTrue();
    assertThat(r.dashboards("team3")).isEmpty();
    assertThat(r.dashboards("default")).containsExactly(other);
    assertThatThrownBy(() -> new Dashboard("team3", "../x", "[]", false, "a", NOW, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("API keys are stored with their hub, role and expiry, and go with their hub")
  void apiKeysAreStoredAndGoWithTheirHub() {
    RegistryStore r = opened();
    r.addHub(Hub.create("team3", NOW));
    String hash = "ab".repeat(32);
    ApiKey server =
        new ApiKey("k_AAAAAAAAAAAAAAAA", null, AdminRole.OWNER, "ci", hash, "admin:a", NOW, 0);
    ApiKey hubKey =
        new ApiKey(
            "k_BBBBBBBBBBBBBBBB", "team3", AdminRole.VIEWER, "", hash, "admin:a", NOW, NOW + 1);
    r.addApiKey(server);
    r.addApiKey(hubKey);

    assertThat(r.apiKey("k_AAAAAAAAAAAAAAAA")).contains(server);
    assertThat(r.apiKeys(null)).containsExactly(server, hubKey);
    assertThat(r.apiKeys("team3")).containsExactly(hubKey);
    assertThatThrownBy(() -> r.addApiKey(server))
        .isInstanceOf(RegistryException.class)
        .hasFieldOrPropertyWithValue("kind", RegistryException.Kind.EXISTS);
    assertThatThrownBy(
            () ->
                r.addApiKey(
                    new ApiKey(
                        "k_CCCCCCCCCCCCCCCC", "nohub", AdminRole.ADMIN, "", hash, "", NOW, 0)))
        .isInstanceOf(RegistryException.class)
        .hasFieldOrPropertyWithValue("kind", RegistryException.Kind.NOT_FOUND);
    long version = r.version();

    assertThat(r.removeHub("team3", true)).isTrue();
    assertThat(r.apiKeys(null)).containsExactly(server);
    assertThat(r.removeApiKey("k_AAAAAAAAAAAAAAAA")).isTrue();
    assertThat(r.removeApiKey("k_AAAAAAAAAAAAAAAA")).isFalse();
    assertThat(r.version()).isEqualTo(version + 1); // the hub's removal only
  }

  @Test
  @DisplayName("the audit log is appended to and read newest first, by hub, in pages")
  void theAuditLogIsReadNewestFirstInPages() {
    RegistryStore r = opened();
    List<AuditEntry> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(
          r.appendAudit(
              new AuditEntry(
                  0,
                  NOW + i,
                  "admin:a",
                  "127.0.0.1",
                  i % 2 == 0 ? "team3" : null,
                  "device.create",
                  "d" + i,
                  "detail " + i)));
    }
    assertThat(written).extracting(AuditEntry::id).doesNotHaveDuplicates().isSorted();

    List<AuditEntry> first = r.audit(null, 0, 3);
    assertThat(first).extracting(AuditEntry::target).containsExactly("d4", "d3", "d2");
    assertThat(r.audit(null, first.get(2).id(), 3))
        .extracting(AuditEntry::target)
        .containsExactly("d1", "d0");
    assertThat(r.audit("team3", 0, 10))
        .extracting(AuditEntry::target)
        .containsExactly("d4", "d2", "d0");
    assertThat(r.audit(null, 0, 1).get(0)).isEqualTo(written.get(4));
  }

  @Test
  @DisplayName("a page of devices seeks after a client id, in byte order")
  void aPageOfDevicesSeeksAfterAClientId() {
    RegistryStore r = opened();
    for (String id : List.of("b", "a", "c", "d", "é")) {
      r.add(Device.create(Hub.DEFAULT, id, id, HASH, NOW));
    }
    assertThat(r.devices(Hub.DEFAULT, null, 2))
        .extracting(Device::clientId)
        .containsExactly("a", "b");
    assertThat(r.devices(Hub.DEFAULT, "b", 2))
        .extracting(Device::clientId)
        .containsExactly("c", "d");
    assertThat(r.devices(Hub.DEFAULT, "d", 2)).extracting(Device::clientId).containsExactly("é");
    assertThat(r.devices(Hub.DEFAULT, "é", 2)).isEmpty();
  }

  private long count(String sql) throws SQLException {
    try (Connection c = raw();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = raw();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }
}
