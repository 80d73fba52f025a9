package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code GET /api/v1/server}: the broker's listeners with the URLs clients use, and the TLS
 * certificate's SHA-256 fingerprint, which a person accepting a self-signed certificate compares
 * (what {@code switchboard start} prints). Read-only, for any caller: nothing in it is a hub's.
 */
public final class ServerRoutes {
  private final Broker broker;
  private final Json json;

  record ListenerView(String name, String url) {}

  record TlsView(String sha256Fingerprint, boolean selfSigned) {}

  record ServerView(List<ListenerView> listeners, TlsView tls) {}

  public ServerRoutes(Broker broker, Json json) {
    this.broker = broker;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get("/api/v1/server", Access.READ, this::show));
  }

  private void show(Context ctx, Caller caller) {
    List<ListenerView> listeners =
        broker.boundListeners().stream().map(l -> new ListenerView(l.name(), l.url())).toList();
    TlsView tls =
        broker
            .tlsCertificate()
            .map(c -> new TlsView(c.sha256Fingerprint(), c.selfSigned()))
            .orElse(null);
    json.send(ctx, new ServerView(listeners, tls));
  }
}
