package dev.switchboard.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of an error answer (RFC 9457, {@code application/problem+json}), with two extension
 * members: {@code code}, stable across releases, and {@code field}, the part of the request at
 * fault.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProblemDocument(
    String type, String title, int status, String detail, String code, String field) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** The document for {@code p}; its type is a URN of its code, so that it resolves nowhere. */
  public static ProblemDocument of(Problem p) {
    return new ProblemDocument(
        "urn:switchboard:problem:" + p.code(),
        title(p.status()),
        p.status(),
        p.detail(),
        p.code(),
        p.field());
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Server Error" : "Error";
    };
  }
}
