package dev.taskforge.users;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session and API tokens: 256 random bits behind a prefix saying which kind they are. Only their
 * SHA-256 is stored, so a database leak reveals no usable token.
 */
public final class SecretTokens {
  public static final String SESSION_PREFIX = "tfs_";
  public static final String API_PREFIX = "tfa_";
  public static final String INVITE_PREFIX = "tfi_";
  private static final SecureRandom random = new SecureRandom();

  private SecretTokens() {
  }

  public static String newSessionToken() {
    return SESSION_PREFIX + randomPart();
  }

  public static String newApiToken() {
    return API_PREFIX + randomPart();
  }

  public static String newInviteCode() {
    return INVITE_PREFIX + randomPart();
  }

  public static boolean isApiToken(String token) {
    return token.startsWith(API_PREFIX);
  }

  public static Buffer hash(String token) {
    try {
      return Buffer.buffer(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomPart() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
