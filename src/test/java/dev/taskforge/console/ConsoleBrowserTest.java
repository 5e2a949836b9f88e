package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import dev.taskforge.logs.WebDriverSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web console in a real headless Chromium, on a server with a dispatcher and registration by
 * invite: signing up (the first account is the admin) and in, the dashboard's charts, the task
 * list's filters and search, a task created through the API whose status changes live, cancelling
 * a running task from its page, an admin promoting a user, and the log page folding an agent's
 * tool call. The dashboard and a task page are photographed into docs/images for the README.
 * Skipped when Chromium or chromedriver is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Path IMAGES = Path.of("docs/images");
  private static final String EMAIL = "first@example.com";
  private static final String PASSWORD = "a long enough password";
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** The WebDriver key code of Enter. */
  private static final String ENTER = "\uE007";

  private static ApiTestServer api;
  private static WebDriverSession browser;
  private static String token; // the admin's, for arranging through the API
  private static String liveTaskId;

  @BeforeAll
  static void start() throws Exception {
    if (!WebDriverSession.browserInstalled()) {
      return; // each test reports itself skipped, with the reason
    }
    Path dir = Files.createTempDirectory("taskforge-console-test");
    // Executors run as an unprivileged user when the tests run as root: it must reach the scripts.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path fakeClaude = fakeClaude(dir, "success.jsonl");
    Path failingClaude = fakeClaude(dir, "error.jsonl");
    JsonArray everyone = new JsonArray().add("admin").add("user");
    api = new ApiTestServer(ConsoleBrowserTest.class, new JsonObject()
        .put("instanceId", "console-test")
        .put("dataDir", dir.toString())
        .put("auth", new JsonObject().put("registration", "invite"))
        .put("queue", new JsonObject().put("concurrency", 2).put("pollIntervalMs", 200).put("leaseSeconds", 30))
        .put("executors", new JsonObject()
            .put("default", "shell")
            .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true).put("roles", everyone))
            .put("claude", new JsonObject().put("command", fakeClaude + " -p {prompt}").put("enabled", true)
                .put("format", "claude-stream-json").put("roles", everyone))
            .put("failing-claude", new JsonObject().put("command", failingClaude + " -p {prompt}").put("enabled", true)
                .put("format", "claude-stream-json").put("roles", everyone))));
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
  void theFirstAccountSignsUpAsAdminThenSignsOutAndBackIn() {
    browser.navigate(url("/"));
    awaitPage("the sign-up form", "return !!document.getElementById('sign-up')");
    assertThat(script("return document.getElementById('sign-up-lead').textContent")).asString().contains("admin");
    assertThat(script("return !!document.getElementById('sign-up-invite')")).as("the first account needs no invite").isEqualTo(false);

    browser.sendKeys(browser.findElement("#sign-up-email"), EMAIL);
    browser.sendKeys(browser.findElement("#sign-up-password"), PASSWORD);
    browser.click(browser.findElement("#sign-up-submit"));
    awaitPage("the dashboard", "return document.querySelector('#page h1')?.textContent === 'Dashboard'");
    assertThat(script("return document.getElementById('nav-admin').hidden")).as("the first account is the admin").isEqualTo(false);
    token = api.post("/api/auth/login", null, new JsonObject().put("email", EMAIL).put("password", PASSWORD)).json()
        .getString("token");

    browser.click(browser.findElement("#sign-out"));
    awaitPage("the sign-in form", "return !!document.getElementById('sign-in') && document.getElementById('top').hidden");
    assertThat(script("return !!document.getElementById('sign-up-invite')")).as("now an account needs an invite").isEqualTo(true);
    browser.sendKeys(browser.findElement("#sign-in-email"), EMAIL);
    browser.sendKeys(browser.findElement("#sign-in-password"), "not the password");
    browser.click(browser.findElement("#sign-in-submit"));
    awaitPage("the refusal", "return document.getElementById('auth-error').textContent.length > 0");

    script("document.getElementById('sign-in-password').value = ''");
    browser.sendKeys(browser.findElement("#sign-in-password"), PASSWORD + ENTER); // the keyboard alone signs in
    awaitPage("the dashboard again", "return document.querySelector('#page h1')?.textContent === 'Dashboard'");
    awaitPage("the live feed", "return window.taskforgeConsole.feed.connected");
  }

  @Test
  @Order(2)
  void theDashboardDrawsItsChartsAndListsTheQueues() throws Exception {
    // A job that waits an hour: its queue has something to show.
    created(new JsonObject().put("title", "Nightly report").put("prompt", "true")
        .put("scheduledAt", Instant.now().plusSeconds(3600).toString()));
    TestDatabase.execute(api.db, """
        INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, queue_name)
        SELECT now() - make_interval(mins => i), 'COUNTER', m, (i %% 7) + (CASE WHEN m = 'queue.jobs_failed' THEN 0 ELSE 5 END),
               'jobs', 'default'
          FROM generate_series(1, 55) AS i, unnest(ARRAY['queue.jobs_completed', 'queue.jobs_failed']) AS m;
        INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, queue_name)
        SELECT now() - make_interval(mins => i), 'GAUGE', 'queue.oldest_wait', 2 + (i %% 5), 'seconds', 'default'
          FROM generate_series(1, 55) AS i;
        """.formatted());
    // An agent's run (its result's tokens and cost) and a failure, for the tiles and the failure list.
    String agent = created(new JsonObject().put("title", "Tidy the lexer").put("prompt", "tidy up")
        .put("config", new JsonObject().put("executor", "claude")));
    String broken = created(new JsonObject().put("title", "Broken build").put("prompt", "echo 'make: *** [all] Error 2' >&2; exit 2")
        .put("config", new JsonObject().put("maxAttempts", 1)));
    awaitStatus(agent, "COMPLETED");
    awaitStatus(broken, "FAILED");
    browser.navigate(url("/"));

    awaitPage("today's tokens and cost", "return document.querySelector('#tokens-today .tile-value')?.textContent === '106,989'");
    assertThat(script("return document.querySelector('#cost-today .tile-value').textContent")).isEqualTo("$0.1187");
    assertThat(script("return document.querySelector('#tokens-month .tile-value').textContent")).isEqualTo("106,989");
    awaitPage("the failure listed", "return [...document.querySelectorAll('#failures li a')].some(a => a.textContent === 'Broken build')");
    awaitPage("two charts", "return document.querySelectorAll('#charts figure').length === 2");
    JsonObject charts = (JsonObject) script("""
        const figures = [...document.querySelectorAll('#charts figure')];
        return {lines: figures.map(f => Number(f.dataset.lines)),
                longest: Math.max(...[...document.querySelectorAll('#charts svg path.line')].map(p => p.getAttribute('d').split('L').length))};
        """);
    assertThat(charts.getJsonArray("lines").getList()).as(charts.encode()).containsExactly(2, 1);
    assertThat(charts.getInteger("longest")).as("a line through many points").isGreaterThan(20);
    awaitPage("the queue table", "return !!document.querySelector('#queues tr[data-queue]')");
    assertThat(script("return document.querySelector('#queues tr[data-queue] .status').textContent"))
        .isIn("OK", "DEGRADED", "STALLED");

    browser.click(browser.findElement("button[data-range=week]"));
    awaitPage("the week's charts", "return document.querySelector('#charts figure svg')?.textContent.includes('') "
        + "&& document.querySelector('button[data-range=week]').getAttribute('aria-pressed') === 'true'");
    browser.click(browser.findElement("button[data-range=hour]"));
    awaitPage("the hour's charts again", "return document.querySelectorAll('#charts path.line').length === 3");
    photograph("console-dashboard.png");
  }

  @Test
  @Order(3)
  void theListFiltersAndSearches() {
    created(new JsonObject().put("title", "Fix the parser's escapes").put("prompt", "true").put("tags", new JsonArray().add("filtering").add("backend")).put("priority", "HIGH"));
    created(new JsonObject().put("title", "Update the docs").put("prompt", "true").put("tags", new JsonArray().add("filtering").add("docs")).put("priority", "LOW"));
    created(new JsonObject().put("title", "Clean up the parser tests").put("prompt", "true").put("tags", new JsonArray().add("filtering").add("backend")).put("priority", "LOW"));
    browser.navigate(url("/tasks"));
    awaitPage("the list", "return document.querySelectorAll('#task-rows tr[data-task-id]').length >= 4");

    browser.sendKeys(browser.findElement("#filter-q"), "parser");
    awaitPage("the search's two tasks", "return titles().length === 2".replace("titles()", TITLES));
    assertThat(((JsonArray) script("return " + TITLES)).getList()).allSatisfy(t -> assertThat((String) t).contains("parser"));
    assertThat(browser.currentUrl()).contains("q=parser");

    script("document.getElementById('filter-q').value = ''");
    browser.sendKeys(browser.findElement("#filter-tag"), "docs");
    browser.click(browser.findElement("#filters button[type=submit]"));
    awaitPage("the docs task alone", "const t = " + TITLES + "; return t.length === 1 && t[0] === 'Update the docs'");

    script("const t = document.getElementById('filter-tag'); t.value = 'backend';"
        + "const p = document.getElementById('filter-priority'); p.value = 'HIGH'; p.dispatchEvent(new Event('change', {bubbles: true}))");
    awaitPage("the one high-priority backend task", "const t = " + TITLES + "; return t.length === 1 && t[0] === \"Fix the parser's escapes\"");
    assertThat(browser.currentUrl()).contains("priority=HIGH").contains("tag=backend");
  }

  @Test
  @Order(4)
  void aTaskCreatedThroughTheApiAppearsAndItsStatusChangesLive() throws Exception {
    browser.navigate(url("/tasks"));
    awaitPage("the list", "return document.querySelectorAll('#task-rows tr[data-task-id]').length >= 1");
    // Every status the row shows, in order; and a mark that a reload would wipe.
    script("""
        window.sameDocument = true;
        window.seen = [];
        new MutationObserver(() => {
          const row = [...document.querySelectorAll('#task-rows tr')].find(r => r.querySelector('a')?.textContent === 'Live one');
          const status = row && row.querySelector('.status').textContent;
          if (status && window.seen[window.seen.length - 1] !== status) window.seen.push(status);
        }).observe(document.getElementById('task-rows'), {childList: true, subtree: true, characterData: true});
        """);

    liveTaskId = created(new JsonObject().put("title", "Live one")
        .put("prompt", "sleep 3; echo '# Report' > \"$TASKFORGE_OUTPUT_DIR/report.md\"; echo done"));

    awaitPage("the new row", "return !!document.querySelector('tr[data-task-id=\"" + liveTaskId + "\"]')");
    awaitPage("its completion", "return window.seen.includes('COMPLETED')", Duration.ofSeconds(60));
    JsonArray seen = (JsonArray) script("return window.seen");
    assertThat(seen.getList()).as("statuses shown, in order").contains("RUNNING").endsWith("COMPLETED");
    assertThat(seen.getList().indexOf("RUNNING")).isLessThan(seen.getList().indexOf("COMPLETED"));
    assertThat(script("return window.sameDocument")).as("no reload").isEqualTo(true);
    assertThat(((Number) script("return window.taskforgeConsole.feed.nudges")).intValue()).isGreaterThan(0);

    // Its page: details, the execution with its exit code, the result, the timeline.
    browser.click(browser.findElement("tr[data-task-id=\"" + liveTaskId + "\"] a"));
    awaitPage("the task page", "return document.getElementById('task-title')?.textContent === 'Live one'");
    awaitPage("its execution", "return document.querySelectorAll('#task-executions tr[data-execution-id]').length === 1");
    assertThat(script("return document.querySelector('#task-executions tr[data-execution-id] .status').textContent")).isEqualTo("COMPLETED");
    awaitPage("its timeline", "return document.querySelectorAll('#task-timeline li').length >= 3");
    awaitPage("its result file", "return !!document.querySelector('#task-result .files a[download]')");
    assertThat(script("return document.querySelector('#task-result .files a').textContent")).isEqualTo("report.md");
    String downloaded = (String) browser.executeAsync("fetch(document.querySelector('#task-result .files a').href)"
        + ".then(r => r.text()).then(arguments[0])");
    assertThat(downloaded).isEqualTo("# Report\n");
    photograph("console-task.png");
  }

  @Test
  @Order(5)
  void cancellingARunningTaskFromItsPage() {
    String id = created(new JsonObject().put("title", "Long sleeper").put("prompt", "sleep 120"));
    browser.navigate(url("/tasks/" + id));
    awaitPage("the task running", "return document.querySelector('#task-status .status')?.textContent === 'RUNNING'",
        Duration.ofSeconds(60));

    browser.click(browser.findElement("#task-cancel"));

    awaitPage("the task cancelled", "return document.querySelector('#task-status .status')?.textContent === 'CANCELLED'",
        Duration.ofSeconds(60));
    assertThat(api.get("/api/tasks/" + id, token).json().getString("status")).isEqualTo("CANCELLED");
    assertThat(script("return document.getElementById('task-retry').hidden")).as("a cancelled task may be retried").isEqualTo(false);
  }

  @Test
  @Order(6)
  void theEditFormSavesWithTheVersionItReadAndThePageShowsDependenciesBothWays() {
    String follower = created(new JsonObject().put("title", "Follow-up").put("prompt", "true")
        .put("dependsOn", new JsonArray().add(new JsonObject().put("taskId", liveTaskId))));
    String child = created(new JsonObject().put("title", "A part of it").put("prompt", "true").put("parentId", liveTaskId));
    browser.navigate(url("/tasks/" + liveTaskId));
    awaitPage("the task page", "return !!document.getElementById('task-edit')");
    awaitPage("what waits for it", "return !!document.querySelector('#task-dependents a[href=\"/tasks/" + follower + "\"]')");
    awaitPage("its subtask", "return !!document.querySelector('#task-subtasks a[href=\"/tasks/" + child + "\"]')");
    browser.click(browser.findElement("#task-edit"));
    String title = browser.findElement("#edit-form input[name=title]");
    script("document.querySelector('#edit-form input[name=title]').value = ''");
    browser.sendKeys(title, "Live one, renamed");
    browser.click(browser.findElement("#edit-form button[type=submit]"));

    awaitPage("the new title", "return document.getElementById('task-title').textContent === 'Live one, renamed'");
    ApiTestServer.Response task = api.get("/api/tasks/" + liveTaskId, token);
    assertThat(task.json().getString("title")).isEqualTo("Live one, renamed");
    assertThat(task.json().getInteger("version")).isGreaterThan(1);
  }

  @Test
  @Order(7)
  void anAdminPromotesAUser() {
    String code = api.post("/api/invites", token, new JsonObject().put("note", "helper")).json().getString("code");
    assertThat(api.post("/api/auth/register", null, new JsonObject().put("email", "helper@example.com")
        .put("password", PASSWORD).put("inviteCode", code)).status()).isEqualTo(201);
    browser.navigate(url("/admin/users"));
    String row = "tr[data-user-email=\"helper@example.com\"]";
    awaitPage("the helper's row", "return !!document.querySelector('" + row + "')");
    assertThat(script("return document.querySelector('" + row + " .role').textContent")).isEqualTo("USER");

    browser.click(browser.findElement(row + " button.promote"));

    awaitPage("the helper an admin", "return document.querySelector('" + row + " .role')?.textContent === 'ADMIN'");
    String helper = api.post("/api/auth/login", null, new JsonObject().put("email", "helper@example.com")
        .put("password", PASSWORD)).json().getString("token");
    assertThat(api.get("/api/users/me", helper).json().getString("role")).isEqualTo("ADMIN");
  }

  @Test
  @Order(8)
  void theAgentAwareLogFoldsAToolCallAndSearchesWithHighlights() {
    String task = created(new JsonObject().put("title", "Agent run").put("prompt", "fix the parser")
        .put("config", new JsonObject().put("executor", "claude")));
    String execution = awaitExecution(task);
    browser.navigate(url("/executions/" + execution));
    awaitPage("the whole log", "return window.taskforgeLog?.ended === true", Duration.ofSeconds(60));
    awaitPage("tool calls as rows", "return document.querySelectorAll('#rows .row.tool-call').length > 0");

    JsonObject folded = (JsonObject) script("""
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
    browser.click(browser.findElement(call));
    awaitPage("the call opened", "return document.querySelector('" + call + "').getAttribute('aria-expanded') === 'true'");
    JsonObject open = (JsonObject) script("""
        const call = document.querySelector('#rows .row.tool-call');
        return {next: call.nextElementSibling.textContent, after: call.nextElementSibling.nextElementSibling.textContent,
                foldedRows: document.querySelectorAll('#rows .row.tool-fold').length};
        """);
    assertThat(open.getString("next")).as(open.encode()).contains("input {");
    assertThat(open.getString("after")).as(open.encode()).contains("←");
    assertThat(open.getInteger("foldedRows")).isGreaterThanOrEqualTo(2);

    browser.click(browser.findElement(call));
    awaitPage("the call folded again", "return document.querySelectorAll('#rows .row.tool-fold').length === 0");

    browser.sendKeys(browser.findElement("#search"), "parser");
    awaitPage("highlighted matches", "return document.querySelectorAll('#rows mark').length > 0");
    assertThat(script("return document.getElementById('search-count').textContent")).asString().matches("1 of \\d+");
  }

  @Test
  @Order(9)
  void aProjectAndAnApiTokenAreMadeFromTheirPagesAndTheTokenIsShownOnce() {
    browser.navigate(url("/projects"));
    awaitPage("the project form", "return !!document.getElementById('project-form')");
    browser.sendKeys(browser.findElement("#project-form input[name=name]"), "Parser rewrite");
    browser.click(browser.findElement("#project-form button[type=submit]"));
    awaitPage("the project listed", "return [...document.querySelectorAll('#project-list a')].some(a => a.textContent === 'Parser rewrite')");
    browser.click(browser.findElement("#project-list tr[data-project-id] a"));
    awaitPage("the project's page", "return document.querySelector('#page h1')?.textContent === 'Parser rewrite'");
    awaitPage("its usage", "return document.querySelector('#project-usage p')?.textContent.startsWith('Last 30 days')");
    browser.click(browser.findElement("#project-new-task summary"));
    browser.sendKeys(browser.findElement("#project-new-task input[name=title]"), "Write the grammar");
    browser.sendKeys(browser.findElement("#project-new-task textarea[name=prompt]"), "true");
    browser.click(browser.findElement("#project-new-task button[type=submit]"));
    awaitPage("the task in the project", "return [...document.querySelectorAll('#project-tasks a')].some(a => a.textContent === 'Write the grammar')");

    browser.navigate(url("/tokens"));
    awaitPage("the token form", "return !!document.getElementById('token-form')");
    browser.sendKeys(browser.findElement("#token-form input[name=name]"), "ci");
    browser.click(browser.findElement("#token-form button[type=submit]"));
    awaitPage("the new token, once", "return document.querySelector('#new-token .secret')?.textContent.length > 20");
    String shown = (String) script("return document.querySelector('#new-token .secret').textContent");
    assertThat(api.get("/api/users/me", shown).status()).as("the token shown works").isEqualTo(200);

    browser.click(browser.findElement("tr[data-token-name=ci] button"));
    awaitPage("the token revoked", "return !document.querySelector('tr[data-token-name=ci]')");
    assertThat(api.get("/api/users/me", shown).status()).isEqualTo(401);
  }

  @Test
  @Order(10)
  void theLogOfAFailedAttemptLinksItsAddressesAndOffersToFollowTheNextOne() {
    String task = created(new JsonObject().put("title", "Flaky").put("prompt", "sleep 1; echo failing, see https://ci.example.com/builds/42?tab=log; exit 3")
        .put("config", new JsonObject().put("maxAttempts", 2).put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 0))));
    String firstAttempt = awaitExecution(task);
    browser.navigate(url("/executions/" + firstAttempt));

    awaitPage("the first attempt's end", "return window.taskforgeLog?.ended === true", Duration.ofSeconds(60));
    assertThat(script("const a = document.querySelector('#rows .msg a'); return a && [a.getAttribute('href'), a.rel]"))
        .as("the address in the log is a link").isEqualTo(new JsonArray().add("https://ci.example.com/builds/42?tab=log")
            .add("noopener noreferrer"));
    awaitPage("the offer", "return !document.getElementById('next-attempt').hidden", Duration.ofSeconds(60));
    String next = (String) script("return window.taskforgeLog.nextAttempt");
    assertThat(next).isNotEqualTo(firstAttempt);
    assertThat(script("return document.getElementById('next-attempt-link').getAttribute('href')")).isEqualTo("/executions/" + next);
    assertThat(api.get("/api/executions/" + next, token).json().getString("taskId")).isEqualTo(task);
  }

  @Test
  @Order(11)
  void theLogJumpsToTheFirstError() {
    String task = created(new JsonObject().put("title", "Agent stumbles").put("prompt", "fix it")
        .put("config", new JsonObject().put("executor", "failing-claude").put("maxAttempts", 1)));
    browser.navigate(url("/executions/" + awaitExecution(task)));
    awaitPage("the whole log", "return window.taskforgeLog?.ended === true", Duration.ofSeconds(60));
    awaitPage("an error to jump to", "return !document.getElementById('first-error').disabled");
    long firstErrorSeq = ((Number) script("return window.taskforgeLog.lines.find(l => l.level === 'ERROR' || l.level === 'FATAL').seq"))
        .longValue();

    browser.click(browser.findElement("#first-error"));

    awaitPage("the error's line shown", "return !document.getElementById('detail').hidden");
    assertThat(script("return document.getElementById('detail-title').textContent")).asString()
        .startsWith("#" + firstErrorSeq + " ").contains("ERROR");
    awaitPage("the error's row selected, its tool call opened", "return document.querySelector('#rows .row.selected .seq')?.textContent === '"
        + firstErrorSeq + "'");
    assertThat(script("return document.querySelector('#rows .row.selected').classList.contains('lvl-ERROR')")).isEqualTo(true);
  }

  @Test
  @Order(12)
  void theSelectedTasksAreCancelledAndRetriedFromTheList() {
    String later = Instant.now().plusSeconds(3600).toString();
    String one = created(new JsonObject().put("title", "Later one").put("prompt", "true").put("scheduledAt", later)
        .put("tags", new JsonArray().add("bulk")));
    String two = created(new JsonObject().put("title", "Later two").put("prompt", "true").put("scheduledAt", later)
        .put("tags", new JsonArray().add("bulk")));
    browser.navigate(url("/tasks?tag=bulk"));
    awaitPage("the two tasks", "return " + TITLES + ".length === 2");

    browser.click(browser.findElement("#select-all"));
    browser.click(browser.findElement("#cancel-selected"));
    awaitPage("both cancelled", "return [...document.querySelectorAll('#task-rows .status')].every(s => s.textContent === 'CANCELLED')");
    assertThat(api.get("/api/tasks/" + one, token).json().getString("status")).isEqualTo("CANCELLED");

    browser.click(browser.findElement("tr[data-task-id=\"" + two + "\"] input[type=checkbox]"));
    browser.click(browser.findElement("#retry-selected"));
    awaitPage("the second queued again", "return document.querySelector('tr[data-task-id=\"" + two + "\"] .status').textContent !== 'CANCELLED'");
    assertThat(api.get("/api/tasks/" + two, token).json().getString("status")).isNotEqualTo("CANCELLED");
    assertThat(api.get("/api/tasks/" + one, token).json().getString("status")).isEqualTo("CANCELLED");
  }

  @Test
  @Order(13)
  void theCreateFormMakesATaskWithEveryFieldAndLoadMoreFollowsTheCursor() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 60; i++) {
      many.add(new JsonObject().put("title", "Paged " + i).put("prompt", "true").put("tags", new JsonArray().add("paged"))
          .put("scheduledAt", Instant.now().plusSeconds(7200).toString()));
    }
    assertThat(api.post("/api/tasks/bulk", token, new JsonObject().put("tasks", many)).status()).isEqualTo(201);
    browser.navigate(url("/tasks?tag=paged"));
    awaitPage("the first page", "return " + TITLES + ".length === 50");
    assertThat(script("return document.getElementById('load-more').hidden")).isEqualTo(false);
    browser.click(browser.findElement("#load-more"));
    awaitPage("the rest", "return " + TITLES + ".length === 60");
    assertThat(script("return document.getElementById('load-more').hidden")).isEqualTo(true);
    assertThat(((JsonArray) script("return " + TITLES)).stream().distinct().count()).isEqualTo(60);

    browser.click(browser.findElement("#create-task summary"));
    String form = "#task-form ";
    browser.sendKeys(browser.findElement(form + "input[name=title]"), "Made in the form");
    browser.sendKeys(browser.findElement(form + "textarea[name=prompt]"), "true");
    script("document.querySelector('" + form + "select[name=priority]').value = 'CRITICAL'");
    browser.sendKeys(browser.findElement(form + "input[name=tags]"), "paged, form");
    browser.sendKeys(browser.findElement(form + "input[name=executor]"), "shell");
    script("document.querySelector('" + form + "input[name=scheduledAt]').value = '2099-01-02T03:04'");
    browser.sendKeys(browser.findElement(form + "input[name=dependsOn]"), liveTaskId);
    browser.click(browser.findElement(form + "button[type=submit]"));

    awaitPage("the new task in the list", "return " + TITLES + ".includes('Made in the form')");
    JsonObject made = api.get("/api/tasks?tag=form", token).json().getJsonArray("items").getJsonObject(0);
    assertThat(made.getString("priority")).isEqualTo("CRITICAL");
    assertThat(made.getJsonArray("tags").getList()).containsExactly("paged", "form");
    assertThat(made.getJsonObject("config").getString("executor")).isEqualTo("shell");
    assertThat(made.getString("scheduledAt")).startsWith("2099-01-0");
    assertThat(api.get("/api/tasks/" + made.getString("id") + "/dependencies", token).json().getJsonArray("items")
        .getJsonObject(0).getString("dependsOnId")).isEqualTo(liveTaskId);
  }

  @Test
  @Order(14)
  void anEditOverAChangeMadeElsewhereIsRefusedAndTheFormShowsTheNewVersion() {
    String id = created(new JsonObject().put("title", "Contested").put("prompt", "true")
        .put("scheduledAt", Instant.now().plusSeconds(7200).toString()));
    browser.navigate(url("/tasks/" + id));
    awaitPage("the task page", "return !!document.getElementById('task-edit')");
    browser.click(browser.findElement("#task-edit"));
    awaitPage("the form", "return !!document.getElementById('edit-form')");

    assertThat(api.patch("/api/tasks/" + id, token, new JsonObject().put("description", "changed elsewhere")).status()).isEqualTo(200);
    script("document.querySelector('#edit-form input[name=title]').value = 'Mine'");
    browser.click(browser.findElement("#edit-form button[type=submit]"));

    awaitPage("the refusal", "return document.getElementById('toast').textContent.includes('changed this task')");
    awaitPage("the form again, with the other change", "return document.querySelector('#edit-form textarea[name=description]')?.value === 'changed elsewhere'");
    assertThat(api.get("/api/tasks/" + id, token).json().getString("title")).isEqualTo("Contested");
  }

  @Test
  @Order(15)
  void afterItsSocketDropsTheListReadsAgainWhatChangedMeanwhile() {
    browser.navigate(url("/tasks?tag=resume"));
    awaitPage("the live feed", "return window.taskforgeConsole.feed.connected");
    long reconnects = ((Number) script("return window.taskforgeConsole.feed.reconnects")).longValue();

    script("window.taskforgeConsole.feed.drop()");
    created(new JsonObject().put("title", "Made while away").put("prompt", "true").put("tags", new JsonArray().add("resume"))
        .put("scheduledAt", Instant.now().plusSeconds(7200).toString()));

    awaitPage("the feed back", "return window.taskforgeConsole.feed.reconnects > " + reconnects
        + " && window.taskforgeConsole.feed.connected");
    awaitPage("the task made meanwhile", "return " + TITLES + ".includes('Made while away')");
  }

  // ---------------------------------------------------------------- helpers

  /** A stand-in for claude that prints one recorded stream-json run. */
  private static Path fakeClaude(Path dir, String fixture) throws Exception {
    Path recorded = Path.of(ConsoleBrowserTest.class.getResource("/claude-stream-json/" + fixture).toURI());
    Path script = dir.resolve("fake-claude-" + fixture.replace(".jsonl", ""));
    Files.writeString(script, "#!/bin/sh\ncat '" + recorded + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static final String TITLES = "[...document.querySelectorAll('#task-rows tr[data-task-id] td:nth-child(2) a')].map(a => a.textContent)";

  private static String url(String path) {
    return "http://127.0.0.1:" + api.port + path;
  }

  private static String created(JsonObject task) {
    ApiTestServer.Response r = api.post("/api/tasks", token, task);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static void awaitStatus(String taskId, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String now = null;
    while (System.nanoTime() < deadline) {
      now = api.get("/api/tasks/" + taskId, token).json().getString("status");
      if (status.equals(now)) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("task " + taskId + " is " + now + ", not " + status + ", after 60 s");
  }

  private static String awaitExecution(String taskId) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonArray items = api.get("/api/tasks/" + taskId + "/executions", token).json().getJsonArray("items");
      if (!items.isEmpty()) {
        return items.getJsonObject(0).getString("id");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("task " + taskId + " got no execution in " + WAIT.toSeconds() + " s");
  }

  private static void photograph(String name) throws Exception {
    Files.createDirectories(IMAGES);
    browser.screenshot(IMAGES.resolve(name));
  }

  private static Object script(String js) {
    return browser.executeScript(js);
  }

  private static void awaitPage(String what, String condition) {
    awaitPage(what, condition, WAIT);
  }

  private static void awaitPage(String what, String condition, Duration timeout) {
    browser.await(what, condition, timeout, ConsoleBrowserTest::pageState);
  }

  private static String pageState() {
    StringBuilder s = new StringBuilder();
    try {
      s.append(script("return JSON.stringify({url: location.href, h1: document.querySelector('h1')?.textContent,"
          + " errors: [...document.querySelectorAll('.error')].map(e => e.textContent),"
          + " toast: document.getElementById('toast')?.textContent})"));
      s.append("; console: ").append(browser.browserLog());
      Path shot = Files.createTempFile("console-failure", ".png");
      browser.screenshot(shot);
      s.append("; screenshot: ").append(shot);
    } catch (Exception e) {
      s.append(" (could not read the page: ").append(e.getMessage()).append(')');
    }
    return s.toString();
  }
}
