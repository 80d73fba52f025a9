package dev.switchboard.http.api;

/**
 * An error whose answer is an RFC 9457 problem details document: an HTTP status, a stable {@code
 * code} a program can test, the {@code field} at fault when there is one, and one sentence for the
 * person who sent the request. Thrown from a handler; the server turns it into the answer.
 */
public final class Problem extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  public Problem(int status, String code, String field, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  /** 400: a value the caller sent is wrong; names the field. */
  public static Problem invalid(String field, String detail) {
    return new Problem(400, "invalid-value", field, detail);
  }

  /** 404: the resource named in the path (or the hub the caller may not see) is not there. */
  public static Problem notFound(String detail) {
    return new Problem(404, "not-found", null, detail);
  }

  /** 401: no valid credentials came with the request. */
  public static Problem unauthenticated(String detail) {
    return new Problem(401, "unauthenticated", null, detail);
  }

  /** 403: the caller is known but their role does not allow this. */
  public static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", null, detail);
  }

  /** 409: the change conflicts with what is stored (a name taken, something still in use). */
  public static Problem conflict(String code, String detail) {
    return new Problem(409, code, null, detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /**
   * The field at fault (a JSON path such as {@code subscriptions[1].qos}, or a query parameter).
   */
  public String field() {
    return field;
  }

  public String detail() {
    return getMessage();
  }
}
