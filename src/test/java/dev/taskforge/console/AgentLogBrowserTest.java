package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The execution log page with an agent's run, in a real headless Chromium: tool calls folded
 * behind a toggle, search with highlighted matches, addresses as links, the offer to follow a
 * failed attempt's retry, and the jump to the first error (inside the tool call that failed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentLogBrowserTest {
  @RegisterExtension
  static final ConsoleSession console = new ConsoleSession("agents@example.com");

  @Test
  @Order(1)
  void theAgentAwareLogFoldsAToolCallAndSearchesWithHighlights() {
    String task = console.created(new JsonObject().put("title", "Agent run").put("prompt", "fix the parser")
        .put("config", new JsonObject().put("executor", "claude")));
    String execution = console.awaitExecution(task);
    console.browser.navigate(console.url("/executions/" + execution));
    console.awaitPage("the whole log", "return window.taskforgeLog?.ended === true", Duration.ofSeconds(60));
    console.awaitPage("tool calls as rows", "return document.querySelectorAll('#rows .row.tool-call').length > 0");

    JsonObject folded = (JsonObject) console.script("""
        return {calls: document.querySelectorAll('#rows .row.tool-call').length,
                foldedRows: document.querySelectorAll('#rows .row.tool-fold').length,
                lines: window.taskforgeLog.lines.length, shown: window.taskforgeLog.viewRows,
                results: window.taskforgeLog.lines.filter(l => l.operation === 'tool_result').length};
        """);
    assertThat(folded.getInteger("foldedRows")).as(folded.encode()).isZero();
    assertThat(folded.getInteger("results")).as(folded.encode()).isPositive();
    assertThat(folded.getInteger("shown")).as("results are folded away: " + folded.encode())
        .isEqualTo(folded.getInteger("lines") - folded.getInteger("results"));

    String call = "#rows .row.tool-call button.fold";
    console.browser.click(console.browser.findElement(call));
    console.awaitPage("the call opened", "return document.querySelector('" + call + "').getAttribute('aria-expanded') === 'true'");
    JsonObject open = (JsonObject) console.script("""
        const call = document.querySelector('#rows .row.tool-call');
        return {next: call.nextElementSibling.textContent, after: call.nextElementSibling.nextElementSibling.textContent,
                foldedRows: document.querySelectorAll('#rows .row.tool-fold').length};
        """);
    assertThat(open.getString("next")).as(open.encode()).contains("input {");
    assertThat(open.getString("after")).as(open.encode()).contains("←");
    assertThat(open.getInteger("foldedRows")).isGreaterThanOrEqualTo(2);

    console.browser.click(console.browser.findElement(call));
    console.awaitPage("the call folded again", "return document.querySelectorAll('#rows .row.tool-fold').length === 0");

    console.browser.sendKeys(console.browser.findElement("#search"), "parser");
    console.awaitPage("highlighted matches", "return document.querySelectorAll('#rows mark').length > 0");
    assertThat(console.script("return document.getElementById('search-count').textContent")).asString().matches("1 of \\d+");
  }

  @Test
  @Order(2)
  void theLogOfAFailedAttemptLinksItsAddressesAndOffersToFollowTheNextOne() {
    String task = console.created(new JsonObject().put("title", "Flaky").put("prompt", "sleep 1; echo failing, see https://ci.example.com/builds/42?tab=log; exit 3")
        .put("config", new JsonObject().put("maxAttempts", 2).put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 0))));
    String firstAttempt = console.awaitExecution(task);
    console.browser.navigate(console.url("/executions/" + firstAttempt));

    console.awaitPage("the first attempt's end", "return window.taskforgeLog?.ended === true", Duration.ofSeconds(60));
    assertThat(console.script("const a = document.querySelector('#rows .msg a'); return a && [a.getAttribute('href'), a.rel]"))
        .as("the address in the log is a link").isEqualTo(new JsonArray().add("https://ci.example.com/builds/42?tab=log")
            .add("noopener noreferrer"));
    console.awaitPage("the offer", "return !document.getElementById('next-attempt').hidden", Duration.ofSeconds(60));
    String next = (String) console.script("return window.taskforgeLog.nextAttempt");
    assertThat(next).isNotEqualTo(firstAttempt);
    assertThat(console.script("return document.getElementById('next-attempt-link').getAttribute('href')")).isEqualTo("/executions/" + next);
    assertThat(console.api.get("/api/executions/" + next, console.token).json().getString("taskId")).isEqualTo(task);
  }

  @Test
  @Order(3)
  void theLogJumpsToTheFirstError() {
    String task = console.created(new JsonObject().put("title", "Agent stumbles").put("prompt", "fix it")
        .put("config", new JsonObject().put("executor", "failing-claude").put("maxAttempts", 1)));
    console.browser.navigate(console.url("/executions/" + console.awaitExecution(task)));
    console.awaitPage("the whole log", "return window.taskforgeLog?.ended === true", Duration.ofSeconds(60));
    console.awaitPage("an error to jump to", "return !document.getElementById('first-error').disabled");
    long firstErrorSeq = ((Number) console.script("return window.taskforgeLog.lines.find(l => l.level === 'ERROR' || l.level === 'FATAL').seq"))
        .longValue();

    console.browser.click(console.browser.findElement("#first-error"));

    console.awaitPage("the error's line shown", "return !document.getElementById('detail').hidden");
    assertThat(console.script("return document.getElementById('detail-title').textContent")).asString()
        .startsWith("#" + firstErrorSeq + " ").contains("ERROR");
    console.awaitPage("the error's row selected, its tool call opened", "return document.querySelector('#rows .row.selected .seq')?.textContent === '"
        + firstErrorSeq + "'");
    assertThat(console.script("return document.querySelector('#rows .row.selected').classList.contains('lvl-ERROR')")).isEqualTo(true);
  }
}
