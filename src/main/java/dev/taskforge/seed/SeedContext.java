package dev.taskforge.seed;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * What every seeding step shares: the connection of the one seeding transaction, a fixed "now",
 * deterministic ids and randomness (the same seed data every time), and the row counts for the
 * summary.
 */
final class SeedContext {
  final Connection db;
  final OffsetDateTime now;
  private final Random random = new Random(20_250_101L);
  private final Map<String, Integer> counts = new LinkedHashMap<>();

  SeedContext(Connection db) {
    this.db = db;
    this.now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
  }

  /** A stable id for a seeded row, e.g. {@code id("task", "alice", 3)}. */
  static UUID id(String kind, Object... parts) {
    StringBuilder name = new StringBuilder("seed:").append(kind);
    for (Object part : parts) {
      name.append(':').append(part);
    }
    return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
  }

  OffsetDateTime ago(Duration duration) {
    return now.minus(duration);
  }

  OffsetDateTime ahead(Duration duration) {
    return now.plus(duration);
  }

  /** A deterministic pseudo-random integer in [low, high]. */
  int between(int low, int high) {
    return low + random.nextInt(high - low + 1);
  }

  double between(double low, double high) {
    return low + random.nextDouble() * (high - low);
  }

  PreparedStatement prepare(String sql) throws SQLException {
    return db.prepareStatement(sql);
  }

  Array texts(Collection<String> values) throws SQLException {
    return db.createArrayOf("text", values.toArray(new String[0]));
  }

  /** Runs a prepared batch and adds its rows to the summary count of the table. */
  void executeBatch(PreparedStatement statement, String table) throws SQLException {
    int rows = 0;
    for (int updated : statement.executeBatch()) {
      rows += Math.max(updated, 0);
    }
    counted(table, rows);
  }

  void counted(String table, int rows) {
    counts.merge(table, rows, Integer::sum);
  }

  int count(String table) {
    return counts.getOrDefault(table, 0);
  }

  static String json(JsonObject object) {
    return object == null ? null : object.encode();
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  static Duration hours(long hours) {
    return Duration.ofHours(hours);
  }
}
