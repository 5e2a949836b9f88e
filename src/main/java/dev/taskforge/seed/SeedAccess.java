package dev.taskforge.seed;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/** Seeds how people got in: the admin's invites (used, live, revoked) and some login throttle windows. */
final class SeedAccess {
  private static final String INSERT_INVITE = """
      INSERT INTO invites (id, code_hash, created_by, note, created_at, expires_at, used_at, used_by, revoked_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_THROTTLE = """
      INSERT INTO login_throttles (scope, key, window_started_at, attempts) VALUES (?::throttle_scope, ?, ?, ?)
      """;

  private SeedAccess() {
  }

  static void insert(SeedContext ctx, List<SeedAccounts.Account> accounts) throws SQLException {
    SeedAccounts.Account admin = accounts.get(0);
    SeedAccounts.Account carol = accounts.stream().filter(a -> a.handle().equals("carol")).findFirst().orElseThrow();
    try (PreparedStatement s = ctx.prepare(INSERT_INVITE)) {
      // {note, days old, state: used | live | revoked}
      String[][] invites = {{"Carol, data team", "15", "used"}, {"New contractor", "1", "live"},
          {"Sent to the wrong address", "6", "revoked"}};
      for (String[] i : invites) {
        OffsetDateTime created = ctx.ago(Duration.ofDays(Integer.parseInt(i[1])));
        s.setObject(1, SeedContext.id("invite", i[0]));
        s.setBytes(2, SeedContext.sha256(("seeded invite " + i[0]).getBytes(StandardCharsets.UTF_8)));
        s.setObject(3, admin.id());
        s.setString(4, i[0]);
        s.setObject(5, created);
        s.setObject(6, created.plusDays(3));
        s.setObject(7, i[2].equals("used") ? created.plusHours(20) : null);
        s.setObject(8, i[2].equals("used") ? carol.id() : null);
        s.setObject(9, i[2].equals("revoked") ? created.plusHours(1) : null);
        s.addBatch();
      }
      ctx.executeBatch(s, "invites");
    }
    try (PreparedStatement s = ctx.prepare(INSERT_THROTTLE)) {
      Object[][] windows = {{"IP", "203.0.113.7", 20, 3}, {"ACCOUNT", "bob@example.com", 300, 2}};
      for (Object[] w : windows) {
        s.setString(1, (String) w[0]);
        s.setString(2, (String) w[1]);
        s.setObject(3, ctx.ago(Duration.ofSeconds((Integer) w[2])));
        s.setInt(4, (Integer) w[3]);
        s.addBatch();
      }
      ctx.executeBatch(s, "login_throttles");
    }
  }
}
