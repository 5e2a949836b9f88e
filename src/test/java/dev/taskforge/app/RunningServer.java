package dev.taskforge.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server process on a data directory of its own, for tests that kill things under it: started,
 * killed and started again on the same directory, and after each test stopped and its directory
 * removed ({@code @RegisterExtension}).
 */
final class RunningServer implements AfterEachCallback {
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  final Path dataDir;
  final DataDirectory data;
  private final Map<String, String> env;
  private ServerProcess server;

  RunningServer(Map<String, String> env) {
    try {
      dataDir = Files.createTempDirectory("taskforge-server");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    this.data = new DataDirectory(dataDir);
    this.env = new HashMap<>(env);
  }

  /** Adds to the environment of the servers started from now on (an external database's URL). */
  void putEnv(Map<String, String> more) {
    env.putAll(more);
  }

  /** Starts a server on the directory and waits until it is ready. */
  ServerProcess start() throws Exception {
    server = ServerProcess.start(dataDir, env).awaitReady(START_LIMIT);
    return server;
  }

  /** SIGKILLs the server and starts another on the same directory. */
  ServerProcess killAndRestart() throws Exception {
    server.kill();
    return start();
  }

  ServerProcess current() {
    return server;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (server != null && server.process.isAlive()) {
      server.stop();
    }
    try (var paths = Files.walk(dataDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
