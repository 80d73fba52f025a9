package dev.switchboard.hub.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.mqtt.LogSafe;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a JWT given as an MQTT password and reads who it names and what it allows.
 *
 * <p>Only the algorithms of the allow-list are accepted, and each only with keys of its own kind:
 * HS* with HMAC secrets, RS* and PS* with RSA keys, ES* with EC keys on the algorithm's curve. So
 * an unsigned token ({@code alg: none}) is refused, and so is the classic confusion attack, a token
 * "signed" with HS256 using an RSA public key as the secret. A token with a {@code kid} is checked
 * against the keys with that id (and keys without an id); one without, against every key of its
 * kind.
 *
 * <p>Claims: {@code exp} (required unless {@link Settings#requireExpiry} is off) and {@code nbf},
 * with {@link Settings#clockSkew} of leeway; {@code iss} and {@code aud} when configured; the user
 * name ({@code sub} by default); an optional client id claim ({@code clientid}) that must be the
 * connecting client's; and an optional ACL claim ({@code acl}) in EMQX's format, {@code
 * [{"permission": "allow|deny", "action": "publish|subscribe|all", "topic": "t/%c"}]}, which
 * becomes the client's own rules with priorities by position. EMQX's {@code ${clientid}} and {@code
 * ${username}} placeholders are read as {@code %c} and {@code %u}.
 */
public final class JwtVerifier {

  /** Why a token was refused. */
  public enum Failure {
    MALFORMED,
    UNSIGNED,
    ALGORITHM_NOT_ALLOWED,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    EXPIRED,
    NOT_YET_VALID,
    WRONG_ISSUER,
    WRONG_AUDIENCE,
    MISSING_CLAIM,
    WRONG_CLIENT_ID
  }

  /** A token's verdict. */
  public sealed interface Result permits Valid, Invalid {}

  /**
   * @param username the user name the token names
   * @param rules the rules of its ACL claim, in priority order; empty when it has none
   */
  public record Valid(String username, List<AccessRule> rules) implements Result {
    public Valid {
      rules = List.copyOf(rules);
    }
  }

  /**
   * @param failure the kind of failure
   * @param reason one line for the log, such as {@code token expired at 2025-01-01T00:00:00Z}; it
   *     may quote the token (its key id, issuer, claims), so it is escaped by {@link LogSafe} here
   */
  public record Invalid(Failure failure, String reason) implements Result {
    public Invalid {
      reason = LogSafe.text(reason, LogSafe.MAX_REASON_CHARS);
    }
  }

  /**
   * @param algorithms the accepted algorithms (HS256, HS384, HS512, RS256, RS384, RS512, PS256,
   *     PS384, PS512, ES256, ES384, ES512)
   * @param issuer the required {@code iss}; null for any
   * @param audience a value {@code aud} must contain; null for any
   * @param clockSkew leeway for {@code exp} and {@code nbf}
   * @param requireExpiry whether a token without {@code exp} is refused
   * @param usernameClaim the claim with the user name
   * @param clientIdClaim the claim that, when present, must equal the client id; null to ignore
   * @param aclClaim the claim with the client's rules; null to ignore
   */
  public record Settings(
      Set<String> algorithms,
      String issuer,
      String audience,
      Duration clockSkew,
      boolean requireExpiry,
      String usernameClaim,
      String clientIdClaim,
      String aclClaim) {
    private static final Set<JWSAlgorithm> SUPPORTED =
        Set.of(
            JWSAlgorithm.HS256,
            JWSAlgorithm.HS384,
            JWSAlgorithm.HS512,
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    /**
     * HS256, RS256, ES256; 30 s of skew; {@code exp} required; {@code sub}, {@code clientid},
     * {@code acl}.
     */
    public static final Settings DEFAULT =
        new Settings(
            Set.of("HS256", "RS256", "ES256"),
            null,
            null,
            Duration.ofSeconds(30),
            true,
            "sub",
            "clientid",
            "acl");

    public Settings {
      algorithms = Set.copyOf(algorithms);
      if (algorithms.isEmpty()) {
        throw new IllegalArgumentException("JWT needs at least one algorithm");
      }
      for (String a : algorithms) {
        if (!SUPPORTED.contains(JWSAlgorithm.parse(a))) {
          throw new IllegalArgumentException(
              "JWT algorithm '" + a + "' is not supported (HS/RS/PS/ES 256, 384, 512 are)");
        }
      }
      if (clockSkew.isNegative()) {
        throw new IllegalArgumentException("JWT clock skew cannot be negative: " + clockSkew);
      }
      if (usernameClaim == null || usernameClaim.isEmpty()) {
        throw new IllegalArgumentException("JWT needs the name of its user name claim");
      }
    }

    public Settings withIssuer(String iss) {
      return new Settings(
          algorithms,
          iss,
          audience,
          clockSkew,
          requireExpiry,
          usernameClaim,
          clientIdClaim,
          aclClaim);
    }

    public Settings withAudience(String aud) {
      return new Settings(
          algorithms,
          issuer,
          aud,
          clockSkew,
          requireExpiry,
          usernameClaim,
          clientIdClaim,
          aclClaim);
    }

    public Settings withAlgorithms(Set<String> algs) {
      return new Settings(
          algs, issuer, audience, clockSkew, requireExpiry, usernameClaim, clientIdClaim, aclClaim);
    }

    public Settings withRequireExpiry(boolean required) {
      return new Settings(
          algorithms,
          issuer,
          audience,
          clockSkew,
          required,
          usernameClaim,
          clientIdClaim,
          aclClaim);
    }

    public Settings withUsernameClaim(String claim) {
      return new Settings(
          algorithms, issuer, audience, clockSkew, requireExpiry, claim, clientIdClaim, aclClaim);
    }
  }

  private final List<JWK> keys;
  private final Set<JWSAlgorithm> algorithms;
  private final Settings settings;
  private final Clock clock;

  public JwtVerifier(JwtKeys keys, Settings settings, Clock clock) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("JWT is configured without keys");
    }
    this.keys = keys.keys();
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    Set<JWSAlgorithm> algs = new LinkedHashSet<>();
    for (String a : settings.algorithms()) {
      algs.add(JWSAlgorithm.parse(a));
    }
    this.algorithms = Set.copyOf(algs);
  }

  /**
   * Whether an MQTT password has the shape of a compact JWS: three base64url parts separated by
   * dots (the last, the signature, may be empty, as an unsigned token's is, so that such a token is
   * refused as one rather than taken for a password).
   */
  public static boolean looksLikeJwt(byte[] password) {
    if (password == null || password.length < 5) {
      return false;
    }
    int dots = 0;
    int partLength = 0;
    for (byte b : password) {
      if (b == '.') {
        if (partLength == 0 || ++dots > 2) {
          return false;
        }
        partLength = 0;
      } else if ((b >= 'A' && b <= 'Z')
          || (b >= 'a' && b <= 'z')
          || (b >= '0' && b <= '9')
          || b == '-'
          || b == '_') {
        partLength++;
      } else {
        return false;
      }
    }
    return dots == 2;
  }

  /**
   * @param token the compact token
   * @param clientId the connecting client's id, compared with the client id claim
   */
  public Result verify(String token, String clientId) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      return invalid(Failure.MALFORMED, "malformed token: " + e.getMessage());
    }
    if (jwt instanceof PlainJWT) {
      return invalid(Failure.UNSIGNED, "unsigned token (alg none)");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      return invalid(Failure.MALFORMED, "encrypted tokens are not supported");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (!algorithms.contains(alg)) {
      return invalid(Failure.ALGORITHM_NOT_ALLOWED, "token algorithm " + alg + " is not allowed");
    }
    Invalid signature = checkSignature(signed, alg, header.getKeyID());
    if (signature != null) {
      return signature;
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      return invalid(Failure.MALFORMED, "token claims cannot be read: " + e.getMessage());
    }
    return checkClaims(claims, clientId);
  }

  private Invalid checkSignature(SignedJWT jwt, JWSAlgorithm alg, String kid) {
    boolean candidate = false;
    for (JWK key : keys) {
      if (!fits(key, alg, kid)) {
        continue;
      }
      candidate = true;
      try {
        if (jwt.verify(verifierFor(key))) {
          return null;
        }
      } catch (JOSEException e) {
        // this key cannot check this token (a shorter secret than HS512 needs, say): try the next
      }
    }
    if (!candidate) {
      return new Invalid(
          Failure.UNKNOWN_KEY,
          kid == null ? "no " + alg + " key for the token" : "unknown token key id '" + kid + "'");
    }
    return new Invalid(Failure.BAD_SIGNATURE, "bad token signature");
  }

  /** Whether {@code key} may check a token of {@code alg} with key id {@code kid}. */
  private static boolean fits(JWK key, JWSAlgorithm alg, String kid) {
    if (key.getKeyID() != null && kid != null && !key.getKeyID().equals(kid)) {
      return false;
    }
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
      return false;
    }
    return switch (key) {
      case OctetSequenceKey ignored -> JWSAlgorithm.Family.HMAC_SHA.contains(alg);
      case RSAKey ignored -> JWSAlgorithm.Family.RSA.contains(alg);
      case ECKey ec -> JWSAlgorithm.Family.EC.contains(alg) && curveOf(alg).equals(ec.getCurve());
      default -> false;
    };
  }

  private static Curve curveOf(JWSAlgorithm alg) {
    if (alg.equals(JWSAlgorithm.ES256)) {
      return Curve.P_256;
    } else if (alg.equals(JWSAlgorithm.ES384)) {
      return Curve.P_384;
    } else if (alg.equals(JWSAlgorithm.ES512)) {
      return Curve.P_521;
    }
    return Curve.SECP256K1;
  }

  private static JWSVerifier verifierFor(JWK key) throws JOSEException {
    return switch (key) {
      case OctetSequenceKey oct -> new MACVerifier(oct);
      case RSAKey rsa -> new RSASSAVerifier(rsa);
      case ECKey ec -> new ECDSAVerifier(ec);
      default -> throw new JOSEException("unsupported key type " + key.getKeyType());
    };
  }

  private Result checkClaims(JWTClaimsSet claims, String clientId) {
    Instant now = clock.instant();
    long skew = settings.clockSkew().toMillis();
    Date exp;
    Date nbf;
    try {
      exp = claims.getDateClaim("exp");
      nbf = claims.getDateClaim("nbf");
    } catch (ParseException e) {
      return invalid(Failure.MALFORMED, "token exp or nbf is not a number of seconds");
    }
    if (exp == null) {
      if (settings.requireExpiry()) {
        return invalid(Failure.MISSING_CLAIM, "token without 'exp'");
      }
    } else if (now.toEpochMilli() > exp.getTime() + skew) {
      return invalid(Failure.EXPIRED, "token expired at " + exp.toInstant());
    }
    if (nbf != null && now.toEpochMilli() + skew < nbf.getTime()) {
      return invalid(Failure.NOT_YET_VALID, "token not valid before " + nbf.toInstant());
    }
    if (settings.issuer() != null && !settings.issuer().equals(claims.getIssuer())) {
      return invalid(
          Failure.WRONG_ISSUER,
          "token issuer '" + claims.getIssuer() + "' is not '" + settings.issuer() + "'");
    }
    if (settings.audience() != null
        && (claims.getAudience() == null || !claims.getAudience().contains(settings.audience()))) {
      return invalid(
          Failure.WRONG_AUDIENCE,
          "token audience " + claims.getAudience() + " lacks '" + settings.audience() + "'");
    }
    Object name = claims.getClaim(settings.usernameClaim());
    if (!(name instanceof String username) || username.isEmpty()) {
      return invalid(
          Failure.MISSING_CLAIM, "token without a text '" + settings.usernameClaim() + "' claim");
    }
    if (settings.clientIdClaim() != null) {
      Object claimed = claims.getClaim(settings.clientIdClaim());
      if (claimed != null && !claimed.equals(clientId)) {
        return invalid(
            Failure.WRONG_CLIENT_ID,
            "token of '"
                + username
                + "' is for client id '"
                + claimed
                + "', not '"
                + clientId
                + "'");
      }
    }
    List<AccessRule> rules = List.of();
    if (settings.aclClaim() != null && claims.getClaim(settings.aclClaim()) != null) {
      try {
        rules = acl(claims.getClaim(settings.aclClaim()));
      } catch (IllegalArgumentException e) {
        return invalid(
            Failure.MALFORMED, "token '" + settings.aclClaim() + "' claim: " + e.getMessage());
      }
    }
    return new Valid(username, rules);
  }

  /**
   * EMQX's JWT ACL list; every entry must be understood, since a skipped deny would widen access.
   */
  private static List<AccessRule> acl(Object claim) {
    if (!(claim instanceof List<?> entries)) {
      throw new IllegalArgumentException("not a list of rules");
    }
    List<AccessRule> rules = new ArrayList<>(entries.size());
    int position = 0;
    for (Object entry : entries) {
      position++;
      if (!(entry instanceof Map<?, ?> fields)) {
        throw new IllegalArgumentException("rule " + position + " is not an object");
      }
      for (Object field : fields.keySet()) {
        if (!Set.of("permission", "action", "topic").contains(field)) {
          throw new IllegalArgumentException(
              "rule " + position + " has '" + field + "', which is not supported");
        }
      }
      RuleAction action =
          switch (text(fields.get("permission"), position, "permission")) {
            case "allow" -> RuleAction.ALLOW;
            case "deny" -> RuleAction.DENY;
            default ->
                throw new IllegalArgumentException(
                    "rule " + position + ": permission is allow or deny");
          };
      RuleOperation operation =
          switch (text(fields.get("action"), position, "action")) {
            case "publish" -> RuleOperation.PUBLISH;
            case "subscribe" -> RuleOperation.SUBSCRIBE;
            case "all" -> RuleOperation.ALL;
            default ->
                throw new IllegalArgumentException(
                    "rule " + position + ": action is publish, subscribe or all");
          };
      if (!(fields.get("topic") instanceof String topic)) {
        throw new IllegalArgumentException("rule " + position + " has no text topic");
      }
      if (topic.startsWith("eq ")) {
        throw new IllegalArgumentException("rule " + position + ": 'eq' topics are not supported");
      }
      String filter = topic.replace("${clientid}", "%c").replace("${username}", "%u");
      try {
        // a token's rules are its client's own: their hub and client id are not consulted
        rules.add(
            new AccessRule(
                position,
                Hub.DEFAULT,
                null,
                position,
                action,
                operation,
                filter,
                "token acl " + position));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("rule " + position + ": " + e.getMessage(), e);
      }
    }
    return rules;
  }

  private static String text(Object value, int position, String field) {
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("rule " + position + " has no text " + field);
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static Invalid invalid(Failure failure, String reason) {
    return new Invalid(failure, reason);
  }
}
