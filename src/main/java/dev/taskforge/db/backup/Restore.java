package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import java.nio.file.Path;

/** Loads a backup into an empty database. */
public final class Restore {
  private Restore() {
  }

  public static String read(DatabaseUrl url, Path file) {
    throw new UnsupportedOperationException("restore is not implemented yet");
  }
}
