package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Prints how long one Argon2id, PBKDF2 and JWT verification takes on this machine. Informational
 * only: speed is measured, never asserted.
 */
class VerifyTimingTest {

  @Test
  @DisplayName("prints the time of one argon2id verify (m=19456, t=2, p=1) and one pbkdf2 verify")
  void printVerifyTime() {
    PasswordHasher argon2 = new PasswordHasher();
    PasswordHasher pbkdf2 =
        new PasswordHasher(
            PasswordHasher.Settings.DEFAULT.withAlgorithm(PasswordHasher.Algorithm.PBKDF2_SHA256));
    report("argon2id m=19456,t=2,p=1", argon2, argon2.hash("password".toCharArray()));
    report("pbkdf2-sha256 i=600000", pbkdf2, pbkdf2.hash("password".toCharArray()));
  }

  @Test
  @DisplayName("prints the time of one JWT verification (HS256, RS256, ES256), run on event loops")
  void printJwtVerifyTime() throws Exception {
    java.security.KeyPair rsa = dev.switchboard.hub.testing.Certificates.rsa();
    java.security.KeyPair ec = dev.switchboard.hub.testing.Certificates.ec("secp256r1");
    byte[] secret = new byte[32];
    com.nimbusds.jwt.JWTClaimsSet claims =
        new com.nimbusds.jwt.JWTClaimsSet.Builder()
            .subject("alice")
            .expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000))
            .build();
    jwt(
        "HS256",
        JwtKeys.hmacSecret(secret, null),
        sign(
            com.nimbusds.jose.JWSAlgorithm.HS256,
            new com.nimbusds.jose.crypto.MACSigner(secret),
            claims));
    jwt(
        "RS256",
        JwtKeys.fromPem(dev.switchboard.hub.testing.Certificates.pem(rsa.getPublic()), "rsa"),
        sign(
            com.nimbusds.jose.JWSAlgorithm.RS256,
            new com.nimbusds.jose.crypto.RSASSASigner(rsa.getPrivate()),
            claims));
    jwt(
        "ES256",
        JwtKeys.fromPem(dev.switchboard.hub.testing.Certificates.pem(ec.getPublic()), "ec"),
        sign(
            com.nimbusds.jose.JWSAlgorithm.ES256,
            new com.nimbusds.jose.crypto.ECDSASigner(
                (java.security.interfaces.ECPrivateKey) ec.getPrivate()),
            claims));
  }

  private static String sign(
      com.nimbusds.jose.JWSAlgorithm alg,
      com.nimbusds.jose.JWSSigner signer,
      com.nimbusds.jwt.JWTClaimsSet claims)
      throws Exception {
    com.nimbusds.jwt.SignedJWT jwt =
        new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(alg), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static void jwt(String what, JwtKeys keys, String token) {
    JwtVerifier verifier =
        new JwtVerifier(keys, JwtVerifier.Settings.DEFAULT, java.time.Clock.systemUTC());
    for (int i = 0; i < 500; i++) {
      assertThat(verifier.verify(token, "c")).isInstanceOf(JwtVerifier.Valid.class); // warm-up
    }
    long[] nanos = new long[200];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      verifier.verify(token, "c");
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "JWT %s verify: median %.3f ms (%d runs)%n",
        what, nanos[nanos.length / 2] / 1e6, nanos.length);
  }

  private static void report(String what, PasswordHasher hasher, String phc) {
    char[] password = "password".toCharArray();
    for (int i = 0; i < 3; i++) {
      assertThat(hasher.verify(password, phc)).isTrue(); // warm-up
    }
    long[] nanos = new long[10];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      hasher.verify(password, phc);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "%s verify: median %.1f ms, min %.1f ms, max %.1f ms (%d runs, %d processors)%n",
        what,
        nanos[nanos.length / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[nanos.length - 1] / 1e6,
        nanos.length,
        Runtime.getRuntime().availableProcessors());
  }
}
