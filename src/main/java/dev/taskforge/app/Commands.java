package dev.taskforge.app;

import dev.taskforge.db.Migrations;
import dev.taskforge.db.Pools;
import dev.taskforge.db.backup.Backup;
import dev.taskforge.db.backup.Restore;
import dev.taskforge.seed.DevelopmentSeed;
import dev.taskforge.users.UserRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The sub-commands other than {@code serve}; each returns the process exit code. */
final class Commands {
  private Commands() {
  }

  static int migrate(TaskforgeConfig config, List<String> args) {
    Integer downTo = null;
    if (!args.isEmpty()) {
      if (args.size() != 2 || !"--down-to".equals(args.get(0))) {
        throw new UsageException("expected no argument or --down-to N, got " + String.join(" ", args));
      }
      try {
        downTo = Integer.parseInt(args.get(1));
      } catch (NumberFormatException e) {
        throw new UsageException("--down-to expects a version number, got '" + args.get(1) + "'");
      }
      if (downTo < 0) {
        throw new UsageException("--down-to expects a version of 0 or more, got " + downTo);
      }
    }
    try (CommandDatabase db = CommandDatabase.open(config)) {
      Migrations migrations = new Migrations(db.ownerUrl());
      if (downTo == null) {
        String version = migrations.migrate();
        System.out.println("schema is at version " + version + " on " + db.ownerUrl().redacted());
      } else {
        List<String> reversed = migrations.downTo(downTo);
        System.out.println(reversed.isEmpty()
            ? "nothing to reverse: no applied version is above " + downTo
            : "reversed versions " + String.join(", ", reversed) + "; schema is at version "
                + migrations.currentVersion().orElse("0"));
      }
    }
    return 0;
  }

  static int dbStatus(TaskforgeConfig config, List<String> args) {
    noArguments(args);
    try (CommandDatabase db = CommandDatabase.open(config)) {
      Migrations migrations = new Migrations(db.ownerUrl());
      System.out.println("database: " + db.ownerUrl().redacted());
      System.out.println("current version: " + migrations.currentVersion().orElse("none"));
      System.out.printf("%-8s %-10s %-10s %s%n", "VERSION", "STATE", "REVERSIBLE", "DESCRIPTION");
      long pending = 0;
      for (Migrations.Step step : migrations.status()) {
        System.out.printf("%-8s %-10s %-10s %s%n", step.version(), step.state(), step.reversible() ? "yes" : "NO",
            step.description());
        if ("PENDING".equals(step.state())) {
          pending++;
        }
      }
      System.out.println(pending + " pending");
    }
    return 0;
  }

  /** {@code seed [--force]}: development data; a database with accounts only with {@code --force}. */
  static int seed(TaskforgeConfig config, List<String> args) {
    boolean force = args.equals(List.of("--force"));
    if (!force) {
      noArguments(args);
    }
    try (CommandDatabase db = CommandDatabase.open(config)) {
      new Migrations(db.ownerUrl()).migrate();
      System.out.println(force ? DevelopmentSeed.runForced(db.url()) : DevelopmentSeed.run(db.url()));
    }
    return 0;
  }

  /** {@code user promote EMAIL}: makes that account an admin. */
  static int user(TaskforgeConfig config, List<String> args) {
    if (args.size() != 2 || !"promote".equals(args.get(0))) {
      throw new UsageException("expected: user promote EMAIL");
    }
    String email = args.get(1);
    try (CommandDatabase db = CommandDatabase.open(config)) {
      Vertx vertx = Vertx.vertx();
      Pool pool = Pools.create(vertx, db.url(), 1, "cli");
      try {
        var promoted = pool.withConnection(conn -> new UserRepository(conn).promoteToAdmin(email))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (promoted.isEmpty()) {
          throw new IllegalStateException("no account has the email " + email);
        }
        System.out.println(promoted.get().email() + " is now an admin");
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        throw new IllegalStateException(Main.rootMessage(e), e);
      } finally {
        pool.close();
        vertx.close();
      }
    }
    return 0;
  }

  static int backup(TaskforgeConfig config, List<String> args) {
    Path file = oneFile(args);
    if (Files.exists(file)) {
      throw new UsageException(file + " already exists; choose a new file name");
    }
    try (CommandDatabase db = CommandDatabase.open(config)) {
      System.out.println(Backup.write(db.ownerUrl(), file));
    }
    return 0;
  }

  static int restore(TaskforgeConfig config, List<String> args) {
    Path file = oneFile(args);
    if (!Files.isRegularFile(file)) {
      throw new UsageException(file + " is not a file");
    }
    try (CommandDatabase db = CommandDatabase.open(config)) {
      System.out.println(Restore.read(db.ownerUrl(), file));
    }
    return 0;
  }

  private static Path oneFile(List<String> args) {
    if (args.size() != 1) {
      throw new UsageException("expected exactly one FILE argument");
    }
    return Path.of(args.get(0));
  }

  private static void noArguments(List<String> args) {
    if (!args.isEmpty()) {
      throw new UsageException("takes no arguments, got " + String.join(" ", args));
    }
  }
}
