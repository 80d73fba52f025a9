package dev.switchboard.http;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.transport.TlsConfig;
import dev.switchboard.http.api.ApiHandler;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.broker.BrokerResources;
import dev.switchboard.http.broker.LiveSettings;
import dev.switchboard.http.broker.ServerRoutes;
import dev.switchboard.http.cluster.ClusterView;
import dev.switchboard.http.myqtthub.DeviceApi;
import dev.switchboard.http.myqtthub.DeviceApiSettings;
import dev.switchboard.http.quota.QuotaRoutes;
import dev.switchboard.http.registry.AdminRoutes;
import dev.switchboard.http.registry.ApiKeyRoutes;
import dev.switchboard.http.registry.AuditRoutes;
import dev.switchboard.http.registry.DashboardRoutes;
import dev.switchboard.http.registry.DeviceRoutes;
import dev.switchboard.http.registry.HubRoutes;
import dev.switchboard.http.registry.RuleRoutes;
import dev.switchboard.http.security.AdminSessions;
import dev.switchboard.http.security.Credentials;
import dev.switchboard.http.security.LoginRoutes;
import dev.switchboard.http.stash.StashRoutes;
import dev.switchboard.hub.auth.AdminLogins;
import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.auth.HubAuthenticator;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.quota.QuotaBook;
import dev.switchboard.hub.quota.Quotas;
import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.stash.Stashes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP API put together: who may call (sessions, API keys), the registry's resources, and the
 * server that serves them. {@code app} builds one with the running server's parts.
 */
public final class HttpApi {
  private HttpApi() {}

  /**
   * What the API works on.
   *
   * @param registry hubs, devices, rules, administrators
   * @param administration API keys, the audit log and dashboards (the registry store implements
   *     them)
   * @param hasher how passwords are hashed (the registry's {@code auth.passwords})
   * @param throttle failed administrators' logins, throttled as MQTT logins are
   * @param broker the running broker, whose clients, sessions, messages and figures the broker's
   *     resources show; null for a server of the registry's resources only
   * @param authenticator the MQTT logins' checks, whose counts {@code /metrics} shows; may be null
   * @param cluster this server as a cluster node ({@code GET /api/v1/cluster}, the cluster's
   *     meters); null when it is not one, or without a broker
   */
  public record Parts(
      RegistryRepository registry,
      AdministrationRepository administration,
      PasswordHasher hasher,
      LoginThrottle throttle,
      Clock clock,
      Broker broker,
      HubAuthenticator authenticator,
      ClusterView cluster) {

    /** The parts of a server that is not a cluster node. */
    public Parts(
        RegistryRepository registry,
        AdministrationRepository administration,
        PasswordHasher hasher,
        LoginThrottle throttle,
        Clock clock,
        Broker broker,
        HubAuthenticator authenticator) {
      this(registry, administration, hasher, throttle, clock, broker, authenticator, null);
    }

    /** The parts of a server on a broker whose logins are not the registry's. */
    public Parts(
        RegistryRepository registry,
        AdministrationRepository administration,
        PasswordHasher hasher,
        LoginThrottle throttle,
        Clock clock,
        Broker broker) {
      this(registry, administration, hasher, throttle, clock, broker, null, null);
    }

    /** The registry's parts only: no broker resources. */
    public Parts(
        RegistryRepository registry,
        AdministrationRepository administration,
        PasswordHasher hasher,
        LoginThrottle throttle,
        Clock clock) {
      this(registry, administration, hasher, throttle, clock, null, null, null);
    }
  }

  /** The server, not started, with the device API's default settings. */
  public static HttpServer server(
      HttpSettings settings, TlsConfig tls, Readiness readiness, Parts parts) {
    return server(settings, tls, readiness, parts, DeviceApiSettings.defaults());
  }

  /**
   * The server, not started; on a broker it serves the MyQttHub-compatible device API too, with
   * {@code deviceApi}.
   */
  public static HttpServer server(
      HttpSettings settings,
      TlsConfig tls,
      Readiness readiness,
      Parts parts,
      DeviceApiSettings deviceApi) {
    return server(settings, tls, readiness, parts, deviceApi, null);
  }

  /**
   * The server, not started; on a broker with {@code stashes} (null: none) it serves the stashes'
   * routes too ({@code /api/v1/hubs/{hub}/stashes...}).
   */
  public static HttpServer server(
      HttpSettings settings,
      TlsConfig tls,
      Readiness readiness,
      Parts parts,
      DeviceApiSettings deviceApi,
      Stashes stashes) {
    return server(settings, tls, readiness, parts, deviceApi, stashes, null, null);
  }

  /**
   * The server, not started; with {@code quotas} (null: none) it serves the quota routes and the
   * inspector ({@code /api/v1/hubs/{hub}/quotas...}, {@code .../devices/{clientId}/quota}), and
   * with the running server's {@code book} its refusals in {@code /metrics} and the hubs' stats.
   */
  public static HttpServer server(
      HttpSettings settings,
      TlsConfig tls,
      Readiness readiness,
      Parts parts,
      DeviceApiSettings deviceApi,
      Stashes stashes,
      Quotas quotas,
      QuotaBook book) {
    Json json = new Json(settings.maxBodyBytes());
    Clock clock = parts.clock();
    ApiKeys keys = new ApiKeys(parts.administration(), clock);
    AdminSessions sessions = new AdminSessions(clock, settings.sessionIdle());
    Credentials credentials = new Credentials(keys, sessions, parts.registry(), clock);
    Audit audit = new Audit(parts.administration(), clock);
    AdminLogins logins = new AdminLogins(parts.registry(), parts.hasher(), parts.throttle());

    List<ApiRoute> routes = new ArrayList<>();
    routes.addAll(new LoginRoutes(logins, sessions, credentials, json).routes());
    // registry changes are in effect on this server's broker before the answer
    DeviceDirectory view = parts.authenticator() == null ? null : parts.authenticator().directory();
    routes.addAll(inEffect(view, new HubRoutes(parts.registry(), json, audit, clock).routes()));
    routes.addAll(
        inEffect(
            view, new DeviceRoutes(parts.registry(), parts.hasher(), json, audit, clock).routes()));
    routes.addAll(inEffect(view, new RuleRoutes(parts.registry(), json, audit).routes()));
    routes.addAll(
        new AdminRoutes(parts.registry(), parts.hasher(), json, audit, clock, sessions::closeAll)
            .routes());
    routes.addAll(
        new ApiKeyRoutes(
                keys,
                parts.administration(),
                parts.registry(),
                json,
                audit,
                credentials::forgetKeys)
            .routes());
    routes.addAll(new AuditRoutes(parts.administration(), parts.registry(), json).routes());
    routes.addAll(
        new DashboardRoutes(parts.registry(), parts.administration(), json, audit, clock).routes());
    BrokerResources live = null;
    if (parts.broker() != null) {
      live =
          new BrokerResources(
              parts.broker(),
              new LiveSettings(
                  settings.streamBuffer(),
                  settings.maxStreams(),
                  settings.topicSampleRing(),
                  settings.metrics() == HttpSettings.MetricsAccess.ANYONE,
                  settings.metrics() == HttpSettings.MetricsAccess.LOOPBACK_AND_KEYS),
              parts.authenticator() == null
                  ? ExistingHub.in(parts.registry())
                  : ExistingHub.in(parts.authenticator().directory(), parts.registry()),
              parts.registry(),
              json,
              audit,
              parts.authenticator(),
              parts.throttle(),
              ctx -> credentials.find(ctx, false));
      if (parts.cluster() != null) {
        live.cluster(parts.cluster());
      }
      routes.addAll(live.routes());
      routes.addAll(new ServerRoutes(parts.broker(), json).routes());
      if (stashes != null) {
        routes.addAll(
            new StashRoutes(
                    stashes, ExistingHub.in(parts.registry()), parts.broker(), json, audit, clock)
                .routes());
      }
    }
    if (quotas != null) {
      routes.addAll(
          new QuotaRoutes(quotas, book, ExistingHub.in(parts.registry()), json, audit, clock)
              .routes());
      if (live != null && book != null) {
        live.quotas(book);
      }
    }
    HttpServer server = new HttpServer(settings, tls, readiness, credentials, json, routes);
    if (live != null) {
      server.closeWith(live);
    }
    if (parts.broker() != null) {
      DeviceApi devices =
          new DeviceApi(
              parts.broker(),
              parts.registry(),
              parts.hasher(),
              logins,
              json.mapper(),
              deviceApi,
              clock);
      server.serveToo(devices.endpoints());
      server.closeWith(devices);
    }
    return server;
  }

  /**
   * {@code routes}, with every one that changes something followed by the broker's view of the
   * registry catching up ({@link DeviceDirectory#catchUp}): a device added is let in, a device
   * disabled is cut off, a rule applies, by the time the caller hears that the change was made.
   * Without a view (a server whose logins are not the registry's) they are as they are.
   */
  static List<ApiRoute> inEffect(DeviceDirectory view, List<ApiRoute> routes) {
    if (view == null) {
      return routes;
    }
    List<ApiRoute> out = new ArrayList<>(routes.size());
    for (ApiRoute r : routes) {
      if (r.method().equals("GET")) {
        out.add(r);
        continue;
      }
      ApiHandler work = r.handler();
      out.add(
          new ApiRoute(
              r.method(),
              r.path(),
              r.access(),
              (ctx, caller) -> {
                work.handle(ctx, caller);
                view.catchUp();
              }));
    }
    return out;
  }
}
