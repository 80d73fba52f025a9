package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.hub.auth.JwtVerifier.Failure;
import dev.switchboard.hub.auth.JwtVerifier.Invalid;
import dev.switchboard.hub.auth.JwtVerifier.Result;
import dev.switchboard.hub.auth.JwtVerifier.Settings;
import dev.switchboard.hub.auth.JwtVerifier.Valid;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.hub.testing.Certificates;
import dev.switchboard.hub.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
  private static final byte[] SECRET =
      "an HS256 secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);
  private static KeyPair rsa;
  private static KeyPair otherRsa;
  private static KeyPair ec;

  private final MutableClock clock = new MutableClock();
  private final Instant now = clock.instant();

  @BeforeAll
  static void keys() throws Exception {
    rsa = Certificates.rsa();
    otherRsa = Certificates.rsa();
    ec = Certificates.ec("secp256r1");
  }

  private JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .expirationTime(Date.from(now.plusSeconds(600)));
  }

  private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private String hs256(JWTClaimsSet claims) throws Exception {
    return sign(JWSAlgorithm.HS256, null, new MACSigner(SECRET), claims);
  }

  private String rs256(KeyPair keys, String kid, JWTClaimsSet claims) throws Exception {
    return sign(JWSAlgorithm.RS256, kid, new RSASSASigner(keys.getPrivate()), claims);
  }

  private JwtVerifier verifier(JwtKeys keys, Settings settings) {
    return new JwtVerifier(keys, settings, clock);
  }

  private JwtVerifier hmacVerifier() {
    return verifier(JwtKeys.hmacSecret(SECRET, null), Settings.DEFAULT);
  }

  private static void assertInvalid(Result r, Failure failure, String reason) {
    assertThat(r).isInstanceOf(Invalid.class);
    assertThat(((Invalid) r).failure()).isEqualTo(failure);
    assertThat(((Invalid) r).reason()).contains(reason);
  }

  private static Valid assertValid(Result r) {
    assertThat(r).isInstanceOf(Valid.class);
    return (Valid) r;
  }

  @Nested
  class GoodTokens {
    @Test
    @DisplayName("HS256 with a shared secret: the user name is the sub claim")
    void hs256WithSecret() throws Exception {
      Valid v = assertValid(hmacVerifier().verify(hs256(claims().build()), "c1"));
      assertThat(v.username()).isEqualTo("alice");
      assertThat(v.rules()).isEmpty();
    }

    @Test
    @DisplayName("RS256 with a public key from a PEM file")
    void rs256Pem(@TempDir Path dir) throws Exception {
      Path pem = dir.resolve("jwt.pem");
      Files.writeString(pem, Certificates.pem(rsa.getPublic()));
      JwtVerifier v = verifier(JwtKeys.fromPemFile(pem), Settings.DEFAULT);
      assertThat(assertValid(v.verify(rs256(rsa, null, claims().build()), "c1")).username())
          .isEqualTo("alice");
      // a kid in the token: a PEM key has no id, so it is still a candidate
      assertValid(v.verify(rs256(rsa, "any-kid", claims().build()), "c1"));
    }

    @Test
    @DisplayName("RS256 with the key of a PEM certificate")
    void rs256Certificate() throws Exception {
      String pem = Certificates.pem(Certificates.selfSigned(rsa, "CN=issuer"));
      JwtVerifier v = verifier(JwtKeys.fromPem(pem, "cert.pem"), Settings.DEFAULT);
      assertValid(v.verify(rs256(rsa, null, claims().build()), "c1"));
    }

    @Test
    @DisplayName("ES256 with an EC P-256 public key from PEM")
    void es256() throws Exception {
      JwtVerifier v =
          verifier(JwtKeys.fromPem(Certificates.pem(ec.getPublic()), "ec.pem"), Settings.DEFAULT);
      String token =
          sign(
              JWSAlgorithm.ES256,
              null,
              new ECDSASigner((ECPrivateKey) ec.getPrivate()),
              claims().build());
      assertThat(assertValid(v.verify(token, "c1")).username()).isEqualTo("alice");
    }

    @Test
    @DisplayName("JWKS: the key is chosen by kid among several")
    void jwksKid(@TempDir Path dir) throws Exception {
      RSAKey k1 = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("k1").build();
      RSAKey k2 = new RSAKey.Builder((RSAPublicKey) otherRsa.getPublic()).keyID("k2").build();
      ECKey k3 =
          new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) ec.getPublic())
              .keyID("k3")
              .build();
      Path jwks = dir.resolve("jwks.json");
      Files.writeString(jwks, new JWKSet(List.of(k1, k2, k3)).toString());
      JwtVerifier v = verifier(JwtKeys.fromJwksFile(jwks), Settings.DEFAULT);

      assertValid(v.verify(rs256(otherRsa, "k2", claims().build()), "c1"));
      assertValid(v.verify(rs256(rsa, "k1", claims().build()), "c1"));
      // signed by k1 but naming k2: checked against k2 only
      assertInvalid(
          v.verify(rs256(rsa, "k2", claims().build()), "c1"),
          Failure.BAD_SIGNATURE,
          "bad token signature");
    }

    @Test
    @DisplayName("a JWKS holding private keys is reduced to their public halves")
    void jwksPrivate() throws Exception {
      RSAKey full =
          new RSAKey.Builder((RSAPublicKey) rsa.getPublic())
              .privateKey(rsa.getPrivate())
              .keyID("k1")
              .build();
      JwtKeys keys = JwtKeys.fromJwks(new JWKSet(full).toString(false), "jwks");
      assertThat(keys.keys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
      assertValid(verifier(keys, Settings.DEFAULT).verify(rs256(rsa, "k1", claims().build()), "c"));
    }

    @Test
    @DisplayName("the user name claim is configurable")
    void usernameClaim() throws Exception {
      JwtVerifier v =
          verifier(
              JwtKeys.hmacSecret(SECRET, null),
              Settings.DEFAULT.withUsernameClaim("preferred_username"));
      String token = hs256(claims().claim("preferred_username", "bob").build());
      assertThat(assertValid(v.verify(token, "c1")).username()).isEqualTo("bob");
    }

    @Test
    @DisplayName("issuer and audience, when configured, must match")
    void issuerAndAudience() throws Exception {
      JwtVerifier v =
          verifier(
              JwtKeys.hmacSecret(SECRET, null),
              Settings.DEFAULT.withIssuer("https://id.example").withAudience("switchboard"));
      String good =
          hs256(
              claims().issuer("https://id.example").audience(List.of("x", "switchboard")).build());
      assertValid(v.verify(good, "c1"));
    }

    @Test
    @DisplayName("the client id claim, when present, equal to the client's")
    void clientIdClaim() throws Exception {
      assertValid(hmacVerifier().verify(hs256(claims().claim("clientid", "c1").build()), "c1"));
    }
  }

  @Nested
  class Time {
    @Test
    @DisplayName("an expired token is refused, with 30 s of leeway")
    void expired() throws Exception {
      String token = hs256(claims().expirationTime(Date.from(now.minusSeconds(30))).build());
      assertValid(hmacVerifier().verify(token, "c1"));
      clock.advance(Duration.ofSeconds(1));
      assertInvalid(hmacVerifier().verify(token, "c1"), Failure.EXPIRED, "token expired at");
    }

    @Test
    @DisplayName("a token before its nbf is refused, with 30 s of leeway")
    void notYetValid() throws Exception {
      String token = hs256(claims().notBeforeTime(Date.from(now.plusSeconds(31))).build());
      assertInvalid(
          hmacVerifier().verify(token, "c1"), Failure.NOT_YET_VALID, "token not valid before");
      clock.advance(Duration.ofSeconds(1));
      assertValid(hmacVerifier().verify(token, "c1"));
    }

    @Test
    @DisplayName("exp is required unless configured otherwise")
    void expRequired() throws Exception {
      String token = hs256(new JWTClaimsSet.Builder().subject("alice").build());
      assertInvalid(hmacVerifier().verify(token, "c1"), Failure.MISSING_CLAIM, "without 'exp'");
      JwtVerifier lenient =
          verifier(JwtKeys.hmacSecret(SECRET, null), Settings.DEFAULT.withRequireExpiry(false));
      assertValid(lenient.verify(token, "c1"));
    }
  }

  @Nested
  class Refused {
    @Test
    @DisplayName("wrong issuer")
    void wrongIssuer() throws Exception {
      JwtVerifier v =
          verifier(JwtKeys.hmacSecret(SECRET, null), Settings.DEFAULT.withIssuer("https://id"));
      assertInvalid(
          v.verify(hs256(claims().issuer("https://evil").build()), "c1"),
          Failure.WRONG_ISSUER,
          "token issuer 'https://evil' is not 'https://id'");
      assertInvalid(v.verify(hs256(claims().build()), "c1"), Failure.WRONG_ISSUER, "'null'");
    }

    @Test
    @DisplayName("wrong audience")
    void wrongAudience() throws Exception {
      JwtVerifier v =
          verifier(JwtKeys.hmacSecret(SECRET, null), Settings.DEFAULT.withAudience("switchboard"));
      assertInvalid(
          v.verify(hs256(claims().audience("other").build()), "c1"),
          Failure.WRONG_AUDIENCE,
          "lacks 'switchboard'");
      assertInvalid(v.verify(hs256(claims().build()), "c1"), Failure.WRONG_AUDIENCE, "lacks");
    }

    @Test
    @DisplayName("a forged signature: another secret, another RSA key, a changed payload")
    void forged() throws Exception {
      String otherSecret =
          sign(
              JWSAlgorithm.HS256,
              null,
              new MACSigner("another secret that is also 32 bytes long!!".getBytes()),
              claims().build());
      assertInvalid(hmacVerifier().verify(otherSecret, "c1"), Failure.BAD_SIGNATURE, "bad");

      JwtVerifier rsaVerifier =
          verifier(JwtKeys.fromPem(Certificates.pem(rsa.getPublic()), "pem"), Settings.DEFAULT);
      assertInvalid(
          rsaVerifier.verify(rs256(otherRsa, null, claims().build()), "c1"),
          Failure.BAD_SIGNATURE,
          "bad");

      String[] parts = hs256(claims().build()).split("\\.");
      String changed = Base64URL.encode(claims().subject("admin").build().toString()).toString();
      assertInvalid(
          hmacVerifier().verify(parts[0] + "." + changed + "." + parts[2], "c1"),
          Failure.BAD_SIGNATURE,
          "bad");
    }

    @Test
    @DisplayName("alg none (an unsigned token) is refused")
    void algNone() {
      String token = new PlainJWT(claims().build()).serialize();
      assertThat(JwtVerifier.looksLikeJwt(token.getBytes())).isTrue();
      assertInvalid(hmacVerifier().verify(token, "c1"), Failure.UNSIGNED, "alg none");
    }

    @Test
    @DisplayName("alg confusion: the RSA public key used as an HS256 secret is refused")
    void algConfusion() throws Exception {
      String pem = Certificates.pem(rsa.getPublic());
      byte[] publicKeyAsSecret = pem.getBytes(StandardCharsets.US_ASCII);
      String token =
          sign(JWSAlgorithm.HS256, null, new MACSigner(publicKeyAsSecret), claims().build());

      // only the RSA key configured: no HMAC key may check an HS256 token
      JwtVerifier rsaOnly = verifier(JwtKeys.fromPem(pem, "pem"), Settings.DEFAULT);
      assertInvalid(rsaOnly.verify(token, "c1"), Failure.UNKNOWN_KEY, "no HS256 key");
      // with an HMAC secret too, the RSA key is still never used as one
      JwtVerifier both =
          verifier(
              JwtKeys.fromPem(pem, "pem").and(JwtKeys.hmacSecret(SECRET, null)), Settings.DEFAULT);
      assertInvalid(both.verify(token, "c1"), Failure.BAD_SIGNATURE, "bad");
      // and with RS256 alone allowed, HS256 is refused before any key is looked at
      JwtVerifier rs256Only =
          verifier(JwtKeys.fromPem(pem, "pem"), Settings.DEFAULT.withAlgorithms(Set.of("RS256")));
      assertInvalid(
          rs256Only.verify(token, "c1"), Failure.ALGORITHM_NOT_ALLOWED, "HS256 is not allowed");
    }

    @Test
    @DisplayName("an algorithm outside the allow-list is refused (HS512 by default)")
    void algorithmNotAllowed() throws Exception {
      byte[] long64 = new byte[64];
      String token = sign(JWSAlgorithm.HS512, null, new MACSigner(long64), claims().build());
      assertInvalid(
          verifier(JwtKeys.hmacSecret(long64, null), Settings.DEFAULT).verify(token, "c1"),
          Failure.ALGORITHM_NOT_ALLOWED,
          "HS512 is not allowed");
    }

    @Test
    @DisplayName("an ES256 token is not checked with a P-384 key")
    void wrongCurve() throws Exception {
      KeyPair p384 = Certificates.ec("secp384r1");
      JwtVerifier v =
          verifier(JwtKeys.fromPem(Certificates.pem(p384.getPublic()), "pem"), Settings.DEFAULT);
      String token =
          sign(
              JWSAlgorithm.ES256,
              null,
              new ECDSASigner((ECPrivateKey) ec.getPrivate()),
              claims().build());
      assertInvalid(v.verify(token, "c1"), Failure.UNKNOWN_KEY, "no ES256 key");
    }

    @Test
    @DisplayName("an unknown kid is refused")
    void unknownKid() throws Exception {
      RSAKey k1 = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("k1").build();
      JwtVerifier v =
          verifier(JwtKeys.fromJwks(new JWKSet(k1).toString(), "jwks"), Settings.DEFAULT);
      assertInvalid(
          v.verify(rs256(rsa, "nope", claims().build()), "c1"),
          Failure.UNKNOWN_KEY,
          "unknown token key id 'nope'");
    }

    @Test
    @DisplayName("malformed tokens: not JSON, not a JWT, claims of the wrong type")
    void malformed() throws Exception {
      assertInvalid(hmacVerifier().verify("abc.def.ghi", "c1"), Failure.MALFORMED, "malformed");
      String badExp = hs256(new JWTClaimsSet.Builder().subject("a").claim("exp", "soon").build());
      assertInvalid(hmacVerifier().verify(badExp, "c1"), Failure.MALFORMED, "");
      String noSub =
          hs256(new JWTClaimsSet.Builder().expirationTime(Date.from(now.plusSeconds(60))).build());
      assertInvalid(hmacVerifier().verify(noSub, "c1"), Failure.MISSING_CLAIM, "'sub'");
      String objectSub = hs256(claims().claim("sub", Map.of("name", "a")).build());
      assertInvalid(hmacVerifier().verify(objectSub, "c1"), Failure.MALFORMED, "");
      JwtVerifier byName =
          verifier(JwtKeys.hmacSecret(SECRET, null), Settings.DEFAULT.withUsernameClaim("name"));
      assertInvalid(
          byName.verify(hs256(claims().claim("name", true).build()), "c1"),
          Failure.MISSING_CLAIM,
          "without a text 'name' claim");
      // nimbus reads a numeric sub as its decimal text
      assertThat(
              assertValid(hmacVerifier().verify(hs256(claims().claim("sub", 42).build()), "c"))
                  .username())
          .isEqualTo("42");
    }

    @Test
    @DisplayName("a token for another client id is refused")
    void otherClient() throws Exception {
      assertInvalid(
          hmacVerifier().verify(hs256(claims().claim("clientid", "c2").build()), "c1"),
          Failure.WRONG_CLIENT_ID,
          "token of 'alice' is for client id 'c2', not 'c1'");
    }

    @Test
    @DisplayName("a reason quoting the token or the client id is escaped for the log (issue 21)")
    void reasonsAreSafeForALogLine() throws Exception {
      String forged = "\n2026-01-01 INFO forged line";
      Result r =
          hmacVerifier()
              .verify(
                  hs256(claims().subject("alice" + forged).claim("clientid", "c2").build()),
                  "c1" + forged);
      assertInvalid(
          r,
          Failure.WRONG_CLIENT_ID,
          "token of 'alice\\n2026-01-01 INFO forged line' is for client id 'c2', not"
              + " 'c1\\n2026-01-01 INFO forged line'");
      assertThat(((Invalid) r).reason()).doesNotContain("\n");
    }
  }

  @Nested
  class Acl {
    @Test
    @DisplayName("EMQX's acl list becomes the client's rules, priority by position")
    void rules() throws Exception {
      List<Map<String, Object>> acl =
          List.of(
              Map.of("permission", "allow", "action", "publish", "topic", "t/${clientid}/#"),
              Map.of("permission", "deny", "action", "subscribe", "topic", "secret/#"),
              Map.of("permission", "Allow", "action", "all", "topic", "u/%u"));
      Valid v = assertValid(hmacVerifier().verify(hs256(claims().claim("acl", acl).build()), "c"));

      assertThat(v.rules())
          .extracting(
              AccessRule::priority, AccessRule::action, AccessRule::operation, AccessRule::filter)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  1, RuleAction.ALLOW, RuleOperation.PUBLISH, "t/%c/#"),
              org.assertj.core.groups.Tuple.tuple(
                  2, RuleAction.DENY, RuleOperation.SUBSCRIBE, "secret/#"),
              org.assertj.core.groups.Tuple.tuple(3, RuleAction.ALLOW, RuleOperation.ALL, "u/%u"));
    }

    @Test
    @DisplayName(
        "an acl the hub cannot read fully refuses the token (a skipped deny would widen access)")
    void badAcl() throws Exception {
      List<Object> bad =
          List.of(
              "not an object",
              Map.of("permission", "maybe", "action", "publish", "topic", "t"),
              Map.of("permission", "allow", "action", "read", "topic", "t"),
              Map.of("permission", "allow", "action", "publish"),
              Map.of("permission", "allow", "action", "publish", "topic", "a/#/b"),
              Map.of("permission", "allow", "action", "publish", "topic", "t", "qos", 1),
              Map.of("permission", "allow", "action", "publish", "topic", "eq t/#"));
      String[] reasons = {
        "rule 1 is not an object",
        "rule 1: permission is allow or deny",
        "rule 1: action is publish, subscribe or all",
        "rule 1 has no text topic",
        "rule 1: 'a/#/b' is not a valid topic filter",
        "rule 1 has 'qos', which is not supported",
        "rule 1: 'eq' topics are not supported"
      };
      for (int i = 0; i < bad.size(); i++) {
        String token = hs256(claims().claim("acl", List.of(bad.get(i))).build());
        assertInvalid(hmacVerifier().verify(token, "c"), Failure.MALFORMED, reasons[i]);
      }
      assertInvalid(
          hmacVerifier().verify(hs256(claims().claim("acl", "allow all").build()), "c"),
          Failure.MALFORMED,
          "not a list of rules");
    }
  }

  @Nested
  class Shapes {
    @Test
    @DisplayName("looksLikeJwt: three base64url parts, the last possibly empty")
    void looksLikeJwt() {
      assertThat(JwtVerifier.looksLikeJwt("aaa.bbb.ccc".getBytes())).isTrue();
      assertThat(JwtVerifier.looksLikeJwt("aaa.bbb.".getBytes())).isTrue();
      assertThat(JwtVerifier.looksLikeJwt("a-_9.B.c".getBytes())).isTrue();
      assertThat(JwtVerifier.looksLikeJwt("aaa.bbb".getBytes())).isFalse();
      assertThat(JwtVerifier.looksLikeJwt("aaa.bbb.ccc.ddd".getBytes())).isFalse();
      assertThat(JwtVerifier.looksLikeJwt(".bbb.ccc".getBytes())).isFalse();
      assertThat(JwtVerifier.looksLikeJwt("aaa..ccc".getBytes())).isFalse();
      assertThat(JwtVerifier.looksLikeJwt("my.pass word.x".getBytes())).isFalse();
      assertThat(JwtVerifier.looksLikeJwt("aa+.bbb.ccc".getBytes())).isFalse();
      assertThat(JwtVerifier.looksLikeJwt(null)).isFalse();
    }

    @Test
    @DisplayName("keys: short secrets, small RSA keys, private PEM keys, empty files are refused")
    void badKeys() throws Exception {
      assertThatThrownBy(() -> JwtKeys.hmacSecret(new byte[31], null))
          .hasMessageContaining("at least 32 bytes");
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
      g.initialize(1024);
      String small = Certificates.pem(g.generateKeyPair().getPublic());
      assertThatThrownBy(() -> JwtKeys.fromPem(small, "small.pem"))
          .hasMessageContaining("small.pem: an RSA key of 1024 bits");
      String priv = Certificates.pem(rsa.getPrivate());
      assertThatThrownBy(() -> JwtKeys.fromPem(priv, "priv.pem"))
          .hasMessageContaining("priv.pem: holds a private key");
      assertThatThrownBy(() -> JwtKeys.fromPem("", "empty.pem"))
          .hasMessageContaining("empty.pem: no PUBLIC KEY or CERTIFICATE block");
      assertThatThrownBy(() -> JwtKeys.fromJwks("{not json", "bad.json"))
          .hasMessageContaining("bad.json: not a JWKS document");
      assertThatThrownBy(() -> JwtKeys.fromJwksFile(Path.of("/nonexistent/jwks.json")))
          .hasMessageContaining("cannot be read");
      assertThatThrownBy(() -> new JwtVerifier(JwtKeys.none(), Settings.DEFAULT, clock))
          .hasMessageContaining("without keys");
      assertThatThrownBy(() -> Settings.DEFAULT.withAlgorithms(Set.of("none")))
          .hasMessageContaining("'none' is not supported");
    }
  }
}
