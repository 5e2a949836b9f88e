package dev.taskforge.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An operating-system lock on the data directory, held for as long as a server runs on it.
 *
 * <p>The kernel drops the lock when the holding process dies, however it dies (SIGKILL included).
 * That is what tells the two cases apart on start-up: a lock we cannot take means a live server
 * owns the directory; a lock we can take while a PostgreSQL still runs there means that server
 * was killed and left its database behind, for us to take over.
 */
public final class DataDirectoryLock implements AutoCloseable {
  static final String FILE_NAME = "taskforge.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or returns empty when another live process holds it. */
  public static Optional<DataDirectoryLock> tryAcquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM: as good as another server
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    channel.force(true);
    return Optional.of(new DataDirectoryLock(file, channel, lock));
  }

  /** The process id written by whoever holds (or last held) the lock, for messages. */
  public static String holderOf(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve(FILE_NAME), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
    }
  }
}
