package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.hub.acl.ClientAccess;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/v1/hubs/{hub}/rules/check}: would this client be allowed to publish to a topic,
 * or to subscribe to a filter? Answered by the broker's own authorizer (over the running registry
 * view: a rule added in the last poll interval may not count yet), as a client logged in with the
 * device's credentials would be checked: the rules the console's tester shows are the rules the
 * broker applies. A subscription may be allowed but narrowed (a deny rule cuts into it: the denied
 * topics are left out of what it delivers).
 */
public final class RuleCheckRoutes {
  private final Authorizer authorizer;
  private final RegistryRepository registry;
  private final ExistingHub hubs;
  private final Json json;

  /**
   * @param device the client id of the device whose credentials the client logs in with; absent: a
   *     client without a device (anonymous, a token without one): the global rules only
   * @param clientId the client id it connects with (default: the device's)
   * @param operation {@code publish} or {@code subscribe}
   * @param topic a topic name to publish to, or a filter to subscribe to
   */
  record Check(String device, String clientId, String username, String operation, String topic) {}

  record Answer(
      String operation, String topic, boolean allowed, boolean narrowed, String explanation) {}

  public RuleCheckRoutes(Broker broker, RegistryRepository registry, ExistingHub hubs, Json json) {
    this.authorizer = broker.authorizer();
    this.registry = registry;
    this.hubs = hubs;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.post("/api/v1/hubs/{hub}/rules/check", Access.READ, (ctx, caller) -> check(ctx)));
  }

  private void check(Context ctx) {
    String hub = hubs.of(ctx);
    Check c = json.read(ctx, Check.class);
    String operation =
        c.operation() == null ? null : c.operation().strip().toLowerCase(Locale.ROOT);
    if (!"publish".equals(operation) && !"subscribe".equals(operation)) {
      throw Problem.invalid("operation", "publish or subscribe");
    }
    boolean publish = operation.equals("publish");
    String topic = c.topic();
    if (topic == null || !(publish ? Topics.isValidName(topic) : Topics.isValidFilter(topic))) {
      throw Problem.invalid(
          "topic", publish ? "a topic name, without wildcards" : "a valid topic filter");
    }
    Device device = null;
    if (c.device() != null && !c.device().isBlank()) {
      device =
          registry
              .device(hub, c.device())
              .orElseThrow(
                  () ->
                      new Problem(
                          404,
                          "not-found",
                          "device",
                          "no device '" + c.device() + "' in this hub"));
    }
    String clientId =
        c.clientId() != null && !c.clientId().isBlank()
            ? c.clientId()
            : device != null ? device.clientId() : "rule-check";
    String username =
        c.username() != null ? c.username() : device != null ? device.username() : null;
    ClientAccess access =
        device == null ? ClientAccess.globalOnly() : new ClientAccess(device.clientId(), List.of());
    ClientIdentity who =
        new ClientIdentity(clientId, username, new InetSocketAddress("127.0.0.1", 0))
            .authenticated(new Principal(hub, username, access, false, null));
    boolean allowed;
    boolean narrowed = false;
    if (publish) {
      allowed =
          topic.startsWith("$SYS")
              ? authorizer.canPublishSystemTopic(who, topic)
              : authorizer.canPublish(who, topic);
    } else {
      allowed = authorizer.canSubscribe(who, topic);
      narrowed = allowed && authorizer.subscriptionGuard(who, topic) != null;
    }
    String explanation =
        !allowed
            ? "refused: a deny rule decides, or no rule allows it and the default denies"
            : narrowed
                ? "allowed, but a deny rule cuts into it: messages of the denied topics are left"
                    + " out of what it delivers"
                : "allowed";
    json.send(ctx, new Answer(operation, topic, allowed, narrowed, explanation));
  }
}
