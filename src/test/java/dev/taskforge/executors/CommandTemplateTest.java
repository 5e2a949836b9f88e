package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandTemplateTest {
  @Test
  void aPromptBecomesOneLiteralArgumentWhateverItContains() {
    CommandTemplate claude = CommandTemplate.parse("claude -p {prompt} --output-format stream-json --verbose");
    String prompt = "fix it; rm -rf / $(whoami) \"quoted\" 'single'\nsecond line";

    assertThat(claude.render(Map.of("prompt", prompt)))
        .containsExactly("claude", "-p", prompt, "--output-format", "stream-json", "--verbose");
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
