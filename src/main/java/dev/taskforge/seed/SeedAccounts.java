package dev.taskforge.seed;

import static dev.taskforge.seed.SeedContext.hours;
import static dev.taskforge.seed.SeedContext.minutes;

import dev.taskforge.users.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Seeds the people: users with their sessions, API tokens and projects. */
final class SeedAccounts {
  static final String ADMIN_EMAIL = "admin@taskforge.local";
  static final String PASSWORD = "taskforge-dev";

  /** A seeded user and the projects they own. */
  record Account(UUID id, String handle, String email, List<Project> projects) {}

  /** A seeded project; {@code key} prefixes its ticket numbers. */
  record Project(UUID id, UUID ownerId, String name, String key) {}

  private record UserSpec(String handle, String email, String displayName, String role, boolean active,
      int daysAgo, List<ProjectSpec> projects) {}

  private record ProjectSpec(String name, String key, String description) {}

  // The first user is the administrator.
  private static final List<UserSpec> USERS = List.of(
      new UserSpec("admin", ADMIN_EMAIL, "Taskforge Admin", "ADMIN", true, 30, List.of(
          new ProjectSpec("Taskforge operations", "OPS", "Housekeeping of this Taskforge instance: backups, retention, upgrades."))),
      new UserSpec("alice", "alice@example.com", "Alice Martin", "USER", true, 28, List.of(
          new ProjectSpec("payments-service", "PAY", "The Java service behind card and SEPA payments."),
          new ProjectSpec("checkout-web", "CHK", "The React checkout front end."),
          new ProjectSpec("release-engineering", "REL", "Release trains, changelogs and publishing."))),
      new UserSpec("bob", "bob@example.com", "Bob Okafor", "USER", true, 21, List.of(
          new ProjectSpec("mobile-app", "MOB", "The Kotlin Multiplatform mobile app."),
          new ProjectSpec("platform-infra", "INF", "Terraform, Kubernetes manifests and CI runners."))),
      new UserSpec("carol", "carol@example.com", "Carol Nguyen", "USER", true, 14, List.of(
          new ProjectSpec("data-pipeline", "DAT", "Nightly ingestion from the event bus into the warehouse."),
          new ProjectSpec("analytics-dashboards", "ANA", "Metabase dashboards and the SQL behind them."))),
      new UserSpec("dave", "dave@example.com", "Dave Keller (left the team)", "USER", false, 26, List.of(
          new ProjectSpec("legacy-crm", "CRM", "The old PHP CRM, kept alive until the migration ends."))));

  private static final String INSERT_USER = """
      INSERT INTO users (id, email, password_hash, display_name, role, is_active, failed_login_count,
                         last_login_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?::user_role, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_SESSION = """
      INSERT INTO user_sessions (id, user_id, token_hash, created_at, expires_at, last_seen_at, revoked_at,
                                 user_agent, ip_address)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::inet)
      """;
  private static final String INSERT_TOKEN = """
      INSERT INTO api_tokens (id, user_id, name, token_hash, token_prefix, scopes, created_at, last_used_at,
                              expires_at, revoked_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_PROJECT = """
      INSERT INTO projects (id, owner_id, name, description, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)
      """;

  private static final SecureRandom TOKENS = new SecureRandom();

  private SeedAccounts() {
  }

  static List<Account> insert(SeedContext ctx, PasswordHasher hasher) throws SQLException {
    List<Account> accounts = new ArrayList<>();
    try (PreparedStatement users = ctx.prepare(INSERT_USER);
         PreparedStatement projects = ctx.prepare(INSERT_PROJECT)) {
      for (UserSpec spec : USERS) {
        UUID id = SeedContext.id("user", spec.handle());
        OffsetDateTime created = ctx.ago(Duration.ofDays(spec.daysAgo()));
        users.setObject(1, id);
        users.setString(2, spec.email());
        users.setString(3, hasher.hash(PASSWORD.toCharArray()));
        users.setString(4, spec.displayName());
        users.setString(5, spec.role());
        users.setBoolean(6, spec.active());
        users.setInt(7, spec.handle().equals("carol") ? 2 : 0);
        users.setObject(8, spec.active() ? ctx.ago(minutes(ctx.between(5, 600))) : created.plusDays(10));
        users.setObject(9, created);
        users.setObject(10, created.plusDays(1));
        users.addBatch();

        List<Project> owned = new ArrayList<>();
        int day = 0;
        for (ProjectSpec p : spec.projects()) {
          Project project = new Project(SeedContext.id("project", spec.handle(), p.name()), id, p.name(), p.key());
          projects.setObject(1, project.id());
          projects.setObject(2, id);
          projects.setString(3, p.name());
          projects.setString(4, p.description());
          projects.setObject(5, created.plusDays(++day));
          projects.setObject(6, created.plusDays(day));
          projects.addBatch();
          owned.add(project);
        }
        accounts.add(new Account(id, spec.handle(), spec.email(), List.copyOf(owned)));
      }
      ctx.executeBatch(users, "users");
      ctx.executeBatch(projects, "projects");
    }
    insertSessions(ctx, accounts);
    insertTokens(ctx, accounts);
    return accounts;
  }

  private static void insertSessions(SeedContext ctx, List<Account> accounts) throws SQLException {
    String[] agents = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "taskforge-cli/0.1.0 (linux; java 17.0.12)"};
    try (PreparedStatement s = ctx.prepare(INSERT_SESSION)) {
      int n = 0;
      for (Account a : accounts) {
        boolean active = !a.handle().equals("dave");
        // live, logged out, expired: the three states a session list shows.
        for (int kind = 0; kind < 3; kind++) {
          if (!active && kind < 2) {
            continue;
          }
          OffsetDateTime created = switch (kind) {
            case 0 -> ctx.ago(hours(ctx.between(1, 20)));
            case 1 -> ctx.ago(Duration.ofDays(3));
            default -> ctx.ago(Duration.ofDays(20));
          };
          s.setObject(1, SeedContext.id("session", a.handle(), kind));
          s.setObject(2, a.id());
          s.setBytes(3, SeedContext.sha256(randomToken().getBytes(StandardCharsets.US_ASCII)));
          s.setObject(4, created);
          s.setObject(5, created.plusDays(7));
          s.setObject(6, kind == 0 ? ctx.ago(minutes(ctx.between(1, 50))) : created.plusHours(2));
          s.setObject(7, kind == 1 ? created.plusHours(5) : null);
          s.setString(8, agents[n % agents.length]);
          s.setString(9, "192.0.2." + (10 + n));
          s.addBatch();
          n++;
        }
      }
      ctx.executeBatch(s, "user_sessions");
    }
  }

  private static void insertTokens(SeedContext ctx, List<Account> accounts) throws SQLException {
    // {handle, name, scopes (comma separated), days old, state: live | revoked | expiring}
    String[][] tokens = {
        {"admin", "ops-automation", "admin", "25", "live"},
        {"alice", "ci-pipeline", "tasks:read,tasks:write", "20", "live"},
        {"alice", "laptop-cli", "", "12", "live"},
        {"bob", "gpu-worker-01", "worker", "18", "live"},
        {"bob", "old-jenkins", "tasks:write", "19", "revoked"},
        {"carol", "grafana", "metrics:read", "9", "expiring"},
        {"dave", "crm-sync", "tasks:read", "50", "revoked"}};
    try (PreparedStatement s = ctx.prepare(INSERT_TOKEN)) {
      for (String[] t : tokens) {
        Account owner = accounts.stream().filter(a -> a.handle().equals(t[0])).findFirst().orElseThrow();
        String token = randomToken();
        OffsetDateTime created = ctx.ago(Duration.ofDays(Integer.parseInt(t[3])));
        s.setObject(1, SeedContext.id("api-token", t[0], t[1]));
        s.setObject(2, owner.id());
        s.setString(3, t[1]);
        s.setBytes(4, SeedContext.sha256(token.getBytes(StandardCharsets.US_ASCII)));
        s.setString(5, token.substring(0, 11));
        s.setArray(6, ctx.texts(t[2].isEmpty() ? List.of() : List.of(t[2].split(","))));
        s.setObject(7, created);
        s.setObject(8, t[4].equals("revoked") ? created.plusDays(1) : ctx.ago(minutes(ctx.between(2, 240))));
        s.setObject(9, t[4].equals("expiring") ? ctx.ahead(Duration.ofDays(80)) : null);
        s.setObject(10, t[4].equals("revoked") ? created.plusDays(2) : null);
        s.addBatch();
      }
      ctx.executeBatch(s, "api_tokens");
    }
  }

  /** A token as a client would hold it; only its SHA-256 is stored, so nobody can use these. */
  private static String randomToken() {
    byte[] bytes = new byte[32];
    TOKENS.nextBytes(bytes);
    return "tf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
