package dev.switchboard.hub.auth;

import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys' life: made with a random id and secret (the secret returned once, only its hash kept),
 * checked, revoked. A key is presented as {@code <id>.<secret>} (a Bearer token) or as the user and
 * password of Basic credentials.
 */
public final class ApiKeys {
  private static final char[] ID_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final AdministrationRepository repository;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ApiKeys(AdministrationRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  /**
   * A key just made: the stored key and its secret, which is never shown again.
   *
   * @param key what is stored
   * @param secret the secret, 43 characters of base64url
   */
  public record Issued(ApiKey key, String secret) {
    /** The Bearer token: {@code <id>.<secret>}. */
    public String token() {
      return key.id() + "." + secret;
    }
  }

  /**
   * Makes and stores a key.
   *
   * @param hub its hub; null for the whole server
   * @param expiresAt epoch milliseconds; 0 for never
   */
  public Issued issue(String hub, AdminRole role, String label, long expiresAt, String createdBy) {
    long now = clock.millis();
    if (expiresAt != 0 && expiresAt <= now) {
      throw new IllegalArgumentException("an API key's expiry must be in the future");
    }
    StringBuilder id = new StringBuilder("k_");
    for (int i = 0; i < 16; i++) {
      id.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
    }
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    ApiKey key =
        new ApiKey(id.toString(), hub, role, label, hash(secret), createdBy, now, expiresAt);
    repository.addApiKey(key);
    return new Issued(key, secret);
  }

  /** The key {@code id} when {@code secret} is its secret and it has not expired. */
  public Optional<ApiKey> check(String id, String secret) {
    if (!ApiKey.isId(id) || secret == null) {
      return Optional.empty();
    }
    Optional<ApiKey> key = repository.apiKey(id);
    if (key.isEmpty() || key.get().expired(clock.millis())) {
      return Optional.empty();
    }
    boolean same =
        MessageDigest.isEqual(
            hash(secret).getBytes(StandardCharsets.US_ASCII),
            key.get().secretHash().getBytes(StandardCharsets.US_ASCII));
    return same ? key : Optional.empty();
  }

  /** SHA-256 of the secret, hex. */
  static String hash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
