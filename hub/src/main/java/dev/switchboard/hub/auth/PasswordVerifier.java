package dev.switchboard.hub.auth;

/**
 * Checks a password against a stored PHC string. Slow on purpose: never call it on an event loop.
 */
@FunctionalInterface
public interface PasswordVerifier {

  /**
   * @param password the password as the client sent it (MQTT passwords are bytes; text is UTF-8)
   * @param phc the stored hash
   * @return whether the password is the one hashed
   * @throws IllegalArgumentException when {@code phc} is not a hash this verifier reads
   */
  boolean verify(byte[] password, String phc);
}
