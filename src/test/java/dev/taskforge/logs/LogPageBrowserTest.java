package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The live log page in a real headless Chromium: sign-in through its form, 10,000 streamed lines
 * with ANSI colours rendered in a window of a few rows, and a dropped WebSocket resumed without a
 * line lost or repeated. Skipped when Chromium or chromedriver is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogPageBrowserTest {
  private static final String EMAIL = "watcher@example.com";
  private static final String PASSWORD = "correct horse battery"; // ApiTestServer.newUserToken's password

  private static ApiTestServer api;
  private static String token;
  private static WebDriverSession browser;

  @BeforeAll
  static void start() throws Exception {
    if (!WebDriverSession.browserInstalled()) {
      return; // each test reports itself skipped, with the reason
    }
    Path dir = Files.createTempDirectory("taskforge-log-page-test");
    api = new ApiTestServer(LogPageBrowserTest.class, new JsonObject()
        .put("instanceId", "log-page-test")
        .put("dataDir", dir.toString())
        .put("queue", new JsonObject().put("concurrency", 2).put("pollIntervalMs", 200).put("leaseSeconds", 30))
        .put("executors", new JsonObject()
            .put("default", "shell")
            // The test's account is a plain user; shell is for admins unless its roles say otherwise.
            .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true)
                .put("roles", new JsonArray().add("admin").add("user")))));
    token = api.newUserToken(EMAIL);
    browser = WebDriverSession.start();
  }

  @BeforeEach
  void needsABrowser() {
    WebDriverSession.assumeBrowserInstalled();
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (api != null) {
        api.close();
      }
    }
  }

  @Test
  @Order(1)
  void tenThousandLinesStreamInOrderWithAnsiColoursInAWindowOfFewRows() {
    // The sleeps keep the execution running while the page signs in and watches the first half arrive.
    String executionId = runningExecution("sleep 2; " + numbered(1, 5000) + "; sleep 2; " + numbered(5001, 10000));

    browser.navigate(pageUrl(executionId));
    signInThroughTheForm();

    awaitPage("the first half streamed live", "return window.taskforgeLog.lastSeq >= 5000", Duration.ofSeconds(60));
    assertThat(script("return window.taskforgeLog.ended")).as("ended while the command still sleeps").isEqualTo(false);
    awaitPage("the end frame", "return window.taskforgeLog.ended === true", Duration.ofSeconds(90));

    assertThat(script("return window.taskforgeLog.status")).isEqualTo("COMPLETED");
    assertThat(script("return document.getElementById('status').textContent")).isEqualTo("COMPLETED");
    assertSeqsAreExactlyOneTo(10_000);
    assertThat(number("return window.taskforgeLog.lines.filter((l, i) => !l.message.startsWith('line ' + (i + 1) + ' ')).length"))
        .as("line n carries the message printed n-th").isZero();
    assertThat(number("return window.taskforgeLog.gaps")).isZero();

    // Windowed: a few dozen rows in the DOM, not 10,000; following the tail shows the last line.
    long rows = number("return window.taskforgeLog.renderedRows()");
    assertThat(rows).isBetween(10L, 499L);
    assertThat(number("return document.querySelectorAll('#rows .row').length")).isEqualTo(rows);
    assertThat(script("return window.taskforgeLog.following")).isEqualTo(true);
    assertThat(script("return [...document.querySelectorAll('#rows .row .seq')].pop().textContent")).isEqualTo("10000");

    // ANSI red became coloured spans, with no escape left as text; HTML in messages stays text.
    JsonObject ansi = (JsonObject) script("""
        const rows = [...document.querySelectorAll('#rows .row')];
        const red = [...document.querySelectorAll('#rows .msg span.ansi-red-fg')];
        return {rows: rows.length, red: red.length, redText: red.map(s => s.textContent).filter(t => t !== 'red').length,
                colour: red.length ? getComputedStyle(red[0]).color : null,
                plain: red.length ? getComputedStyle(red[0].parentElement).color : null,
                rawEscapes: rows.filter(r => r.textContent.includes('\\u001b') || r.textContent.includes('[31m')).length};
        """);
    assertThat(ansi.getInteger("red")).as(ansi.encode()).isEqualTo(ansi.getInteger("rows"));
    assertThat(ansi.getInteger("redText")).as(ansi.encode()).isZero();
    assertThat(ansi.getInteger("rawEscapes")).as(ansi.encode()).isZero();
    assertThat(ansi.getString("colour")).as("coloured, not the row's own colour: " + ansi.encode())
        .isNotNull().isNotEqualTo(ansi.getString("plain"));

    // Scrolling up stops following and shows the top of the log, still in a handful of rows.
    script("document.getElementById('viewport').scrollTop = 0");
    awaitPage("the top rendered", "return document.querySelector('#rows .row .seq').textContent === '1'", Duration.ofSeconds(5));
    assertThat(script("return window.taskforgeLog.following")).isEqualTo(false);
    assertThat(number("return window.taskforgeLog.renderedRows()")).isLessThan(500);
  }

  @Test
  @Order(2)
  void aDroppedConnectionResumesAfterTheLastSeqWithoutLosingOrRepeatingALine() {
    String executionId = runningExecution("sleep 1; " + numbered(1, 4000) + "; sleep 2; " + numbered(4001, 8000)
        + "; sleep 1; " + numbered(8001, 12000));

    browser.navigate(pageUrl(executionId));
    signInIfAsked();
    awaitPage("some lines", "return window.taskforgeLog.lastSeq >= 1000", Duration.ofSeconds(60));
    assertThat(script("return window.taskforgeLog.ended")).isEqualTo(false);

    script("window.taskforgeLog.dropConnection()");
    awaitPage("a reconnect", "return window.taskforgeLog.reconnects >= 1", Duration.ofSeconds(10));
    awaitPage("the end frame", "return window.taskforgeLog.ended === true", Duration.ofSeconds(90));

    assertThat(script("return window.taskforgeLog.status")).isEqualTo("COMPLETED");
    assertSeqsAreExactlyOneTo(12_000);
    assertThat(number("return window.taskforgeLog.reconnects")).isGreaterThanOrEqualTo(1);
    assertThat(number("return window.taskforgeLog.renderedRows()")).isLessThan(500);
  }

  // ---------------------------------------------------------------- helpers

  /** A shell loop printing "line N <red>red</red>" for N in [from, to]. */
  private static String numbered(int from, int to) {
    return "i=" + from + "; while [ $i -le " + to + " ]; do printf 'line %d \\033[31mred\\033[0m\\n' $i; i=$((i+1)); done";
  }

  /** Creates a shell task and returns its execution's id as soon as it has one. */
  private static String runningExecution(String script) {
    ApiTestServer.Response created = api.post("/api/tasks", token, new JsonObject().put("title", "log page test")
        .put("prompt", script).put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 1)));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String taskId = created.json().getString("id");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonArray items = api.get("/api/tasks/" + taskId + "/executions", token).json().getJsonArray("items");
      if (!items.isEmpty()) {
        return items.getJsonObject(0).getString("id");
      }
      sleep(100);
    }
    throw new AssertionError("task " + taskId + " got no execution in 30 s");
  }

  private static String pageUrl(String executionId) {
    return "http://127.0.0.1:" + api.port + "/executions/" + executionId;
  }

  /** A fresh browser profile has no session: the page asks to sign in; a wrong password is refused first. */
  private static void signInThroughTheForm() {
    awaitPage("the login form", "return !document.getElementById('login').hidden", Duration.ofSeconds(20));
    assertThat(script("return document.getElementById('main').hidden")).isEqualTo(true);

    browser.sendKeys(browser.findElement("#login-email"), EMAIL);
    browser.sendKeys(browser.findElement("#login-password"), "not the password");
    browser.click(browser.findElement("#login-submit"));
    awaitPage("the refusal", "return document.getElementById('login-error').textContent.length > 0", Duration.ofSeconds(20));

    String password = browser.findElement("#login-password");
    script("document.getElementById('login-password').value = ''");
    browser.sendKeys(password, PASSWORD);
    browser.click(browser.findElement("#login-submit"));
    awaitPage("the log view", "return !document.getElementById('main').hidden", Duration.ofSeconds(20));
    assertThat(script("return document.getElementById('login').hidden")).isEqualTo(true);
    assertThat(script("return document.getElementById('execution-id').textContent.length")).isNotEqualTo(0);
  }

  private static void signInIfAsked() {
    awaitPage("the log view or the login form",
        "return !document.getElementById('main').hidden || !document.getElementById('login').hidden", Duration.ofSeconds(20));
    if (Boolean.TRUE.equals(script("return !document.getElementById('login').hidden"))) {
      browser.sendKeys(browser.findElement("#login-email"), EMAIL);
      browser.sendKeys(browser.findElement("#login-password"), PASSWORD);
      browser.click(browser.findElement("#login-submit"));
      awaitPage("the log view", "return !document.getElementById('main').hidden", Duration.ofSeconds(20));
    }
  }

  private static void assertSeqsAreExactlyOneTo(int n) {
    JsonArray seqs = (JsonArray) script("return window.taskforgeLog.lines.map(l => l.seq)");
    List<Long> got = new ArrayList<>(seqs.size());
    seqs.forEach(s -> got.add(((Number) s).longValue()));
    int firstWrong = 0;
    while (firstWrong < got.size() && got.get(firstWrong) == firstWrong + 1) {
      firstWrong++;
    }
    assertThat(firstWrong).as("seqs are 1, 2, 3, ... up to index %d, where %s follows", firstWrong,
        got.subList(firstWrong, Math.min(got.size(), firstWrong + 5))).isEqualTo(got.size());
    assertThat(got).hasSize(n);
    assertThat(number("return window.taskforgeLog.lastSeq")).isEqualTo(n);
  }

  private static Object script(String js) {
    return browser.executeScript(js);
  }

  private static long number(String js) {
    return ((Number) script(js)).longValue();
  }

  /** Polls a script until it returns true; on timeout fails with the page's state, console and a screenshot. */
  private static void awaitPage(String what, String condition, Duration timeout) {
    browser.await(what, condition, timeout, LogPageBrowserTest::pageState);
  }

  private static String pageState() {
    return browser.describe("""
        const t = window.taskforgeLog;
        return JSON.stringify({url: location.href,
          log: t && {lines: t.lines.length, lastSeq: t.lastSeq, ended: t.ended, status: t.status,
                     reconnects: t.reconnects, gaps: t.gaps, rows: t.renderedRows()},
          connection: document.getElementById('connection')?.textContent,
          loginError: document.getElementById('login-error')?.textContent,
          fatal: document.getElementById('fatal')?.textContent});
        """);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
