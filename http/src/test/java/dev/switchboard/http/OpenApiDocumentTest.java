package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.http.api.ApiRoute;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is written by hand; this checks it is a well-formed OpenAPI 3.1 document and
 * that it and the routes the server registers agree, both ways.
 */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

  private final JsonNode doc;

  OpenApiDocumentTest() throws Exception {
    doc = new ObjectMapper().readTree(HttpServer.readOpenApi());
  }

  @Test
  void isAnOpenApi31DocumentWithInfoPathsAndComponents() {
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    assertThat(doc.path("info").path("title").isTextual()).isTrue();
    assertThat(doc.path("info").path("version").isTextual()).isTrue();
    assertThat(doc.path("paths").isObject()).isTrue();
    assertThat(doc.path("components").path("schemas").path("Problem").isObject()).isTrue();
  }

  @Test
  void everyOperationHasResponsesAndEveryPathParameterIsDeclared() {
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (op.getKey().equals("parameters")) {
          continue;
        }
        assertThat(METHODS).as(path.getKey()).contains(op.getKey());
        assertThat(op.getValue().path("responses").size())
            .as(op.getKey() + " " + path.getKey())
            .isPositive();
        for (String name : parameterNames(path.getKey())) {
          assertThat(declaresPathParameter(path.getValue(), op.getValue(), name))
              .as("{" + name + "} of " + op.getKey() + " " + path.getKey())
              .isTrue();
        }
      }
    }
  }

  @Test
  void everyReferenceResolves() {
    checkRefs(doc);
  }

  @Test
  void theDocumentAndTheRegisteredRoutesAgree() {
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (Iterator<String> ops = path.getValue().fieldNames(); ops.hasNext(); ) {
        String method = ops.next();
        if (METHODS.contains(method)) {
          documented.add(method.toUpperCase() + " " + path.getKey());
        }
      }
    }
    Set<String> registered = new TreeSet<>();
    for (ApiRoute r : TestServer.routesOfAFullServer()) {
      registered.add(r.method() + " " + r.path());
    }
    assertThat(documented).isEqualTo(registered);
  }

  private void checkRefs(JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String pointer = ref.asText();
        assertThat(pointer).startsWith("#/");
        assertThat(doc.at(pointer.substring(1)).isMissingNode()).as(pointer).isFalse();
      }
      node.elements().forEachRemaining(this::checkRefs);
    } else if (node.isArray()) {
      node.elements().forEachRemaining(this::checkRefs);
    }
  }

  private static Set<String> parameterNames(String path) {
    Set<String> names = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private boolean declaresPathParameter(JsonNode pathItem, JsonNode op, String name) {
    for (JsonNode params : new JsonNode[] {pathItem.path("parameters"), op.path("parameters")}) {
      for (JsonNode p : params) {
        JsonNode resolved = p.has("$ref") ? doc.at(p.get("$ref").asText().substring(1)) : p;
        if (resolved.path("in").asText().equals("path")
            && resolved.path("name").asText().equals(name)
            && resolved.path("required").asBoolean()) {
          return true;
        }
      }
    }
    return false;
  }
}
