package dev.switchboard.http.myqtthub;

/**
 * A device API call that fails, answered as MyQttHub answers: a status and a plain text body, which
 * clients written for MyQttHub look for in the text.
 */
final class DeviceApiFailure extends RuntimeException {
  /** A failed login: the text MyQttHub sends (with 200; we send 401). */
  static final String LOGIN_DENIED =
      "Service denied (auth login failure, wrong password, identifier rejected or connection"
          + " refused)";

  /** An unknown, expired or missing token. */
  static final String TOKEN_NOT_VALID =
      "Failed to complete request, error was: java.lang.Exception: Authentication failure, failed"
          + " to complete operation, error was: Token not valid, expired or login session needed";

  private final int status;

  DeviceApiFailure(int status, String text) {
    super(text, null, false, false);
    this.status = status;
  }

  static DeviceApiFailure loginDenied() {
    return new DeviceApiFailure(401, LOGIN_DENIED);
  }

  static DeviceApiFailure tokenNotValid() {
    return new DeviceApiFailure(400, TOKEN_NOT_VALID);
  }

  /** A request the API refuses: 400 with MyQttHub's prefix and why. */
  static DeviceApiFailure badRequest(String why) {
    return new DeviceApiFailure(400, "Failed to complete request, error was: " + why);
  }

  int status() {
    return status;
  }
}
