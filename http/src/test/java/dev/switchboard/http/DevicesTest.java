package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Devices, rules, hubs and administrators through the API, and bad input on them. */
class DevicesTest {
  static ApiFixture api;
  static Http admin;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiFixture();
    admin = api.as("server-admin");
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  @Test
  void theListFiltersByClientIdPrefixPageByPage() {
    for (String id : List.of("pfx", "pfx-1", "pfx-2", "pfx-3", "pfw", "pfy", "zzz")) {
      assertThat(admin.post("/api/v1/hubs/team4/devices", Map.of("clientId", id)).status())
          .isEqualTo(201);
    }
    Http.Answer first = admin.get("/api/v1/hubs/team4/devices?clientIdPrefix=pfx&limit=3");
    assertThat(first.json().path("items"))
        .extracting(n -> n.path("clientId").asText())
        .containsExactly("pfx", "pfx-1", "pfx-2");
    String cursor = first.json().path("nextCursor").asText();
    Http.Answer second =
        admin.get("/api/v1/hubs/team4/devices?clientIdPrefix=pfx&limit=3&cursor=" + cursor);
    assertThat(second.json().path("items"))
        .extracting(n -> n.path("clientId").asText())
        .containsExactly("pfx-3");
    assertThat(second.json().path("nextCursor").isNull()).isTrue();
    assertThat(admin.get("/api/v1/hubs/team4/devices?clientIdPrefix=nothing").json().path("items"))
        .isEmpty();
  }

  @Test
  void aDeviceIsCreatedWithEveryFlagReadChangedAndDeleted() {
    Http.Answer made =
        admin.post(
            "/api/v1/hubs/team4/devices",
            Map.of(
                "clientId",
                "sensor-1",
                "username",
                "s1",
                "generatePassword",
                true,
                "replacePolicy",
                "reject",
                "strictClientId",
                true,
                "subscriptionsFrozen",
                true,
                "subscriptions",
                List.of(Map.of("filter", "lab/#", "qos", 1)),
                "allowedSources",
                List.of("10.0.0.0/8")));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String password = made.json().path("generatedPassword").asText();
    assertThat(password).hasSize(24);
    Device stored = api.registry.device("team4", "sensor-1").orElseThrow();
    assertThat(api.hasher.verify(password.toCharArray(), stored.passwordHash())).isTrue();
    assertThat(stored.strictClientId()).isTrue();
    assertThat(stored.subscriptions().get(0).qos()).isEqualTo(1);

    JsonNode read = admin.get("/api/v1/hubs/team4/devices/sensor-1").json();
    assertThat(read.path("replacePolicy").asText()).isEqualTo("reject");
    assertThat(read.path("hasPassword").asBoolean()).isTrue();
    assertThat(read.path("allowedSources").get(0).asText()).isEqualTo("10.0.0.0/8");
    assertThat(read.toString()).doesNotContain("passwordHash").doesNotContain(password);

    Http.Answer changed =
        admin.patch(
            "/api/v1/hubs/team4/devices/sensor-1",
            Map.of("replacePolicy", "replace", "allowedSources", List.of()));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().path("replacePolicy").asText()).isEqualTo("replace");
    assertThat(changed.json().path("strictClientId").asBoolean()).isTrue(); // untouched

    assertThat(
            admin
                .post("/api/v1/hubs/team4/devices/sensor-1/disable", null)
                .json()
                .path("enabled")
                .asBoolean())
        .isFalse();
    assertThat(api.registry.device("team4", "sensor-1").orElseThrow().enabled()).isFalse();
    assertThat(
            admin
                .put("/api/v1/hubs/team4/devices/sensor-1/password", Map.of("password", "pw2"))
                .status())
        .isEqualTo(200);
    assertThat(
            api.hasher.verify(
                "pw2".toCharArray(),
                api.registry.device("team4", "sensor-1").orElseThrow().passwordHash()))
        .isTrue();
    Http.Answer subs =
        admin.put(
            "/api/v1/hubs/team4/devices/sensor-1/subscriptions",
            Map.of("subscriptions", List.of(Map.of("filter", "a/+", "qos", 2))));
    assertThat(subs.status()).isEqualTo(200);
    assertThat(
            admin
                .get("/api/v1/hubs/team4/devices/sensor-1/subscriptions")
                .json()
                .path("subscriptions")
                .get(0)
                .path("filter")
                .asText())
        .isEqualTo("a/+");

    assertThat(admin.delete("/api/v1/hubs/team4/devices/sensor-1").status()).isEqualTo(204);
    assertThat(admin.get("/api/v1/hubs/team4/devices/sensor-1").status()).isEqualTo(404);
    assertThat(admin.delete("/api/v1/hubs/team4/devices/sensor-1").status()).isEqualTo(404);
  }

  @Test
  void aDuplicateIsAConflict() {
    assertThat(admin.post("/api/v1/hubs/team4/devices", Map.of("clientId", "dup")).status())
        .isEqualTo(201);
    Http.Answer again = admin.post("/api/v1/hubs/team4/devices", Map.of("clientId", "dup"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("exists");
  }

  @Test
  void tenThousandDevicesArePagedWithAnOpaqueCursor() {
    api.registry.addHub(Hub.create("big", ApiFixture.NOW));
    for (int i = 0; i < 10_000; i++) {
      api.registry.add(
          Device.create("big", String.format("d%05d", i), "u" + i, null, ApiFixture.NOW));
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    String last = "";
    do {
      Http.Answer page =
          admin.get(
              "/api/v1/hubs/big/devices?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      for (JsonNode d : page.json().path("items")) {
        String id = d.path("clientId").asText();
        assertThat(id).isGreaterThan(last);
        last = id;
        seen.add(id);
      }
      JsonNode next = page.json().path("nextCursor");
      cursor = next.isNull() || next.isMissingNode() ? null : next.asText();
      pages++;
    } while (cursor != null);
    assertThat(seen).hasSize(10_000);
    assertThat(pages).isEqualTo(10);
  }

  @Test
  void badCursorsAndLimitsAreProblemsNamingTheParameter() {
    Http.Answer cursor = admin.get("/api/v1/hubs/team3/devices?cursor=not-a-cursor!");
    assertThat(cursor.status()).isEqualTo(400);
    assertThat(cursor.code()).isEqualTo("bad-cursor");
    assertThat(cursor.field()).isEqualTo("cursor");
    Http.Answer limit = admin.get("/api/v1/hubs/team3/devices?limit=0");
    assertThat(limit.field()).isEqualTo("limit");
    assertThat(admin.get("/api/v1/hubs/team3/devices?limit=5").status()).isEqualTo(200);
  }

  @Test
  void unknownFieldsWrongTypesAndBadValuesAreRefusedNamingTheFieldAndChangeNothing() {
    Http.Answer unknown =
        admin.post("/api/v1/hubs/team3/devices", Map.of("clientId", "x1", "colour", "red"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.code()).isEqualTo("unknown-field");
    assertThat(unknown.field()).isEqualTo("colour");

    Http.Answer wrongType =
        admin.post("/api/v1/hubs/team3/devices", Map.of("clientId", "x1", "enabled", "yes"));
    assertThat(wrongType.code()).isEqualTo("wrong-type");
    assertThat(wrongType.field()).isEqualTo("enabled");
    Http.Answer number = admin.post("/api/v1/hubs/team3/devices", Map.of("clientId", 5));
    assertThat(number.field()).isEqualTo("clientId");

    Http.Answer badFilter =
        admin.post(
            "/api/v1/hubs/team3/devices",
            Map.of(
                "clientId",
                "x1",
                "subscriptions",
                List.of(Map.of("filter", "ok/#"), Map.of("filter", "bad/#/x"))));
    assertThat(badFilter.status()).isEqualTo(400);
    assertThat(badFilter.field()).isEqualTo("subscriptions[1].filter");
    Http.Answer badCidr =
        admin.post(
            "/api/v1/hubs/team3/devices",
            Map.of("clientId", "x1", "allowedSources", List.of("10.0.0.0/8", "nowhere")));
    assertThat(badCidr.field()).isEqualTo("allowedSources[1]");
    Http.Answer badEnum =
        admin.post("/api/v1/hubs/team3/devices", Map.of("clientId", "x1", "replacePolicy", "x"));
    assertThat(badEnum.field()).isEqualTo("replacePolicy");
    Http.Answer badPatch =
        admin.patch(
            "/api/v1/hubs/team3/devices/keeper",
            Map.of(
                "strictClientId", true, "subscriptions", List.of(Map.of("filter", "#", "qos", 3))));
    assertThat(badPatch.field()).isEqualTo("subscriptions[0].qos");
    assertThat(api.registry.device("team3", "keeper").orElseThrow().strictClientId()).isFalse();

    Http.Answer malformed =
        admin.send("POST", "/api/v1/hubs/team3/devices", "{\"clientId\":", "application/json");
    assertThat(malformed.code()).isEqualTo("malformed-json");
    assertThat(api.registry.device("team3", "x1")).isEmpty();
  }

  @Test
  void aWrongContentTypeIs415AndAnOversizedBodyIs413() {
    Http.Answer type =
        admin.send("POST", "/api/v1/hubs/team3/devices", "clientId=x2", "text/plain");
    assertThat(type.status()).isEqualTo(415);
    assertThat(type.code()).isEqualTo("unsupported-media-type");
    assertThat(type.field()).isEqualTo("Content-Type");

    String big = "{\"clientId\":\"x2\",\"username\":\"" + "u".repeat(2 << 20) + "\"}";
    Http.Answer size = admin.send("POST", "/api/v1/hubs/team3/devices", big, "application/json");
    assertThat(size.status()).isEqualTo(413);
    assertThat(size.code()).isEqualTo("body-too-large");
    assertThat(api.registry.device("team3", "x2")).isEmpty();
  }

  @Test
  void hubsRulesAndAdministratorsWorkThroughTheApi() {
    Http owner = api.as("server-owner");
    Http.Answer hub =
        owner.post(
            "/api/v1/hubs",
            Map.of("name", "team9", "displayName", "Team 9", "limits", Map.of("devices", 2)));
    assertThat(hub.status()).as(hub.body()).isEqualTo(201);
    assertThat(api.registry.hub("team9").orElseThrow().limits().devices()).isEqualTo(2);
    Http.Answer badName = owner.post("/api/v1/hubs", Map.of("name", "Team_9"));
    assertThat(badName.field()).isEqualTo("name");
    assertThat(owner.get("/api/v1/hubs").body()).contains("team9");

    Http.Answer rule =
        owner.post(
            "/api/v1/hubs/team9/rules",
            Map.of("priority", 10, "action", "deny", "operation", "publish", "filter", "secret/#"));
    assertThat(rule.status()).as(rule.body()).isEqualTo(201);
    long id = rule.json().path("id").asLong();
    assertThat(owner.get("/api/v1/hubs/team9/rules").body()).contains("secret/#");
    assertThat(owner.delete("/api/v1/hubs/team3/rules/" + id).status()).isEqualTo(404);
    assertThat(owner.delete("/api/v1/hubs/team9/rules/" + id).status()).isEqualTo(204);

    Http.Answer newAdmin =
        owner.post(
            "/api/v1/hubs/team9/admins",
            Map.of("name", "t9", "role", "viewer", "generatePassword", true));
    assertThat(newAdmin.status()).as(newAdmin.body()).isEqualTo(201);
    assertThat(api.registry.admin("t9").orElseThrow().hub()).isEqualTo("team9");
    assertThat(owner.get("/api/v1/hubs/team9/admins").body()).contains("t9");
    assertThat(owner.delete("/api/v1/hubs/team9/admins/t9").status()).isEqualTo(204);

    assertThat(owner.delete("/api/v1/hubs/team9").status()).isEqualTo(204);
    assertThat(api.registry.hub("team9")).isEmpty();
    Http.Answer inUse = owner.delete("/api/v1/hubs/team3");
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.code()).isEqualTo("in-use");
  }
}
