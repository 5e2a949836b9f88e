package dev.taskforge.seed;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.users.PasswordHasher;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Realistic development data in every table: users (the first, admin@taskforge.local, is the
 * administrator), projects, tasks with subtasks and dependencies, queue jobs and their attempts,
 * executions with logs, results with files, metrics, queue health, and workflows with runs.
 *
 * <p>Everything is written in one transaction, so a failed seed leaves nothing behind. A database
 * that already holds the admin user is left alone: the queue tables have generated keys, so
 * "already seeded" is the one check that keeps a second run from duplicating rows.
 *
 * <p>The seed's accounts share a published password and one of them is an admin, so {@link #run}
 * refuses a database that already has any account (a real installation pointed at by mistake);
 * {@link #runForced} seeds it anyway, and changes nothing where the seed already ran.
 */
public final class DevelopmentSeed {
  private static final Logger log = LoggerFactory.getLogger(DevelopmentSeed.class);

  private DevelopmentSeed() {
  }

  /** Seeds the (migrated) database, if it has no account yet, and returns a one-line summary of what it did. */
  public static String run(DatabaseUrl url) {
    return run(url, false);
  }

  /** Seeds the (migrated) database even when it has accounts; a database already seeded is left as it is. */
  public static String runForced(DatabaseUrl url) {
    return run(url, true);
  }

  private static String run(DatabaseUrl url, boolean overExistingAccounts) {
    try (Connection db = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      db.setAutoCommit(false);
      try {
        String summary = seed(db, overExistingAccounts);
        db.commit();
        log.info("development seed: {}", summary);
        return summary;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("seeding " + url.redacted() + " failed: " + e.getMessage(), e);
    }
  }

  private static String seed(Connection db, boolean overExistingAccounts) throws SQLException {
    try (Statement s = db.createStatement()) {
      // Two seeds started at once: the second waits here, then finds the first one's admin.
      s.execute("SELECT pg_advisory_xact_lock(hashtextextended('taskforge.seed', 0))");
    }
    long accounts = accounts(db);
    if (accounts > 0 && !overExistingAccounts) {
      throw new IllegalStateException("the database already has " + accounts + " account(s); the seed would add"
          + " accounts with the published password " + SeedAccounts.PASSWORD + ", one of them an admin: use"
          + " seed --force to seed it anyway");
    }
    if (alreadySeeded(db)) {
      return "development data already present (" + SeedAccounts.ADMIN_EMAIL + " exists); nothing changed";
    }
    SeedContext ctx = new SeedContext(db);
    List<SeedAccounts.Account> seeded = SeedAccounts.insert(ctx, new PasswordHasher());
    SeedAccess.insert(ctx, seeded);
    SeedTasks tasks = new SeedTasks(ctx);
    tasks.planFor(seeded);
    SeedWorkflows.insert(ctx, seeded, tasks); // before the tasks: workflow tasks point at their run
    tasks.insert();
    SeedWorkflows.insertRunStepsAndTriggers(ctx); // after the tasks the runs' steps name
    SeedRuns runs = new SeedRuns(ctx);
    runs.insert(tasks.rows());
    SeedResults.insert(ctx, runs.executions());
    SeedMetrics.insert(ctx, runs.executions());
    return summary(ctx);
  }

  private static boolean alreadySeeded(Connection db) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(?))")) {
      s.setString(1, SeedAccounts.ADMIN_EMAIL);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static long accounts(Connection db) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String summary(SeedContext ctx) {
    return "seeded " + ctx.count("users") + " users (admin: " + SeedAccounts.ADMIN_EMAIL + "; every password: "
        + SeedAccounts.PASSWORD + "), " + ctx.count("projects") + " projects, " + ctx.count("tasks") + " tasks, "
        + ctx.count("task_dependencies") + " dependencies, " + ctx.count("queue_jobs") + " jobs, "
        + ctx.count("task_executions") + " executions with " + ctx.count("execution_logs") + " log lines, "
        + ctx.count("task_results") + " results with " + ctx.count("result_files") + " files, "
        + ctx.count("workflows") + " workflows, " + ctx.count("system_metrics") + " metric samples";
  }
}
