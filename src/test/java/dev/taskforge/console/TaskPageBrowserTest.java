package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task in a real headless Chromium: created through the API, it appears in the list and its
 * status changes there live; its page (photographed for the README) shows the execution, the
 * result and its file, the timeline, subtasks and dependencies both ways; cancelling a running task
 * from it; editing with the version read, and an edit refused over a change made elsewhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskPageBrowserTest {
  @RegisterExtension
  static final ConsoleSession console = new ConsoleSession("tasks@example.com");
  private static String liveTaskId;

  @Test
  @Order(1)
  void aTaskCreatedThroughTheApiAppearsAndItsStatusChangesLive() throws Exception {
    console.browser.navigate(console.url("/tasks"));
    console.awaitPage("the (empty) list", "return document.getElementById('list-summary')?.textContent === '0 tasks shown'");
    // Every status the row shows, in order; and a mark that a reload would wipe.
    console.script("""
        window.sameDocument = true;
        window.seen = [];
        new MutationObserver(() => {
          const row = [...document.querySelectorAll('#task-rows tr')].find(r => r.querySelector('a')?.textContent === 'Live one');
          const status = row && row.querySelector('.status').textContent;
          if (status && window.seen[window.seen.length - 1] !== status) window.seen.push(status);
        }).observe(document.getElementById('task-rows'), {childList: true, subtree: true, characterData: true});
        """);

    liveTaskId = console.created(new JsonObject().put("title", "Live one")
        .put("prompt", "sleep 3; echo '# Report' > \"$TASKFORGE_OUTPUT_DIR/report.md\"; echo done"));

    console.awaitPage("the new row", "return !!document.querySelector('tr[data-task-id=\"" + liveTaskId + "\"]')");
    console.awaitPage("its completion", "return window.seen.includes('COMPLETED')", Duration.ofSeconds(60));
    JsonArray seen = (JsonArray) console.script("return window.seen");
    assertThat(seen.getList()).as("statuses shown, in order").contains("RUNNING").endsWith("COMPLETED");
    assertThat(seen.getList().indexOf("RUNNING")).isLessThan(seen.getList().indexOf("COMPLETED"));
    assertThat(console.script("return window.sameDocument")).as("no reload").isEqualTo(true);
    assertThat(((Number) console.script("return window.taskforgeConsole.feed.nudges")).intValue()).isGreaterThan(0);

    // Its page: details, the execution with its exit code, the result, the timeline.
    console.browser.click(console.browser.findElement("tr[data-task-id=\"" + liveTaskId + "\"] a"));
    console.awaitPage("the task page", "return document.getElementById('task-title')?.textContent === 'Live one'");
    console.awaitPage("its execution", "return document.querySelectorAll('#task-executions tr[data-execution-id]').length === 1");
    assertThat(console.script("return document.querySelector('#task-executions tr[data-execution-id] .status').textContent")).isEqualTo("COMPLETED");
    console.awaitPage("its timeline", "return document.querySelectorAll('#task-timeline li').length >= 3");
    console.awaitPage("its result file", "return !!document.querySelector('#task-result .files a[download]')");
    assertThat(console.script("return document.querySelector('#task-result .files a').textContent")).isEqualTo("report.md");
    String downloaded = (String) console.browser.executeAsync("fetch(document.querySelector('#task-result .files a').href)"
        + ".then(r => r.text()).then(arguments[0])");
    assertThat(downloaded).isEqualTo("# Report\n");
    console.photograph("console-task.png");
  }

  @Test
  @Order(2)
  void cancellingARunningTaskFromItsPage() {
    String id = console.created(new JsonObject().put("title", "Long sleeper").put("prompt", "sleep 120"));
    console.browser.navigate(console.url("/tasks/" + id));
    console.awaitPage("the task running", "return document.querySelector('#task-status .status')?.textContent === 'RUNNING'",
        Duration.ofSeconds(60));

    console.browser.click(console.browser.findElement("#task-cancel"));

    console.awaitPage("the task cancelled", "return document.querySelector('#task-status .status')?.textContent === 'CANCELLED'",
        Duration.ofSeconds(60));
    assertThat(console.api.get("/api/tasks/" + id, console.token).json().getString("status")).isEqualTo("CANCELLED");
    assertThat(console.script("return document.getElementById('task-retry').hidden")).as("a cancelled task may be retried").isEqualTo(false);
  }

  @Test
  @Order(3)
  void theEditFormSavesWithTheVersionItReadAndThePageShowsDependenciesBothWays() {
    String follower = console.created(new JsonObject().put("title", "Follow-up").put("prompt", "true")
        .put("dependsOn", new JsonArray().add(new JsonObject().put("taskId", liveTaskId))));
    String child = console.created(new JsonObject().put("title", "A part of it").put("prompt", "true").put("parentId", liveTaskId));
    console.browser.navigate(console.url("/tasks/" + liveTaskId));
    console.awaitPage("the task page", "return !!document.getElementById('task-edit')");
    console.awaitPage("what waits for it", "return !!document.querySelector('#task-dependents a[href=\"/tasks/" + follower + "\"]')");
    console.awaitPage("its subtask", "return !!document.querySelector('#task-subtasks a[href=\"/tasks/" + child + "\"]')");
    console.browser.click(console.browser.findElement("#task-edit"));
    String title = console.browser.findElement("#edit-form input[name=title]");
    console.script("document.querySelector('#edit-form input[name=title]').value = ''");
    console.browser.sendKeys(title, "Live one, renamed");
    console.browser.click(console.browser.findElement("#edit-form button[type=submit]"));

    console.awaitPage("the new title", "return document.getElementById('task-title').textContent === 'Live one, renamed'");
    ApiTestServer.Response task = console.api.get("/api/tasks/" + liveTaskId, console.token);
    assertThat(task.json().getString("title")).isEqualTo("Live one, renamed");
    assertThat(task.json().getInteger("version")).isGreaterThan(1);
  }

  @Test
  @Order(4)
  void anEditOverAChangeMadeElsewhereIsRefusedAndTheFormShowsTheNewVersion() {
    String id = console.created(new JsonObject().put("title", "Contested").put("prompt", "true")
        .put("scheduledAt", Instant.now().plusSeconds(7200).toString()));
    console.browser.navigate(console.url("/tasks/" + id));
    console.awaitPage("the task page", "return !!document.getElementById('task-edit')");
    console.browser.click(console.browser.findElement("#task-edit"));
    console.awaitPage("the form", "return !!document.getElementById('edit-form')");

    assertThat(console.api.patch("/api/tasks/" + id, console.token, new JsonObject().put("description", "changed elsewhere")).status()).isEqualTo(200);
    console.script("document.querySelector('#edit-form input[name=title]').value = 'Mine'");
    console.browser.click(console.browser.findElement("#edit-form button[type=submit]"));

    console.awaitPage("the refusal", "return document.getElementById('toast').textContent.includes('changed this task')");
    console.awaitPage("the form again, with the other change", "return document.querySelector('#edit-form textarea[name=description]')?.value === 'changed elsewhere'");
    assertThat(console.api.get("/api/tasks/" + id, console.token).json().getString("title")).isEqualTo("Contested");
  }
}
