package dev.switchboard.http.myqtthub;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.session.Session;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MyQttHub's admin calls for a hub administrator's login (a MyQttHub domain is a hub): {@code
 * /domain/list}, {@code /domain/view {domain}}, {@code /device/list {domainName}}. A hub's
 * administrator sees its hub only, a server administrator every hub; a hub outside the login's
 * scope answers as one that does not exist.
 */
final class DomainCalls {
  private final Broker broker;
  private final RegistryRepository registry;

  DomainCalls(Broker broker, RegistryRepository registry) {
    this.broker = broker;
    this.registry = registry;
  }

  void list(Context ctx, DeviceLogins.AdminLogin login, DeviceApi api) {
    List<Map<String, Object>> domains = new ArrayList<>();
    for (Hub hub : registry().hubs()) {
      if (sees(login.admin(), hub.name())) {
        domains.add(view(hub));
      }
    }
    api.json(ctx, domains);
  }

  void view(Context ctx, DeviceLogins.AdminLogin login, DeviceApiBody body, DeviceApi api) {
    api.json(ctx, view(hub(login, body.requiredText("domain"))));
  }

  void devices(Context ctx, DeviceLogins.AdminLogin login, DeviceApiBody body, DeviceApi api) {
    Hub hub = hub(login, body.requiredText("domainName"));
    List<Map<String, Object>> devices = new ArrayList<>();
    for (Device d : registry().devices(hub.name())) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("clientId", d.clientId());
      v.put("userName", d.username());
      v.put("status", d.enabled() ? "active" : "disabled");
      v.put("freezeSubs", d.subscriptionsFrozen());
      v.put("replacePolicy", d.replacePolicy().name().toLowerCase(Locale.ROOT));
      Session s = broker.sessions().get(hub.name(), d.clientId());
      v.put("connected", s != null && s.isOnline());
      devices.add(v);
    }
    api.json(ctx, devices);
  }

  private Hub hub(DeviceLogins.AdminLogin login, String name) {
    Hub hub = sees(login.admin(), name) ? registry().hub(name).orElse(null) : null;
    if (hub == null) {
      throw DeviceApiFailure.badRequest("no domain '" + name + "'");
    }
    return hub;
  }

  private Map<String, Object> view(Hub hub) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", hub.name());
    v.put("description", hub.displayName());
    v.put("status", hub.status().name().toLowerCase(Locale.ROOT));
    v.put("devices", registry().devices(hub.name()).size());
    int connected = 0;
    for (Session s : broker.sessions().all()) {
      if (s.hub().equals(hub.name()) && s.isOnline()) {
        connected++;
      }
    }
    v.put("connected", connected);
    return v;
  }

  private static boolean sees(Admin admin, String hub) {
    return admin.hub() == null || admin.hub().equals(hub);
  }

  private RegistryRepository registry() {
    if (registry == null) {
      throw DeviceApiFailure.badRequest("this server has no registry of domains");
    }
    return registry;
  }
}
