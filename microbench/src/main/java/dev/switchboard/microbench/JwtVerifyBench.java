package dev.switchboard.microbench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.hub.auth.JwtKeys;
import dev.switchboard.hub.auth.JwtVerifier;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One token check by {@link JwtVerifier#verify(String, String)} with the default settings: parse,
 * signature, expiry, claims. {@code algorithm} is how the token is signed: {@code HS256} (a 32-byte
 * secret), {@code RS256} (RSA 2048) or {@code ES256} (P-256); the keys are made at setup.
 *
 * <p>Why it matters: unlike a password check, a token is verified inline on the connection's event
 * loop at CONNECT, so its cost is paid by every connection that loop serves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JwtVerifyBench {

  @Param({"HS256", "RS256", "ES256"})
  public String algorithm;

  private JwtVerifier verifier;
  private String token;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException, JOSEException {
    JwtKeys keys;
    JWSSigner signer;
    switch (algorithm) {
      case "HS256" -> {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        keys = JwtKeys.hmacSecret(secret, null);
        signer = new MACSigner(secret);
      }
      case "RS256" -> {
        KeyPair rsa = keyPair("RSA", null);
        keys = JwtKeys.fromPem(pem(rsa.getPublic()), "rsa");
        signer = new RSASSASigner(rsa.getPrivate());
      }
      case "ES256" -> {
        KeyPair ec = keyPair("EC", new ECGenParameterSpec("secp256r1"));
        keys = JwtKeys.fromPem(pem(ec.getPublic()), "ec");
        signer = new ECDSASigner((ECPrivateKey) ec.getPrivate());
      }
      default -> throw new IllegalArgumentException("unknown algorithm: " + algorithm);
    }
    // Valid for longer than any run, so that every operation takes the whole path of a good token.
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("alice")
            .expirationTime(Date.from(Instant.now().plus(Duration.ofDays(1))))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.parse(algorithm)), claims);
    jwt.sign(signer);
    token = jwt.serialize();
    verifier = new JwtVerifier(keys, JwtVerifier.Settings.DEFAULT, Clock.systemUTC());
    if (!(verify() instanceof JwtVerifier.Valid)) {
      throw new IllegalStateException("the token is not accepted: " + verify());
    }
  }

  @Benchmark
  public JwtVerifier.Result verify() {
    return verifier.verify(token, "c");
  }

  private static KeyPair keyPair(String type, ECGenParameterSpec curve)
      throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(type);
    if (curve == null) {
      g.initialize(2048);
    } else {
      g.initialize(curve);
    }
    return g.generateKeyPair();
  }

  /** A {@code PUBLIC KEY} PEM block (X.509 SubjectPublicKeyInfo), as {@code openssl} writes it. */
  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
