package dev.switchboard.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.Persistence;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.cluster.ClusterSettings;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.http.myqtthub.DeviceApiSettings;
import dev.switchboard.hub.auth.CertificateIdentity;
import dev.switchboard.hub.auth.JwtKeys;
import dev.switchboard.hub.auth.JwtVerifier;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.store.StoreConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the configuration: {@code reference.conf} defaults, then the user's file, then {@code
 * SWITCHBOARD_*} environment variables, then command-line flags (applied by the caller as
 * overrides). Every problem becomes a {@link ConfigError} naming the setting.
 */
public final class SwitchboardConfig {
  private static final String ROOT = "switchboard";
  private static final String ENV_PREFIX = "SWITCHBOARD_";

  /** Variables of the launcher and of logging that share the prefix but are not settings. */
  private static final Set<String> NOT_SETTINGS =
      Set.of("SWITCHBOARD_JAVA_OPTS", "SWITCHBOARD_HEAP", "SWITCHBOARD_LOG_LEVEL");

  private final Config config;

  private SwitchboardConfig(Config config) {
    this.config = config;
  }

  /**
   * @param file the user's file, or null
   * @param env the environment (System.getenv() outside tests)
   * @param overrides settings from flags, as paths below {@code switchboard}
   */
  public static SwitchboardConfig load(
      Path file, Map<String, String> env, Map<String, Object> overrides) {
    Config reference =
        ConfigFactory.parseResources(SwitchboardConfig.class.getClassLoader(), "reference.conf");
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new ConfigError("config file " + file + " cannot be read");
      }
      try {
        user =
            ConfigFactory.parseFile(
                file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError("config file " + file + ": " + clean(e.getMessage()));
      }
    }
    Config fromEnv = fromEnvironment(env);
    Config fromFlags = ConfigFactory.parseMap(prefixed(overrides), "command line");
    Config merged = fromFlags.withFallback(fromEnv).withFallback(user).withFallback(reference);
    try {
      merged = merged.resolve();
    } catch (ConfigException e) {
      throw new ConfigError(clean(e.getMessage()));
    }
    for (Config layer : new Config[] {user, fromEnv}) {
      for (var entry : layer.entrySet()) {
        if (!reference.hasPathOrNull(entry.getKey()) && !isUserMap(entry.getKey())) {
          throw new ConfigError(
              "unknown setting "
                  + entry.getKey()
                  + " ("
                  + entry.getValue().origin().description()
                  + ")");
        }
      }
    }
    return new SwitchboardConfig(merged);
  }

  /** Settings whose keys the user names: a hub's listener, a host name. */
  private static boolean isUserMap(String key) {
    return key.startsWith(ROOT + ".hubs.listeners.") || key.startsWith(ROOT + ".hubs.hosts.");
  }

  /** The {@code hubs} settings: dedicated listeners and host names. */
  HubSettings hubSettings() {
    return HubSettings.read(config);
  }

  private static Map<String, Object> prefixed(Map<String, Object> overrides) {
    Map<String, Object> out = new HashMap<>();
    overrides.forEach((k, v) -> out.put(ROOT + "." + k, v));
    return out;
  }

  /**
   * {@code SWITCHBOARD_LIMITS_MAX__PACKET__SIZE=1024} sets {@code
   * switchboard.limits.max-packet-size}: one underscore separates path elements, two stand for a
   * dash (Typesafe Config's convention).
   */
  static Config fromEnvironment(Map<String, String> env) {
    Config out = ConfigFactory.empty();
    for (var e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ENV_PREFIX) || NOT_SETTINGS.contains(name)) {
        continue;
      }
      String path =
          name.substring(ENV_PREFIX.length())
              .toLowerCase(Locale.ROOT)
              .replace("__", "-")
              .replace('_', '.');
      out =
          out.withValue(
              ROOT + "." + path,
              ConfigValueFactory.fromAnyRef(e.getValue(), "environment variable " + name));
    }
    return out;
  }

  public Path dataDir() {
    return Path.of(string("data-dir"));
  }

  /** The engine's settings. */
  public BrokerConfig brokerConfig() {
    int port = port("listeners.mqtt.port");
    long maxExpiry;
    if (config.getIsNull(ROOT + ".sessions.max-expiry")
        || "none".equals(rawString("sessions.max-expiry"))) {
      maxExpiry = -1;
    } else {
      maxExpiry = duration("sessions.max-expiry").toSeconds();
    }
    BrokerConfig c =
        new BrokerConfig(
            string("listeners.bind"),
            port,
            integer("io-threads"),
            integer("limits.max-packet-size"),
            integer("limits.max-keep-alive"),
            duration("limits.connect-timeout"),
            integer("limits.receive-maximum"),
            integer("limits.max-inflight"),
            integer("limits.max-queued-messages"),
            bytes("limits.max-queued-bytes"),
            bool("sessions.queue-qos0-offline"),
            integer("limits.topic-alias-maximum"),
            integer("mqtt.max-qos"),
            bool("mqtt.retain-available"),
            bool("mqtt.wildcard-subscriptions"),
            bool("mqtt.shared-subscriptions"),
            bool("mqtt.subscription-identifiers"),
            maxExpiry,
            bool("auth.allow-anonymous"),
            bool("mqtt.allow-empty-client-id"),
            duration("sys.interval"),
            integer("limits.max-connections"));
    // A size past an int is out of range anyway: validate() names the setting.
    int maxConnectSize = (int) Math.min(bytes("limits.max-connect-size"), Integer.MAX_VALUE);
    c = c.withPreAuthLimits(maxConnectSize, bytes("limits.pre-auth-budget"));
    c = new TransportSettings(config, dataDir()).applyTo(c); // MQTTS, WS, WSS, PROXY, tls.*
    List<ListenerConfig> hubListeners = hubSettings().listeners();
    if (!hubListeners.isEmpty()) {
      List<ListenerConfig> all = new ArrayList<>(c.listeners());
      all.addAll(hubListeners);
      c = c.withListeners(all);
    }
    try {
      return c.validate();
    } catch (IllegalArgumentException e) {
      throw new ConfigError("switchboard." + e.getMessage());
    }
  }

  /** The HTTP server's settings ({@code http}): its ports, on the MQTT listeners' bind address. */
  public HttpSettings httpSettings() {
    String access = string("http.metrics-access");
    HttpSettings.MetricsAccess metrics =
        switch (access) {
          case "anyone" -> HttpSettings.MetricsAccess.ANYONE;
          case "loopback-and-keys" -> HttpSettings.MetricsAccess.LOOPBACK_AND_KEYS;
          case "keys" -> HttpSettings.MetricsAccess.KEYS;
          default ->
              throw new ConfigError(
                  ROOT
                      + ".http.metrics-access must be anyone, loopback-and-keys or keys, not \""
                      + access
                      + "\"");
        };
    Duration idle = duration("http.session-idle");
    if (idle.isZero() || idle.isNegative()) {
      throw new ConfigError(ROOT + ".http.session-idle must be above 0, not " + idle);
    }
    return setting(
        "http",
        () ->
            new HttpSettings(
                string("listeners.bind"),
                port("http.port"),
                port("http.https-port"),
                bytes("http.max-body-size"),
                idle,
                metrics,
                integer("http.stream-buffer"),
                integer("http.max-streams"),
                integer("http.topic-sample-ring")));
  }

  /** The MyQttHub-compatible device API's logins ({@code http.device-api}). */
  public DeviceApiSettings deviceApiSettings() {
    return setting(
        "http.device-api",
        () ->
            new DeviceApiSettings(
                duration("http.device-api.session-idle"),
                duration("http.device-api.token-lifetime"),
                integer("http.device-api.pull-buffer")));
  }

  /**
   * The cluster's settings ({@code cluster}); {@code cluster.bind} defaults to the MQTT listeners'
   * address when that is one address, else to this host's address.
   */
  public ClusterSettings clusterSettings() {
    String listeners = string("listeners.bind");
    String defaultBind = listeners;
    if (listeners.isBlank() || listeners.equals("0.0.0.0") || listeners.equals("::")) {
      try {
        defaultBind = InetAddress.getLocalHost().getHostAddress();
      } catch (UnknownHostException e) {
        defaultBind = "127.0.0.1";
      }
    }
    try {
      return ClusterSettings.read(config.getConfig(ROOT + ".cluster"), defaultBind);
    } catch (ConfigException e) {
      throw new ConfigError(clean(e.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new ConfigError(ROOT + ".cluster." + e.getMessage());
    }
  }

  /**
   * Refuses a cluster node without the shared PostgreSQL store, unless {@code
   * cluster.unsafe-local-store} allows a store per node (tests).
   */
  void checkClusterStore(ClusterSettings cluster) {
    if (!cluster.enabled() || cluster.unsafeLocalStore()) {
      return;
    }
    if (durability() == Durability.NONE || storeConfig().type() != StoreConfig.Type.POSTGRESQL) {
      throw new ConfigError(
          ROOT
              + ".cluster needs the PostgreSQL store shared by every node (store.type ="
              + " postgresql, store.durability strict or relaxed); "
              + ROOT
              + ".cluster.unsafe-local-store = true runs each node on a store of its own, for"
              + " tests only");
    }
  }

  /** What acknowledgements promise ({@code store.durability}). */
  public Durability durability() {
    String raw = string("store.durability");
    Durability d = Durability.parse(raw);
    if (d == null) {
      throw new ConfigError(
          ROOT + ".store.durability must be strict, relaxed or none, not \"" + raw + "\"");
    }
    return d;
  }

  /** Where the store is ({@code store.type}, {@code store.sqlite}, {@code store.postgresql}). */
  public StoreConfig storeConfig() {
    String type = string("store.type");
    switch (type) {
      case "sqlite" -> {
        String path = string("store.sqlite.path");
        return StoreConfig.sqlite(
            path.isBlank() ? dataDir().resolve("switchboard.db") : Path.of(path));
      }
      case "postgresql" -> {
        String url = string("store.postgresql.url");
        if (!url.startsWith("jdbc:postgresql:")) {
          throw new ConfigError(
              ROOT
                  + ".store.postgresql.url must be a jdbc:postgresql://HOST:PORT/DATABASE url, not \""
                  + url
                  + "\"");
        }
        int pool = integer("store.postgresql.pool-size");
        if (pool < 1 || pool > 64) {
          throw new ConfigError(ROOT + ".store.postgresql.pool-size must be 1 to 64, not " + pool);
        }
        return StoreConfig.postgresql(
            url, string("store.postgresql.user"), string("store.postgresql.password"), pool);
      }
      default ->
          throw new ConfigError(
              ROOT + ".store.type must be sqlite or postgresql, not \"" + type + "\"");
    }
  }

  /** The broker's persistence settings around an opened store (null when durability is none). */
  public Persistence persistence(DurableStore store) {
    Durability d = durability();
    if (d == Durability.NONE) {
      return Persistence.NONE;
    }
    Duration relaxed = duration("store.relaxed-interval");
    Duration housekeeping = duration("store.housekeeping-interval");
    if (relaxed.isZero() || relaxed.isNegative()) {
      throw new ConfigError(ROOT + ".store.relaxed-interval must be above 0, not " + relaxed);
    }
    if (housekeeping.isZero() || housekeeping.isNegative()) {
      throw new ConfigError(
          ROOT + ".store.housekeeping-interval must be above 0, not " + housekeeping);
    }
    return new Persistence(store, d, relaxed, housekeeping);
  }

  /**
   * How new passwords are hashed ({@code auth.passwords.algorithm} and its parameters): all that
   * {@code switchboard devices} needs of the {@code auth} settings.
   */
  public PasswordHasher.Settings passwordHashing() {
    String algorithm = string("auth.passwords.algorithm");
    PasswordHasher.Algorithm alg =
        switch (algorithm) {
          case "argon2id" -> PasswordHasher.Algorithm.ARGON2ID;
          case "pbkdf2-sha256" -> PasswordHasher.Algorithm.PBKDF2_SHA256;
          default ->
              throw new ConfigError(
                  ROOT
                      + ".auth.passwords.algorithm must be argon2id or pbkdf2-sha256, not \""
                      + algorithm
                      + "\"");
        };
    return setting(
        "auth.passwords.argon2id",
        () ->
            new PasswordHasher.Settings(
                alg,
                integer("auth.passwords.argon2id.memory-kib"),
                integer("auth.passwords.argon2id.iterations"),
                integer("auth.passwords.argon2id.parallelism"),
                integer("auth.passwords.pbkdf2-iterations")));
  }

  /** How often the devices' day and month quota counts are saved ({@code quotas.save-interval}). */
  public Duration quotaSaveInterval() {
    Duration every = duration("quotas.save-interval");
    if (every.toMillis() < 10 || every.toHours() > 24) {
      throw new ConfigError(ROOT + ".quotas.save-interval must be from 10ms to 24h, not " + every);
    }
    return every;
  }

  /** Authentication, access rules and the registry's polling ({@code auth}, {@code registry}). */
  public AuthSettings authSettings() {
    String defaultAccess = string("auth.default-access");
    if (!defaultAccess.equals("allow") && !defaultAccess.equals("deny")) {
      throw new ConfigError(
          ROOT + ".auth.default-access must be allow or deny, not \"" + defaultAccess + "\"");
    }
    int threads = integer("auth.passwords.check-threads");
    if (threads < 0 || threads > 256) {
      throw new ConfigError(
          ROOT + ".auth.passwords.check-threads must be 0 to 256, not " + threads);
    }
    Duration pollInterval = duration("registry.poll-interval");
    if (pollInterval.toMillis() < 10) {
      throw new ConfigError(
          ROOT + ".registry.poll-interval must be at least 10ms, not " + pollInterval);
    }
    PasswordHasher.Settings hashing = passwordHashing();
    LoginThrottle.Settings throttle =
        setting(
            "auth.throttle",
            () ->
                new LoginThrottle.Settings(
                    new LoginThrottle.Limit(
                        integer("auth.throttle.user-address-failures"),
                        duration("auth.throttle.window")),
                    new LoginThrottle.Limit(
                        integer("auth.throttle.address-failures"),
                        duration("auth.throttle.window")),
                    new LoginThrottle.Limit(
                        integer("auth.throttle.user-failures"), duration("auth.throttle.window")),
                    integer("auth.throttle.address-checks"),
                    duration("auth.throttle.known-address-ttl"),
                    duration("auth.throttle.first-block"),
                    duration("auth.throttle.longest-block"),
                    integer("auth.throttle.max-tracked")));
    JwtVerifier.Settings jwt =
        setting(
            "auth.jwt",
            () ->
                new JwtVerifier.Settings(
                    Set.copyOf(get(() -> config.getStringList(ROOT + ".auth.jwt.algorithms"))),
                    blankToNull(string("auth.jwt.issuer")),
                    blankToNull(string("auth.jwt.audience")),
                    duration("auth.jwt.clock-skew"),
                    bool("auth.jwt.require-expiry"),
                    string("auth.jwt.username-claim"),
                    blankToNull(string("auth.jwt.client-id-claim")),
                    blankToNull(string("auth.jwt.acl-claim"))));
    int queue = integer("auth.passwords.check-queue");
    int cacheSize = integer("auth.passwords.cache-size");
    Duration cacheTtl = duration("auth.passwords.cache-ttl");
    if (queue < 1 || cacheSize < 1 || cacheTtl.isNegative()) {
      throw new ConfigError(
          ROOT
              + ".auth.passwords: check-queue and cache-size must be at least 1 and cache-ttl"
              + " not negative");
    }
    return new AuthSettings(
        bool("auth.allow-anonymous"),
        defaultAccess.equals("allow"),
        hashing,
        threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
        queue,
        cacheTtl,
        cacheSize,
        bool("auth.passwords.hide-unknown-users"),
        throttle,
        jwtKeys(),
        jwt,
        setting(
            "auth.certificates.identity",
            () -> CertificateIdentity.parse(string("auth.certificates.identity"))),
        bool("auth.certificates.requires-device"),
        pollInterval,
        hubSettings().selection());
  }

  /** The token keys: a shared secret, a PEM file of public keys, a JWKS file; any of them. */
  private JwtKeys jwtKeys() {
    JwtKeys keys = JwtKeys.none();
    String secret = string("auth.jwt.hmac-secret");
    if (!secret.isEmpty()) {
      keys =
          keys.and(
              setting(
                  "auth.jwt.hmac-secret",
                  () ->
                      JwtKeys.hmacSecret(
                          secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), null)));
    }
    String pem = string("auth.jwt.public-keys");
    if (!pem.isEmpty()) {
      keys = keys.and(setting("auth.jwt.public-keys", () -> JwtKeys.fromPemFile(Path.of(pem))));
    }
    String jwks = string("auth.jwt.jwks");
    if (!jwks.isEmpty()) {
      keys = keys.and(setting("auth.jwt.jwks", () -> JwtKeys.fromJwksFile(Path.of(jwks))));
    }
    return keys;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Runs a constructor that checks its own arguments; its complaint names the setting. */
  private static <T> T setting(String key, Getter<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new ConfigError(ROOT + "." + key + ": " + e.getMessage());
    }
  }

  private int port(String key) {
    String raw = rawString(key);
    if ("off".equalsIgnoreCase(raw)) {
      return BrokerConfig.PORT_OFF;
    }
    int p = integer(key);
    if (p < 0 || p > 65535) {
      throw new ConfigError(
          ROOT + "." + key + " must be a port from 0 to 65535 or \"off\", not " + raw);
    }
    return p;
  }

  private String rawString(String key) {
    try {
      return String.valueOf(config.getValue(ROOT + "." + key).unwrapped());
    } catch (ConfigException e) {
      throw new ConfigError(clean(e.getMessage()));
    }
  }

  private String string(String key) {
    return get(() -> config.getString(ROOT + "." + key));
  }

  private int integer(String key) {
    return get(() -> config.getInt(ROOT + "." + key));
  }

  private boolean bool(String key) {
    return get(() -> config.getBoolean(ROOT + "." + key));
  }

  private Duration duration(String key) {
    return get(() -> config.getDuration(ROOT + "." + key));
  }

  private long bytes(String key) {
    return get(() -> config.getBytes(ROOT + "." + key));
  }

  private interface Getter<T> {
    T get();
  }

  private static <T> T get(Getter<T> getter) {
    try {
      return getter.get();
    } catch (ConfigException e) {
      throw new ConfigError(clean(e.getMessage()));
    }
  }

  /** Typesafe Config's messages start with the origin; keep them to one line. */
  private static String clean(String message) {
    return message.replace('\n', ' ');
  }
}
