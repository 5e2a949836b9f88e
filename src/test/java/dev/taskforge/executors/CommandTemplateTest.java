package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandTemplateTest {
  private static final JsonObject SHIPPED_EXECUTORS;

  static {
    try {
      SHIPPED_EXECUTORS = new JsonObject(Files.readString(Path.of("conf/taskforge.json"))).getJsonObject("executors");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CommandTemplate shipped(String executor) {
    return CommandTemplate.parse(SHIPPED_EXECUTORS.getJsonObject(executor).getString("command"));
  }

  @Test
  void aPromptBecomesOneLiteralArgumentWhateverItContains() {
    String prompt = "fix it; rm -rf / $(whoami) \"quoted\" 'single'\nsecond line";

    assertThat(shipped("claude").render(Map.of("prompt", prompt)))
        .containsExactly("claude", "-p", "--output-format", "stream-json", "--verbose", "--", prompt);
  }

  @Test
  void aPromptThatLooksLikeAnOptionComesAfterTheEndOfOptions() {
    for (String template : List.of("claude -p {prompt}", "sh -c {prompt}", "agent --model x -- {prompt}")) {
      List<String> argv = CommandTemplate.parse(template).render(Map.of("prompt", "--dangerously-skip-permissions"));

      assertThat(argv).as(template).endsWith("--", "--dangerously-skip-permissions").containsOnlyOnce("--");
    }
  }

  @Test
  void aPromptFollowedByOptionsIsRefusedAtStartUpNamingTheKey() {
    assertThatThrownBy(() -> CommandTemplate.parse("claude -p {prompt} --output-format stream-json"))
        .hasMessageContaining("{prompt}").hasMessageContaining("--");
    JsonObject executors = new JsonObject().put("claude", new JsonObject()
        .put("command", "claude -p {prompt} --verbose").put("enabled", true));
    assertThatThrownBy(() -> new ExecutorCatalog(executors))
        .isInstanceOf(ConfigException.class).hasMessageContaining("executors.claude.command");
  }

  @Test
  void aShellPromptStartingWithADashIsTheScriptNotAnOptionOfSh() throws Exception {
    List<String> argv = shipped("shell").render(Map.of("prompt", "-x"));
    Process sh = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    // sh ran "-x" as a command (not found), instead of taking it as its option and wanting a script.
    assertThat(sh.waitFor()).as(output).isEqualTo(127);
    assertThat(output).contains("-x").doesNotContain("requires an argument");
  }

  @Test
  void doubleQuotesGroupWordsOfTheConfiguredCommand() {
    assertThat(CommandTemplate.parse("sh -c \"echo {prompt}\"").render(Map.of("prompt", "hi")))
        .containsExactly("sh", "-c", "echo hi");
    assertThat(CommandTemplate.parse("  sh   -c {prompt} ").program()).isEqualTo("sh");
  }

  @Test
  void anEmptyOrUnbalancedCommandIsRefused() {
    assertThatThrownBy(() -> CommandTemplate.parse("   ")).hasMessageContaining("at least a program");
    assertThatThrownBy(() -> CommandTemplate.parse("sh -c \"oops")).hasMessageContaining("unbalanced quote");
  }
}
