package dev.switchboard.http;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.transport.TlsConfig;
import dev.switchboard.http.myqtthub.DeviceApiSettings;
import dev.switchboard.hub.acl.RuleAuthorizer;
import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.StaticDirectory;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.stash.Stashes;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A running API on a fresh SQLite registry: hubs {@code team3} (with one device, so that it cannot
 * be removed by accident) and {@code team4}; an administrator and an API key for every role, on the
 * server and on each hub; passwords are hashed cheaply (PBKDF2, few iterations).
 */
final class ApiFixture implements AutoCloseable {
  static final String PASSWORD = "correct horse";
  static final long NOW = System.currentTimeMillis();

  final Path dir;
  final RegistryStore registry;
  final PasswordHasher hasher =
      new PasswordHasher(
          new PasswordHasher.Settings(PasswordHasher.Algorithm.PBKDF2_SHA256, 19_456, 2, 1, 1_000));
  final HttpServer server;
  final String base;

  /** The broker behind the API's broker resources; null for a registry-only API. */
  final Broker broker;

  /** Bearer tokens by caller name: server-owner, server-admin, server-viewer, team3-owner, ... */
  final Map<String, String> tokens = new LinkedHashMap<>();

  ApiFixture() throws IOException {
    this(HttpSettings.loopback());
  }

  ApiFixture(HttpSettings settings) throws IOException {
    this(settings, TlsConfig.none());
  }

  ApiFixture(HttpSettings settings, TlsConfig tls) throws IOException {
    this(settings, tls, null);
  }

  /**
   * An API on a running broker (127.0.0.1, a free MQTT port): a client whose user name is {@code
   * name@hub} is in that hub, any other in the default hub.
   */
  static ApiFixture withBroker() throws IOException {
    return withBroker(HttpSettings.loopback());
  }

  static ApiFixture withBroker(HttpSettings settings) throws IOException {
    Broker broker =
        new Broker(
            TestBroker.config(),
            new InMemoryRetainedStore(),
            ApiFixture::hubOfUserName,
            Authorizer.ALLOW_ALL);
    broker.start();
    try {
      return new ApiFixture(settings, TlsConfig.none(), broker);
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /**
   * An API on a running broker whose PUBLISH and SUBSCRIBE are decided by the registry's access
   * rules ({@link RuleAuthorizer} over the registry, read again at every check), default allow.
   */
  static ApiFixture withRules() throws IOException {
    LateAuthorizer rules = new LateAuthorizer();
    Broker broker =
        new Broker(
            TestBroker.config(), new InMemoryRetainedStore(), ApiFixture::hubOfUserName, rules);
    broker.start();
    try {
      ApiFixture f = new ApiFixture(HttpSettings.loopback(), TlsConfig.none(), broker);
      rules.set(new RuleAuthorizer(new LiveRegistry(f.registry), true));
      return f;
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** The registry's rules as of now, at every check: tests see their changes at once. */
  private record LiveRegistry(RegistryStore registry) implements DeviceDirectory {
    private StaticDirectory now() {
      return new StaticDirectory(registry.hubs(), registry.devices(), registry.rules());
    }

    @Override
    public Hub hub(String name) {
      return now().hub(name);
    }

    @Override
    public Device byClientId(String hub, String clientId) {
      return now().byClientId(hub, clientId);
    }

    @Override
    public Device byUsername(String hub, String username) {
      return now().byUsername(hub, username);
    }

    @Override
    public java.util.List<String> hubsWithUsername(String username) {
      return now().hubsWithUsername(username);
    }

    @Override
    public java.util.List<AccessRule> rulesFor(String hub, String clientId) {
      return now().rulesFor(hub, clientId);
    }

    @Override
    public java.util.List<AccessRule> globalRules(String hub) {
      return now().globalRules(hub);
    }

    @Override
    public Object rulesEpoch() {
      return new Object(); // never the same: nothing is kept
    }
  }

  /** An authorizer set after the broker is made (the registry comes after it). */
  private static final class LateAuthorizer implements Authorizer {
    private volatile Authorizer delegate = Authorizer.ALLOW_ALL;

    void set(Authorizer a) {
      delegate = a;
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
      return delegate.canPublish(client, topic);
    }

    @Override
    public boolean canPublishSystemTopic(ClientIdentity client, String topic) {
      return delegate.canPublishSystemTopic(client, topic);
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String filter) {
      return delegate.canSubscribe(client, filter);
    }

    @Override
    public dev.switchboard.broker.auth.TopicGuard subscriptionGuard(
        ClientIdentity client, String filter) {
      return delegate.subscriptionGuard(client, filter);
    }
  }

  private static CompletionStage<AuthResult> hubOfUserName(ClientIdentity id, byte[] password) {
    String user = id.username();
    int at = user == null ? -1 : user.indexOf('@');
    String hub = at < 0 ? Principal.DEFAULT_HUB : user.substring(at + 1);
    return CompletableFuture.completedFuture(
        AuthResult.accept(new Principal(hub, user, null, false, null)));
  }

  /**
   * An API on {@code broker} (started by the caller) with the stashes' routes, their service made
   * by {@code stashes} on the fixture's registry.
   */
  static ApiFixture withStashes(
      Broker broker, java.util.function.Function<RegistryStore, Stashes> stashes)
      throws IOException {
    return new ApiFixture(HttpSettings.loopback(), TlsConfig.none(), broker, stashes, null);
  }

  /** An API on a running broker of a cluster node, whose cluster figures {@code view} gives. */
  static ApiFixture withCluster(
      HttpSettings settings, dev.switchboard.http.cluster.ClusterView view) throws IOException {
    Broker broker = new Broker(TestBroker.config());
    broker.start();
    try {
      return new ApiFixture(settings, TlsConfig.none(), broker, null, view);
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  private ApiFixture(HttpSettings settings, TlsConfig tls, Broker broker) throws IOException {
    this(settings, tls, broker, null, null);
  }

  private ApiFixture(
      HttpSettings settings,
      TlsConfig tls,
      Broker broker,
      java.util.function.Function<RegistryStore, Stashes> stashes,
      dev.switchboard.http.cluster.ClusterView cluster)
      throws IOException {
    this.broker = broker;
    dir = Files.createTempDirectory("switchboard-http");
    registry = RegistryStore.open(StoreConfig.sqlite(dir.resolve("state.db")));
    registry.addHub(Hub.create("team3", NOW));
    registry.addHub(Hub.create("team4", NOW));
    registry.add(Device.create("team3", "keeper", "keeper", null, NOW));
    ApiKeys keys = new ApiKeys(registry, Clock.systemUTC());
    for (String scope : new String[] {"server", "team3", "team4"}) {
      String hub = scope.equals("server") ? null : scope;
      for (AdminRole role : AdminRole.values()) {
        String name = scope + "-" + role.name().toLowerCase();
        registry.addAdmin(
            new Admin(name, hub, role, hasher.hash(PASSWORD.toCharArray()), NOW, NOW));
        tokens.put(name, keys.issue(hub, role, name, 0, "fixture").token());
      }
    }
    server =
        HttpApi.server(
                settings,
                tls,
                () -> null,
                new HttpApi.Parts(
                    registry,
                    registry,
                    hasher,
                    new LoginThrottle(),
                    Clock.systemUTC(),
                    broker,
                    null,
                    cluster),
                DeviceApiSettings.defaults(),
                stashes == null ? null : stashes.apply(registry))
            .start();
    base =
        server.httpPort() > 0
            ? "http://127.0.0.1:" + server.httpPort()
            : "https://127.0.0.1:" + server.httpsPort();
  }

  /** A client that sends {@code caller}'s API key. */
  Http as(String caller) {
    Http http = new Http(base);
    http.headers.put("Authorization", "Bearer " + tokens.get(caller));
    return http;
  }

  Http anonymous() {
    return new Http(base);
  }

  @Override
  public void close() throws IOException {
    server.close();
    if (broker != null) {
      broker.close();
    }
    registry.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
