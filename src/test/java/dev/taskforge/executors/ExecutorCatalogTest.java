package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Which executors run no process: the dispatcher runs their jobs on its event loop, so the answer
 * comes from the configuration alone and must be exactly "an enabled no-op executor".
 */
class ExecutorCatalogTest {
  private final ExecutorCatalog catalog = new ExecutorCatalog(new JsonObject()
      .put("default", "noop")
      .put("noop", new JsonObject().put("format", "noop").put("enabled", true))
      .put("quiet", new JsonObject().put("format", "noop").put("enabled", false))
      .put("shell", new JsonObject().put("command", "sh -c -- {prompt}").put("format", "text").put("enabled", true)));

  @Test
  void anEnabledNoOpExecutorRunsNoProcess() {
    assertThat(catalog.runsNoProcess("noop")).isTrue();
  }

  @Test
  void noExecutorNamedMeansTheDefaultOne() {
    assertThat(catalog.runsNoProcess(null)).isTrue();
    assertThat(catalog.runsNoProcess(" ")).isTrue();
    assertThat(new ExecutorCatalog(new JsonObject().put("default", "shell")
        .put("shell", new JsonObject().put("command", "sh -c -- {prompt}").put("enabled", true)))
        .runsNoProcess(null)).isFalse();
  }

  @Test
  void aDisabledUnknownOrProcessExecutorIsNotOneThatRunsNoProcess() {
    assertThat(catalog.runsNoProcess("quiet")).as("disabled: its jobs fail on a job thread, as before").isFalse();
    assertThat(catalog.runsNoProcess("nobody")).isFalse();
    assertThat(catalog.runsNoProcess("shell")).isFalse();
  }
}
