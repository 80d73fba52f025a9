package dev.switchboard.broker;

/** A listener could not be bound; the message names the address and the cause in one line. */
public final class ListenerException extends RuntimeException {
  public ListenerException(String message, Throwable cause) {
    super(message, cause);
  }
}
