package dev.switchboard.store;

/**
 * A store tool could not do what it was asked, for a reason the user can act on (a bad line in an
 * import, a target that is not empty); its message is the one line to print.
 */
public final class StoreToolException extends RuntimeException {
  public StoreToolException(String message) {
    super(message);
  }

  public StoreToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
