package dev.switchboard.http.myqtthub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;

/**
 * A device API request's JSON body, read whatever its media type says (MyQttHub's examples post
 * with {@code curl -d}, which sends a form's media type), with MyQttHub's field names.
 */
record DeviceApiBody(JsonNode root) {

  static DeviceApiBody parse(ObjectMapper mapper, byte[] body) {
    if (body.length == 0) {
      return new DeviceApiBody(mapper.createObjectNode());
    }
    try {
      JsonNode root = mapper.readTree(body);
      if (root == null || !root.isObject()) {
        throw DeviceApiFailure.badRequest("the body must be a JSON object");
      }
      return new DeviceApiBody(root);
    } catch (JsonProcessingException e) {
      throw DeviceApiFailure.badRequest("the body is not valid JSON");
    } catch (java.io.IOException e) {
      throw DeviceApiFailure.badRequest("the body could not be read");
    }
  }

  /** A text field, or null when absent; anything but a string is refused. */
  String text(String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw DeviceApiFailure.badRequest("'" + field + "' must be a string");
    }
    return n.asText();
  }

  String requiredText(String field) {
    String t = text(field);
    if (t == null || t.isEmpty()) {
      throw DeviceApiFailure.badRequest("'" + field + "' is required");
    }
    return t;
  }

  /** A boolean field (true, false, or MyQttHub's 0 and 1), or {@code otherwise} when absent. */
  boolean flag(String field, boolean otherwise) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return otherwise;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isInt() && (n.asInt() == 0 || n.asInt() == 1)) {
      return n.asInt() == 1;
    }
    throw DeviceApiFailure.badRequest("'" + field + "' must be true or false");
  }

  /** A whole number field from {@code min} to {@code max}, or {@code otherwise} when absent. */
  int number(String field, int min, int max, int otherwise) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return otherwise;
    }
    if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
      throw DeviceApiFailure.badRequest(
          "'" + field + "' must be a number from " + min + " to " + max);
    }
    return n.asInt();
  }

  /** The base64 {@code payload} field; empty when absent. */
  byte[] payload() {
    String p = text("payload");
    if (p == null) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(p.strip());
    } catch (IllegalArgumentException e) {
      throw DeviceApiFailure.badRequest("'payload' is not base64");
    }
  }

  JsonNode get(String field) {
    return root.get(field);
  }
}
