package dev.switchboard.http.myqtthub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.connection.DirectClients;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.hub.auth.AdminLogins;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Subscription;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MyQttHub-compatible device API: every call a POST with a JSON body, the token both as cookie
 * {@code tokenId} and as body field {@code tokenId}; {@code GET /pull/stream} streams what {@code
 * /pull} returns as Server-Sent Events. Served at {@code /} and under {@code /myqtthub/}. A
 * device's calls go through the broker as its MQTT packets would ({@link DirectClients}); the
 * domain calls are {@link DomainCalls}.
 */
public final class DeviceApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeviceApi.class);

  /** The alias under which every call is served too. */
  public static final String ALIAS = "/myqtthub";

  private static final String TOKEN = "tokenId";
  private static final long CALL_TIMEOUT_SECONDS = 30;
  private static final long HEARTBEAT_SECONDS = 15;

  /** The most messages one {@code /pull} returns. */
  static final int MAX_PULL = 1000;

  private final Broker broker;
  private final RegistryRepository registry;
  private final PasswordHasher hasher;
  private final AdminLogins adminLogins;
  private final ObjectMapper mapper;
  private final DeviceLogins logins;
  private final DomainCalls domains;

  /**
   * @param registry the registry whose devices change their passwords and whose hubs the domain
   *     calls show; null when logins are not the registry's (then those calls are refused)
   * @param adminLogins the administrators' logins, for MyQttHub's admin sessions; may be null
   */
  public DeviceApi(
      Broker broker,
      RegistryRepository registry,
      PasswordHasher hasher,
      AdminLogins adminLogins,
      ObjectMapper mapper,
      DeviceApiSettings settings,
      Clock clock) {
    this.broker = broker;
    this.registry = registry;
    this.hasher = hasher;
    this.adminLogins = adminLogins;
    this.mapper = mapper;
    this.logins = new DeviceLogins(broker, settings, clock);
    this.domains = new DomainCalls(broker, registry);
  }

  /** The endpoints, at {@code /} and under {@link #ALIAS}. */
  public List<Endpoint> endpoints() {
    Map<String, Call> calls = new LinkedHashMap<>();
    calls.put("/login", this::login);
    calls.put("/logout", this::logout);
    calls.put("/change-my-password", this::changeMyPassword);
    calls.put("/publish", this::publish);
    calls.put("/subscribe", this::subscribe);
    calls.put("/unsubscribe", this::unsubscribe);
    calls.put("/get-subscriptions", this::subscriptions);
    calls.put("/pull", this::pull);
    calls.put("/domain/list", (ctx, body) -> domains.list(ctx, admin(ctx, body), this));
    calls.put("/domain/view", (ctx, body) -> domains.view(ctx, admin(ctx, body), body, this));
    calls.put("/device/list", (ctx, body) -> domains.devices(ctx, admin(ctx, body), body, this));
    List<Endpoint> endpoints = new ArrayList<>();
    for (String prefix : new String[] {"", ALIAS}) {
      for (Map.Entry<String, Call> call : calls.entrySet()) {
        Call c = call.getValue();
        endpoints.add(new Endpoint(HandlerType.POST, prefix + call.getKey(), ctx -> serve(ctx, c)));
      }
      endpoints.add(new Endpoint(HandlerType.GET, prefix + "/pull/stream", this::stream));
    }
    return endpoints;
  }

  /** Device logins open now. */
  public int openLogins() {
    return logins.open();
  }

  @FunctionalInterface
  interface Call {
    void handle(Context ctx, DeviceApiBody body) throws Exception;
  }

  private void serve(Context ctx, Call call) {
    try {
      DeviceApiBody body = DeviceApiBody.parse(mapper, ctx.bodyAsBytes());
      call.handle(ctx, body);
    } catch (DeviceApiFailure f) {
      text(ctx, f.status(), f.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      text(ctx, 503, "Failed to complete request, error was: the server is stopping");
    } catch (Exception e) {
      log.error("device API call {} failed", ctx.path(), e);
      text(ctx, 500, "Failed to complete request, error was: the server failed; see its log");
    }
  }

  static void text(Context ctx, int status, String text) {
    ctx.status(status);
    ctx.contentType("text/plain; charset=utf-8");
    ctx.result(text);
  }

  void json(Context ctx, Object value) {
    try {
      ctx.status(200);
      ctx.contentType("application/json");
      ctx.result(mapper.writeValueAsBytes(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- tokens

  /** The token of a call: the body's field, else the cookie; both must agree when both are sent. */
  private static String token(Context ctx, DeviceApiBody body) {
    String inBody = body == null ? null : body.text(TOKEN);
    String inCookie = ctx.cookie(TOKEN);
    if (inBody != null && inCookie != null && !inBody.equals(inCookie)) {
      throw DeviceApiFailure.tokenNotValid();
    }
    return inBody != null ? inBody : inCookie;
  }

  private DeviceSession device(Context ctx, DeviceApiBody body) {
    DeviceSession s = logins.device(token(ctx, body));
    if (s == null) {
      throw DeviceApiFailure.tokenNotValid();
    }
    return s;
  }

  private DeviceLogins.AdminLogin admin(Context ctx, DeviceApiBody body) {
    String token = token(ctx, body);
    DeviceLogins.AdminLogin a = logins.admin(token);
    if (a == null) {
      if (logins.device(token) != null) {
        throw new DeviceApiFailure(
            403,
            "Failed to complete request, error was: Permission denied: a domain administrator's"
                + " login is needed");
      }
      throw DeviceApiFailure.tokenNotValid();
    }
    return a;
  }

  // ---------------------------------------------------------------- calls

  private void login(Context ctx, DeviceApiBody body) throws InterruptedException {
    String clientId = body.text("clientId");
    String userName = body.text("userName");
    String password = body.text("password");
    boolean cleanSession = body.flag("cleanSession", true);
    if (clientId == null || clientId.isEmpty() || clientId.length() > 65_535) {
      throw DeviceApiFailure.loginDenied();
    }
    ClientIdentity who =
        new ClientIdentity(
            clientId,
            userName,
            remoteAddress(ctx),
            ctx.scheme().equals("https") ? "https" : "http",
            List.of(),
            serverName(ctx),
            null);
    byte[] secret = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    DeviceSession session = logins.login(who, secret, cleanSession);
    if (session != null) {
      loggedIn(ctx, session.token(), session.connectedAt(), session.validUntilMillis());
      return;
    }
    // MyQttHub's admin sessions: a hub administrator logs in with the same call
    if (adminLogins != null && userName != null && password != null) {
      if (adminLogins.login(userName, password.toCharArray(), address(ctx))
          instanceof AdminLogins.Accepted accepted) {
        DeviceLogins.AdminLogin a = logins.adminLogin(accepted.admin());
        loggedIn(ctx, a.token(), System.currentTimeMillis(), a.validUntilMillis());
        return;
      }
    }
    throw DeviceApiFailure.loginDenied();
  }

  private void loggedIn(Context ctx, String token, long stampMillis, long validUntilMillis) {
    ctx.header(
        "Set-Cookie",
        TOKEN
            + "="
            + token
            + "; Path=/; HttpOnly; SameSite=Strict"
            + (ctx.scheme().equals("https") ? "; Secure" : ""));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("tokenId", token);
    answer.put("stamp", stampMillis / 1000);
    answer.put("validUntil", validUntilMillis / 1000);
    json(ctx, answer);
  }

  private void logout(Context ctx, DeviceApiBody body) {
    if (!logins.logout(token(ctx, body))) {
      throw DeviceApiFailure.tokenNotValid();
    }
    text(ctx, 200, "Logout completed");
  }

  private void changeMyPassword(Context ctx, DeviceApiBody body) {
    DeviceSession s = device(ctx, body);
    String newPassword = body.requiredText("newPassword");
    ClientIdentity who = s.identity();
    Device device =
        registry == null || who.principal().username() == null
            ? null
            : registry.deviceByUsername(who.hub(), who.principal().username()).orElse(null);
    if (device == null) {
      throw DeviceApiFailure.badRequest("this login has no device password to change");
    }
    registry.update(device.withPasswordHash(hasher.hash(newPassword.toCharArray())));
    text(ctx, 200, "Password changed");
  }

  private void publish(Context ctx, DeviceApiBody body) throws InterruptedException {
    DeviceSession s = device(ctx, body);
    String topic = body.requiredText("topic");
    int qos = body.number("qos", 0, 2, 0);
    boolean retain = body.flag("retain", false);
    body.flag("dup", false); // checked; a resent PUBLISH is routed as any other
    byte[] payload = body.payload();
    if (payload.length > broker.config().maxPacketSize()) {
      throw DeviceApiFailure.badRequest(
          "the payload is larger than the server's message size ("
              + broker.config().maxPacketSize()
              + " bytes)");
    }
    DirectClients.PublishOutcome outcome =
        await(
            broker
                .directClients()
                .publish(
                    s.session(), s.identity(), topic, payload, qos, retain, MqttProperties.EMPTY));
    if (outcome.refused()) {
      throw DeviceApiFailure.badRequest(
          "publish refused: " + (outcome.reason() == null ? "by the server" : outcome.reason()));
    }
    text(ctx, 200, "Publish completed");
  }

  private void subscribe(Context ctx, DeviceApiBody body) throws InterruptedException {
    DeviceSession s = device(ctx, body);
    JsonNode list = body.get("subscriptions");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw DeviceApiFailure.badRequest(
          "'subscriptions' must be a list of [filter, qos] pairs, e.g. [[\"lab/#\", 1]]");
    }
    List<Subscription> filters = new ArrayList<>();
    for (JsonNode pair : list) {
      if (!pair.isArray()
          || pair.size() != 2
          || !pair.get(0).isTextual()
          || !pair.get(1).isIntegralNumber()
          || pair.get(1).asInt() < 0
          || pair.get(1).asInt() > 2) {
        throw DeviceApiFailure.badRequest(
            "'subscriptions' must be a list of [filter, qos] pairs, e.g. [[\"lab/#\", 1]]");
      }
      filters.add(new Subscription(pair.get(0).asText(), pair.get(1).asInt()));
    }
    json(ctx, await(broker.directClients().subscribe(s.session(), s.identity(), filters)));
  }

  private void unsubscribe(Context ctx, DeviceApiBody body) throws InterruptedException {
    DeviceSession s = device(ctx, body);
    JsonNode list = body.get("subscriptions");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw DeviceApiFailure.badRequest("'subscriptions' must be a list of topic filters");
    }
    List<String> filters = new ArrayList<>();
    for (JsonNode f : list) {
      // a filter alone, or a [filter, qos] pair as /subscribe takes it
      JsonNode filter = f.isArray() && f.size() > 0 ? f.get(0) : f;
      if (!filter.isTextual()) {
        throw DeviceApiFailure.badRequest("'subscriptions' must be a list of topic filters");
      }
      filters.add(filter.asText());
    }
    json(ctx, await(broker.directClients().unsubscribe(s.session(), s.identity(), filters)));
  }

  private void subscriptions(Context ctx, DeviceApiBody body) throws InterruptedException {
    DeviceSession s = device(ctx, body);
    CompletableFuture<List<List<Object>>> answer = new CompletableFuture<>();
    s.session()
        .execute(
            () -> {
              List<List<Object>> pairs = new ArrayList<>();
              List<SubscriptionEntry> entries = new ArrayList<>(s.session().subscriptions());
              entries.sort(java.util.Comparator.comparing(SubscriptionEntry::filterKey));
              for (SubscriptionEntry e : entries) {
                pairs.add(List.of(e.filterKey(), e.qos()));
              }
              answer.complete(pairs);
            });
    json(ctx, await(answer));
  }

  private void pull(Context ctx, DeviceApiBody body) throws InterruptedException {
    DeviceSession s = device(ctx, body);
    int max = body.number("max", 1, MAX_PULL, MAX_PULL);
    List<Map<String, Object>> messages = new ArrayList<>();
    for (DeviceSession.Pulled p : await(s.pull(max))) {
      messages.add(PulledJson.view(p));
    }
    json(ctx, messages);
  }

  /** {@code GET /pull/stream}: what {@code /pull} returns, as events, until the login ends. */
  private void stream(Context ctx) throws Exception {
    String token = ctx.queryParam(TOKEN) != null ? ctx.queryParam(TOKEN) : ctx.cookie(TOKEN);
    DeviceSession s = logins.device(token);
    if (s == null) {
      text(ctx, 400, DeviceApiFailure.TOKEN_NOT_VALID);
      return;
    }
    ctx.status(200);
    ctx.contentType("text/event-stream");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    var out = ctx.res().getOutputStream();
    try {
      out.write(": ready\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (logins.device(token) == s) {
        List<DeviceSession.Pulled> pulled = await(s.pull(MAX_PULL));
        for (DeviceSession.Pulled p : pulled) {
          out.write("event: message\ndata: ".getBytes(StandardCharsets.UTF_8));
          out.write(mapper.writeValueAsBytes(PulledJson.view(p)));
          out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        if (pulled.isEmpty() && !s.awaitArrival(HEARTBEAT_SECONDS, TimeUnit.SECONDS)) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
      out.write("event: end\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (java.io.IOException e) {
      // the reader went away: the stream ends, the login stays until it is idle
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
    try {
      return future.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw DeviceApiFailure.badRequest(
          "not completed: "
              + (e.getCause() == null || e.getCause().getMessage() == null
                  ? "the server failed"
                  : e.getCause().getMessage()));
    } catch (TimeoutException e) {
      throw new DeviceApiFailure(503, "Failed to complete request, error was: timed out");
    }
  }

  private static InetSocketAddress remoteAddress(Context ctx) {
    return new InetSocketAddress(address(ctx), ctx.req().getRemotePort());
  }

  private static InetAddress address(Context ctx) {
    try {
      return InetAddress.getByName(ctx.req().getRemoteAddr());
    } catch (UnknownHostException e) {
      return InetAddress.getLoopbackAddress();
    }
  }

  /** The host the client named, lower case without a port (what maps a client to its hub). */
  private static String serverName(Context ctx) {
    String host = ctx.host();
    if (host == null || host.isEmpty()) {
      return null;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 ? host.substring(1, end) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  @Override
  public void close() {
    logins.close();
  }
}
