package dev.switchboard.broker.auth;

import dev.switchboard.mqtt.ReasonCode;
import java.util.Objects;

/**
 * An {@link Authenticator}'s answer: accepted as a {@link Principal}, or refused with a CONNACK
 * reason code.
 *
 * @param reasonCode 0 when accepted; otherwise an MQTT 5 CONNACK reason code (0x86 bad user name or
 *     password, 0x87 not authorized, 0x85 client identifier not valid, 0x89 server busy, 0x8A
 *     banned...), which the broker maps to a 3.1.1 return code
 * @param principal who the client is, when accepted; null when refused
 * @param reason why it was refused, for the broker's log line (never sent to the client, to whom
 *     "unknown user" and "wrong password" must look alike); null when accepted
 */
public record AuthResult(int reasonCode, Principal principal, String reason) {

  public AuthResult {
    if ((reasonCode == ReasonCode.SUCCESS) != (principal != null)) {
      throw new IllegalArgumentException("an accepted client has a principal, a refused one none");
    }
  }

  public static AuthResult accept(Principal principal) {
    return new AuthResult(ReasonCode.SUCCESS, Objects.requireNonNull(principal, "principal"), null);
  }

  public static AuthResult refuse(int reasonCode, String reason) {
    return new AuthResult(reasonCode, null, reason);
  }

  public boolean accepted() {
    return reasonCode == ReasonCode.SUCCESS;
  }
}
