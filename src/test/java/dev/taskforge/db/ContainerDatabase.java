package dev.taskforge.db;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A PostgreSQL in a Testcontainers container, used when a Docker engine answers. Where there is no
 * engine (no socket and no DOCKER_HOST) Testcontainers is not even asked, so it logs nothing.
 */
final class ContainerDatabase {
  private ContainerDatabase() {
  }

  static DatabaseUrl startIfDockerAnswers() {
    boolean maybeDocker = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    if (!maybeDocker || "false".equals(System.getenv("TASKFORGE_TEST_TESTCONTAINERS"))) {
      return null;
    }
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return null;
      }
    } catch (RuntimeException e) {
      return null;
    }
    PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17-alpine")
        .withCommand("postgres", "-c", "max_connections=300");
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-container-stop"));
    return DatabaseUrl.of(container.getHost(), container.getMappedPort(5432), "postgres",
        container.getUsername(), container.getPassword());
  }
}
