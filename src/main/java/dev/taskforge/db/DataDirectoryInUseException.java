package dev.taskforge.db;

import java.nio.file.Path;

/** Another live Taskforge server already runs on this data directory. */
public final class DataDirectoryInUseException extends RuntimeException {
  public DataDirectoryInUseException(Path dataDir) {
    super("another Taskforge server (pid " + DataDirectoryLock.holderOf(dataDir) + ") is running on data directory "
        + dataDir.toAbsolutePath().normalize()
        + "; stop it first, or give this one its own directory with TASKFORGE_DATA_DIR");
  }
}
