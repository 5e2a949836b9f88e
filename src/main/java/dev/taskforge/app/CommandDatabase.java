package dev.taskforge.app;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import java.util.Optional;

/**
 * The database a sub-command works on: the configured URL, or the embedded database of a server
 * running on the data directory right now, or else the embedded database started just for the
 * command and stopped after it.
 */
final class CommandDatabase implements AutoCloseable {
  private final DatabaseUrl url;
  private final DatabaseUrl migrationUrl;
  private final EmbeddedDatabase startedHere;

  private CommandDatabase(DatabaseUrl url, DatabaseUrl migrationUrl, EmbeddedDatabase startedHere) {
    this.url = url;
    this.migrationUrl = migrationUrl;
    this.startedHere = startedHere;
  }

  static CommandDatabase open(TaskforgeConfig config) {
    Optional<DatabaseUrl> configured = config.database().url();
    if (configured.isPresent()) {
      return new CommandDatabase(configured.get(), config.database().migrationUrl().orElse(configured.get()), null);
    }
    Optional<DatabaseUrl> running = EmbeddedDatabase.ofRunningServer(config.dataDir());
    if (running.isPresent()) {
      return new CommandDatabase(running.get(), running.get(), null);
    }
    EmbeddedDatabase embedded = EmbeddedDatabase.start(config.dataDir(), config.database().embeddedPort());
    return new CommandDatabase(embedded.url(), embedded.url(), embedded);
  }

  /** The login the server itself uses (DML rights are enough). */
  DatabaseUrl url() {
    return url;
  }

  /** The schema owner's login, for migrations, backups and restores. */
  DatabaseUrl ownerUrl() {
    return migrationUrl;
  }

  @Override
  public void close() {
    if (startedHere != null) {
      startedHere.close();
    }
  }
}
