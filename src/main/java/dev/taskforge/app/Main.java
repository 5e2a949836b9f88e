package dev.taskforge.app;

import dev.taskforge.config.ConfigException;
import dev.taskforge.db.DataDirectoryInUseException;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the command line and runs the server or one of the sub-commands. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String USAGE = """
      Usage: java -jar taskforge.jar [COMMAND]

      Commands:
        serve                  start the server (the default when no command is given)
        migrate                apply every pending schema migration
        migrate --down-to N    reverse applied migrations above version N, newest first (0 = all)
        db-status              list the schema migrations, applied and pending
        seed                   fill an empty database with realistic development data
        seed --force           the same on a database that already has accounts (can run again)
        backup FILE            write a consistent copy of every table to FILE
        restore FILE           load a backup into an empty database
        user promote EMAIL     make that account an admin
        --help                 show this help

      Without TASKFORGE_DATABASE_URL every command uses the embedded PostgreSQL under the data
      directory (TASKFORGE_DATA_DIR, default ./data); while a server runs there, commands share its
      database. See README.md for every configuration key.
      """;

  private Main() {
  }

  public static void main(String[] args) {
    int code = run(List.of(args));
    if (code != 0 || !(args.length == 0 || "serve".equals(args[0]))) {
      System.exit(code);
    }
  }

  /** Runs a command and returns the process exit code (the server returns once it is up). */
  static int run(List<String> args) {
    String command = args.isEmpty() ? "serve" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    try {
      return switch (command) {
        case "serve" -> Server.start(TaskforgeConfig.load()) != null ? 0 : 1;
        case "migrate" -> Commands.migrate(TaskforgeConfig.load(), rest);
        case "db-status" -> Commands.dbStatus(TaskforgeConfig.load(), rest);
        case "seed" -> Commands.seed(TaskforgeConfig.load(), rest);
        case "backup" -> Commands.backup(TaskforgeConfig.load(), rest);
        case "restore" -> Commands.restore(TaskforgeConfig.load(), rest);
        case "user" -> Commands.user(TaskforgeConfig.load(), rest);
        case "--help", "-h", "help" -> {
          System.out.print(USAGE);
          yield 0;
        }
        default -> {
          System.err.println("unknown command: " + command + "\n");
          System.err.print(USAGE);
          yield 2;
        }
      };
    } catch (UsageException e) {
      System.err.println("taskforge " + command + ": " + e.getMessage());
      return 2;
    } catch (ConfigException | DataDirectoryInUseException e) {
      System.err.println("taskforge: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      log.debug("command failed args={}", Arrays.toString(args.toArray()), e);
      System.err.println("taskforge " + command + " failed: " + rootMessage(e));
      return 1;
    }
  }

  static String rootMessage(Throwable e) {
    String message = e.getMessage();
    Throwable cause = e.getCause();
    while ((message == null || message.isBlank()) && cause != null) {
      message = cause.getMessage();
      cause = cause.getCause();
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
