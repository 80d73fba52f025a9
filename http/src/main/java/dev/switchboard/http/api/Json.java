package dev.switchboard.http.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * JSON in and out of the API, strictly: a body must say it is {@code application/json} (else 415),
 * fit in the size limit (else 413), hold no field the resource does not have and no value of the
 * wrong type (no "5" for 5, no 1 for true). Every refusal is a {@link Problem} naming the field.
 */
public final class Json {
  private final ObjectMapper mapper;
  private final long maxBodyBytes;

  public Json(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
    JsonMapper m =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // no text for numbers or booleans, no numbers for booleans or text, no empty strings for null
    for (LogicalType t : LogicalType.values()) {
      m.coercionConfigFor(t)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert)
        .setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Enum)
        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
    this.mapper = m;
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The request's body as {@code type}, or a problem naming what is wrong with it. */
  public <T> T read(Context ctx, Class<T> type) {
    byte[] body = body(ctx);
    if (body.length == 0) {
      throw new Problem(400, "body-required", null, "the request needs a JSON body");
    }
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw new Problem(400, "body-required", null, "the request needs a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw new Problem(
          400,
          "unknown-field",
          path(e),
          "'" + e.getPropertyName() + "' is not a field of this resource");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      String why = cause != null && cause.getMessage() != null ? cause.getMessage() : "bad value";
      throw new Problem(400, "invalid-value", blankToNull(path(e)), why);
    } catch (InvalidFormatException e) {
      throw new Problem(400, "wrong-type", path(e), "expected " + expected(e.getTargetType()));
    } catch (MismatchedInputException e) {
      String field = blankToNull(path(e));
      throw new Problem(
          400,
          field == null ? "malformed-json" : "wrong-type",
          field,
          field == null
              ? "the body must be a JSON object"
              : "expected " + expected(e.getTargetType()));
    } catch (JsonParseException e) {
      throw new Problem(400, "malformed-json", null, "the body is not valid JSON");
    } catch (JsonMappingException e) {
      throw new Problem(400, "invalid-value", blankToNull(path(e)), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new Problem(400, "malformed-json", null, "the body is not valid JSON");
    } catch (IOException e) {
      throw new Problem(400, "malformed-json", null, "the body could not be read");
    }
  }

  /** The body's bytes, after checking its media type (415) and its size (413). */
  public byte[] body(Context ctx) {
    String type = ctx.contentType();
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      throw new Problem(
          415,
          "unsupported-media-type",
          "Content-Type",
          "the body must be application/json" + (type == null ? "" : ", not " + type));
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        throw tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw new Problem(400, "malformed-json", null, "the body could not be read");
    }
  }

  private Problem tooLarge() {
    return new Problem(
        413, "body-too-large", null, "the body is larger than " + maxBodyBytes + " bytes");
  }

  /** Answers {@code status} with {@code value} as JSON. */
  public void send(Context ctx, int status, Object value) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(write(value));
  }

  /** Answers 200 with {@code value} as JSON. */
  public void send(Context ctx, Object value) {
    send(ctx, 200, value);
  }

  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getName(), e);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (!b.isEmpty()) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isEnum()) {
      StringBuilder b = new StringBuilder("one of");
      for (Object c : type.getEnumConstants()) {
        b.append(' ').append(c.toString().toLowerCase(Locale.ROOT));
      }
      return b.toString();
    }
    if (java.util.List.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
