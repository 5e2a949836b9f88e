package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.executors.ClaudeStreamParser.AgentLine;
import dev.taskforge.executors.ClaudeStreamParser.ClaudeResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recorded Claude Code stream-json runs become readable log lines and a result with usage and cost. */
class ClaudeStreamParserTest {
  private static List<String> fixture(String name) throws IOException {
    try (InputStream in = ClaudeStreamParserTest.class.getResourceAsStream("/claude-stream-json/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static List<AgentLine> parseAll(ClaudeStreamParser parser, List<String> lines) {
    List<AgentLine> out = new ArrayList<>();
    lines.forEach(l -> out.addAll(parser.accept(l)));
    return out;
  }

  @Test
  void aSuccessfulRunYieldsItsSummaryTokensCostSessionAndTurns() throws IOException {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    List<AgentLine> lines = parseAll(parser, fixture("success.jsonl"));

    ClaudeResult result = parser.result().orElseThrow();
    assertThat(result.isError()).isFalse();
    assertThat(result.subtype()).isEqualTo("success");
    assertThat(result.numTurns()).isEqualTo(7);
    assertThat(result.durationMs()).isEqualTo(48213);
    assertThat(result.costUsd()).isEqualByComparingTo(new BigDecimal("0.1187"));
    assertThat(result.inputTokens()).isEqualTo(28);
    assertThat(result.outputTokens()).isEqualTo(711);
    assertThat(result.cacheCreationTokens()).isEqualTo(4480);
    assertThat(result.cacheReadTokens()).isEqualTo(101770);
    assertThat(result.tokensUsed()).isEqualTo(28 + 711 + 4480 + 101770);
    assertThat(result.sessionId()).isEqualTo("5f0c3a7e-2b1d-4c8e-9a61-3d2f7b9e4c10");
    assertThat(result.summary()).startsWith("Done: parse_expr is now a precedence-climbing parse_binary");
    assertThat(lines.get(0).message()).contains("session 5f0c3a7e").contains("claude-sonnet-4-5");
    assertThat(lines).anySatisfy(l -> assertThat(l.message()).isEqualTo(
        "I'll start by looking at how the parser is laid out."));
    assertThat(lines).anySatisfy(l -> {
      assertThat(l.message()).startsWith("→ Glob ").contains("src/**/*.c");
      assertThat(l.correlationId()).isEqualTo("toolu_01A1");
      assertThat(l.operation()).isEqualTo("Glob");
    });
    assertThat(lines.get(lines.size() - 1).message()).startsWith("finished: success after 7 turns");
  }

  @Test
  void aRunThatHitsMaxTurnsIsAnErrorResultWithItsUsage() throws IOException {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    List<AgentLine> lines = parseAll(parser, fixture("error.jsonl"));

    ClaudeResult result = parser.result().orElseThrow();
    assertThat(result.isError()).isTrue();
    assertThat(result.subtype()).isEqualTo("error_max_turns");
    assertThat(result.summary()).isNull();
    assertThat(result.costUsd()).isEqualByComparingTo(new BigDecimal("0.0291"));
    assertThat(lines.get(lines.size() - 1).level()).isEqualTo("ERROR");
  }

  @Test
  void aRunCutOffBeforeItsResultHasNone() throws IOException {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    List<String> lines = fixture("success.jsonl");

    parseAll(parser, lines.subList(0, lines.size() - 1));

    assertThat(parser.result()).isEmpty();
    assertThat(parser.sessionId()).contains("5f0c3a7e-2b1d-4c8e-9a61-3d2f7b9e4c10");
  }

  @Test
  void unknownEventsAreSkippedAndNonJsonPassesThroughAsText() {
    ClaudeStreamParser parser = new ClaudeStreamParser();

    assertThat(parser.accept("{\"type\": \"rate_limit_event\", \"retry_after\": 3}")).isEmpty();
    assertThat(parser.accept("{\"type\": \"assistant\", \"message\": {\"content\": [{\"type\": \"thinking\"}]}}"))
        .isEmpty();
    assertThat(parser.accept("Warning: something printed by the CLI itself")).singleElement()
        .satisfies(l -> assertThat(l.message()).isEqualTo("Warning: something printed by the CLI itself"));
    assertThat(parser.accept("")).isEmpty();
  }

  @Test
  void longToolResultsAreCutToASaneLength() {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    String huge = "x".repeat(50_000);

    List<AgentLine> lines = parser.accept("{\"type\": \"user\", \"message\": {\"content\": [{\"type\": \"tool_result\", "
        + "\"tool_use_id\": \"toolu_9\", \"content\": [{\"type\": \"text\", \"text\": \"" + huge + "\"}], "
        + "\"is_error\": true}]}}");

    assertThat(lines).singleElement().satisfies(l -> {
      assertThat(l.level()).isEqualTo("ERROR");
      assertThat(l.correlationId()).isEqualTo("toolu_9");
      assertThat(l.message()).hasSizeLessThan(2_100).endsWith("[48000 more characters]");
    });
  }

  @Test
  void aNulOrLoneSurrogateInTheAgentsJsonBecomesAReplacementCharacterInMessagesAndDetails() {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    // JSON escapes: the parsed strings hold a NUL and lone surrogates (text, a tool's id, keys, nested values).
    String text = """
        {"type":"assistant","message":{"content":[{"type":"text","text":"half \\ud83d and nul \\u0000"}]}}""";
    String toolUse = """
        {"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu\\u0000","name":"Edit",
        "input":{"path\\udc00":"a\\u0000","nested":{"list":["\\ud800x",2]}}}]}}""".replace("\n", "");

    List<AgentLine> lines = parseAll(parser, List.of(text, toolUse));

    assertThat(lines.get(0).message()).isEqualTo("half \uFFFD and nul \uFFFD");
    AgentLine call = lines.get(1);
    assertThat(call.correlationId()).isEqualTo("toolu\uFFFD");
    assertThat(call.message()).doesNotContain("\u0000").contains("\uFFFD");
    assertThat(call.details().getJsonObject("input")).isEqualTo(new JsonObject().put("path\uFFFD", "a\uFFFD")
        .put("nested", new JsonObject().put("list", new JsonArray().add("\uFFFDx").add(2))));
  }
}
