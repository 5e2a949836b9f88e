package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskforgeConfigTest {
  @TempDir
  Path dir;

  private final Path noFile = Path.of("does-not-exist.json");

  @Test
  void defaultsComeFromTheShippedConfiguration() {
    TaskforgeConfig config = TaskforgeConfig.load(noFile, Map.of());

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.database().url()).isEmpty();
    assertThat(config.database().poolSize()).isEmpty();
    assertThat(config.database().poolSizeFor(false)).isEqualTo(16);
    assertThat(config.database().poolSizeFor(true)).isEqualTo(2 * Runtime.getRuntime().availableProcessors() + 2);
  }

  @Test
  void environmentVariablesOverrideTheFile() {
    TaskforgeConfig config = TaskforgeConfig.load(noFile, Map.of(
        "TASKFORGE_HTTP_PORT", "9090",
        "TASKFORGE_DATA_DIR", "/var/lib/tf",
        "TASKFORGE_DATABASE_URL", "postgresql://app:s%40cret@db.internal:6543/tf?sslmode=require"));

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/tf"));
    assertThat(config.database().url()).hasValueSatisfying(url -> {
      assertThat(url.host()).isEqualTo("db.internal");
      assertThat(url.port()).isEqualTo(6543);
      assertThat(url.password()).isEqualTo("s@cret");
      assertThat(url.parameters()).containsEntry("sslmode", "require");
    });
  }

  @Test
  void aFileNamedByTaskforgeConfigReplacesTheDefaults() throws Exception {
    Path file = dir.resolve("custom.json");
    Files.writeString(file, "{\"http\": {\"port\": 7000}, \"dataDir\": \"/srv/tf\"}");

    TaskforgeConfig config = TaskforgeConfig.load(noFile, Map.of("TASKFORGE_CONFIG", file.toString()));

    assertThat(config.http().port()).isEqualTo(7000);
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/tf"));
  }

  @Test
  void aNonNumericPortNamesTheVariable() {
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_HTTP_PORT")
        .hasMessageContaining("eighty");
  }

  @Test
  void anOutOfRangePortNamesTheVariableAndTheKey() {
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_HTTP_PORT", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_HTTP_PORT (http.port)")
        .hasMessageContaining("70000");
  }

  @Test
  void theShellExecutorIsSwitchedOnOnlyByAnExplicitTrue() {
    TaskforgeConfig on = TaskforgeConfig.load(noFile, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "TRUE"));

    assertThat(TaskforgeConfig.load(noFile, Map.of()).section("executors").getJsonObject("shell")
        .getBoolean("enabled")).isFalse();
    assertThat(on.section("executors").getJsonObject("shell").getBoolean("enabled")).isTrue();
    assertThat(on.section("executors").getJsonObject("shell").getString("command")).isEqualTo("sh -c -- {prompt}");
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_EXECUTOR_SHELL_ENABLED")
        .hasMessageContaining("true or false");
  }

  @Test
  void aPublicUrlMustBeAnHttpOrHttpsUrlAndABadOneIsNamed() {
    assertThat(TaskforgeConfig.load(noFile, Map.of("TASKFORGE_PUBLIC_URL", "https://taskforge.example.com"))
        .section("http").getString("publicUrl")).isEqualTo("https://taskforge.example.com");
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_PUBLIC_URL", "taskforge.example.com")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_PUBLIC_URL")
        .hasMessageContaining("http.publicUrl");
    for (Object bad : new Object[] {"ftp://taskforge.example.com", "https://", "https://a.example/?x=1", 42}) {
      assertThatThrownBy(() -> TaskforgeConfig.fromJson(new JsonObject()
          .put("http", new JsonObject().put("publicUrl", bad))))
          .as("%s", bad).isInstanceOf(ConfigException.class).hasMessageContaining("http.publicUrl");
    }
  }

  @Test
  void aShortMetricsTokenStopsStartUpNamingItsVariable() {
    assertThat(TaskforgeConfig.load(noFile, Map.of("TASKFORGE_METRICS_TOKEN", "a-long-enough-secret"))
        .section("metrics").getString("token")).isEqualTo("a-long-enough-secret");
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_METRICS_TOKEN", "short")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_METRICS_TOKEN")
        .hasMessageContaining("at least 16 characters");
    assertThatThrownBy(() -> TaskforgeConfig.fromJson(new JsonObject()
        .put("metrics", new JsonObject().put("token", 42))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.token");
  }

  @Test
  void aQueueLimitMustBeAWholeNumberOfAtLeastOne() {
    for (Object bad : new Object[] {0, -2, 1.5, "three"}) {
      JsonObject json = new JsonObject()
          .put("queue", new JsonObject().put("limits",
              new JsonObject().put("agents", bad)));
      assertThatThrownBy(() -> TaskforgeConfig.fromJson(json)).as(String.valueOf(bad))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("queue.limits.agents");
    }
    assertThatThrownBy(() -> TaskforgeConfig.fromJson(new JsonObject()
        .put("queue", new JsonObject().put("limits", 3))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("queue.limits");
  }

  @Test
  void aMalformedDatabaseUrlNamesTheVariable() {
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_DATABASE_URL", "mysql://x/y")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_DATABASE_URL")
        .hasMessageContaining("postgresql://");
  }

  @Test
  void aBadValueInTheFileNamesItsKey() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"database\": {\"poolSize\": 0}}");

    assertThatThrownBy(() -> TaskforgeConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("database.poolSize");
  }

  @Test
  void aFileThatIsNotJsonIsNamed() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{ not json");

    assertThatThrownBy(() -> TaskforgeConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broken.json");
  }

  @Test
  void aWorkDirectoryInsideTheDataDirectoryIsRefusedNamingTheKey() {
    Path data = dir.resolve("data");

    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_DATA_DIR", data.toString(),
        "TASKFORGE_WORK_DIR", data.resolve("work").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_WORK_DIR (executors.workDir)")
        .hasMessageContaining("outside the data directory");
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_DATA_DIR", data.toString(),
        "TASKFORGE_WORK_DIR", data + "/../data/./runs")))
        .as("another spelling of the same place").hasMessageContaining("executors.workDir");
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_DATA_DIR", data.toString(),
        "TASKFORGE_WORK_DIR", dir.toString())))
        .as("a work directory holding the data directory").hasMessageContaining("executors.workDir");
    TaskforgeConfig outside = TaskforgeConfig.load(noFile, Map.of("TASKFORGE_DATA_DIR", data.toString(),
        "TASKFORGE_WORK_DIR", dir.resolve("work").toString()));
    assertThat(outside.section("executors").getString("workDir")).isEqualTo(dir.resolve("work").toString());
  }

  @Test
  void badSandboxSettingsStopTheStartNamingTheirKey() {
    Map<String, JsonObject> bad = Map.of(
        "executors.runAs", new JsonObject().put("runAs", "root"),
        "executors.keepFailedWorkDirHours", new JsonObject().put("keepFailedWorkDirHours", -1),
        "executors.shell.env", new JsonObject().put("shell",
            new JsonObject().put("env", new JsonArray().add("NOT A NAME"))));
    bad.forEach((key, executors) -> assertThatThrownBy(() -> TaskforgeConfig.fromJson(
        new JsonObject().put("executors", executors)))
        .as(key).isInstanceOf(ConfigException.class).hasMessageStartingWith("configuration key " + key + ":"));
  }

  @Test
  void registrationIsByInviteUnlessTheEnvironmentSaysOtherwise() {
    assertThat(TaskforgeConfig.load(noFile, Map.of()).section("auth").getString("registration")).isEqualTo("invite");
    assertThat(TaskforgeConfig.load(noFile, Map.of("TASKFORGE_AUTH_REGISTRATION", "open")).section("auth")
        .getString("registration")).isEqualTo("open");
    assertThatThrownBy(() -> TaskforgeConfig.load(noFile, Map.of("TASKFORGE_AUTH_REGISTRATION", "anyone")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TASKFORGE_AUTH_REGISTRATION (auth.registration)")
        .hasMessageContaining("anyone");
  }

  @Test
  void aBadThrottleOrHashingSettingNamesItsKey() {
    JsonObject throttle = new JsonObject().put("auth",
        new JsonObject().put("throttle", new JsonObject().put("ipAttempts", 0)));
    JsonObject hashing = new JsonObject().put("auth",
        new JsonObject().put("hashing", new JsonObject().put("threads", "two")));

    assertThatThrownBy(() -> TaskforgeConfig.fromJson(throttle)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.throttle.ipAttempts");
    assertThatThrownBy(() -> TaskforgeConfig.fromJson(hashing)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.hashing.threads");
  }

  @Test
  void theShellExecutorIsForAdminsAndTheOthersForEveryoneByDefault() {
    JsonObject executors = TaskforgeConfig.load(noFile, Map.of()).section("executors");

    assertThat(executors.getJsonObject("shell").getJsonArray("roles")).containsExactly("admin");
    assertThat(executors.getJsonObject("claude").getJsonArray("roles")).containsExactly("admin", "user");
    assertThat(executors.getJsonObject("noop").getJsonArray("roles")).containsExactly("admin", "user");
  }

  @Test
  void anExecutorsRolesMustBeAdminOrUser() {
    for (Object bad : new Object[] {"admin", new JsonArray().add("root"),
        new JsonArray().add(1)}) {
      JsonObject json = new JsonObject().put("executors",
          new JsonObject().put("shell", new JsonObject().put("roles", bad)));
      assertThatThrownBy(() -> TaskforgeConfig.fromJson(json)).as(String.valueOf(bad))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("executors.shell.roles");
    }
  }
}
