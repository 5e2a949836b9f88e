package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workflow pages in a real headless Chromium: a fan-out workflow (a; b and c after a; d after
 * both) made through the API is drawn on its page as a graph of 4 steps and 4 arrows, layered by
 * depth; a run started from that page opens the run's page, whose steps change colour live until
 * the run completes, each linking to its task; the create form shows the API's refusal next to the
 * field it names.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkflowPagesBrowserTest {
  @RegisterExtension
  static final ConsoleSession console = new ConsoleSession("workflows@example.com");

  private static JsonObject step(String key, String prompt, String... dependsOn) {
    JsonObject step = new JsonObject().put("key", key)
        .put("task", new JsonObject().put("title", "Step " + key).put("prompt", prompt));
    return dependsOn.length == 0 ? step : step.put("dependsOn", new JsonArray(List.of((Object[]) dependsOn)));
  }

  /** The x of a step's node in the graph (its layer), from its transform. */
  private static double layerOf(String root, String key) {
    return ((Number) console.script("return document.querySelector('" + root + " .dag-node[data-step=\"" + key + "\"]')"
        + ".transform.baseVal.consolidate().matrix.e")).doubleValue();
  }

  @Test
  @Order(1)
  void aFanOutIsDrawnAndARunStartedFromItsPageChangesLiveUntilItEnds() throws Exception {
    JsonObject body = new JsonObject().put("name", "Fan out").put("steps", new JsonArray()
        .add(step("a", "echo a; sleep 1"))
        .add(step("b", "echo b; sleep 2", "a"))
        .add(step("c", "echo c; sleep 2", "a"))
        .add(step("d", "echo d; sleep 1", "b", "c")));
    var created = console.api.post("/api/workflows", console.token, body);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String workflowId = created.json().getString("id");

    console.browser.navigate(console.url("/workflows/" + workflowId));
    console.browser.browserLog(); // from here on, the console stays free of errors
    console.awaitPage("the graph", "return document.querySelectorAll('#workflow-dag svg .dag-node').length === 4");
    assertThat(((Number) console.script("return document.querySelectorAll('#workflow-dag svg .dag-edge').length")).intValue())
        .as("one arrow per dependsOn").isEqualTo(4);
    assertThat(console.script("return [...document.querySelectorAll('#workflow-dag .dag-edge')]"
        + ".map(e => e.dataset.from + '>' + e.dataset.to).sort().join(' ')")).isEqualTo("a>b a>c b>d c>d");
    assertThat(layerOf("#workflow-dag", "a")).isLessThan(layerOf("#workflow-dag", "b"));
    assertThat(layerOf("#workflow-dag", "b")).isEqualTo(layerOf("#workflow-dag", "c"));
    assertThat(layerOf("#workflow-dag", "c")).isLessThan(layerOf("#workflow-dag", "d"));
    assertThat(console.script("return document.getElementById('workflow-name').textContent")).isEqualTo("Fan out");
    console.photograph("console-workflow.png");

    console.script("window.sameDocument = true");
    console.browser.sendKeys(console.browser.findElement("#run-form textarea[name=context]"), "{\"who\": \"browser\"}");
    console.browser.click(console.browser.findElement("#run-start"));
    console.awaitPage("the run's page", "return location.pathname.startsWith('/workflow-runs/') && !!document.querySelector('#run-dag svg')");
    // Every status each step's node shows, in order, from the first drawing on.
    console.script("""
        window.seen = {};
        const record = () => document.querySelectorAll('#run-dag .dag-node').forEach(n => {
          const list = window.seen[n.dataset.step] ||= [];
          if (list[list.length - 1] !== n.dataset.status) list.push(n.dataset.status);
        });
        record();
        new MutationObserver(record).observe(document.getElementById('run-dag'), {attributes: true, subtree: true, attributeFilter: ['data-status']});
        """);
    String runId = ((String) console.script("return location.pathname")).substring("/workflow-runs/".length());

    console.awaitPage("the run completed", "return document.querySelector('#run-status .status')?.textContent === 'COMPLETED'",
        Duration.ofSeconds(60));
    console.awaitPage("every step completed", "return [...document.querySelectorAll('#run-dag .dag-node')].every(n => n.dataset.status === 'COMPLETED')");
    JsonObject seen = (JsonObject) console.script("return window.seen");
    assertThat(seen.fieldNames()).containsExactlyInAnyOrder("a", "b", "c", "d");
    List<Object> last = seen.getJsonArray("d").getList();
    assertThat(last).as("d, seen waiting before it completed: %s", seen).hasSizeGreaterThan(1).endsWith("COMPLETED");
    assertThat(last.get(0)).isNotEqualTo("COMPLETED");
    assertThat(seen.fieldNames().stream().flatMap(k -> seen.getJsonArray(k).getList().stream()))
        .as("a step seen running: %s", seen).contains("RUNNING");
    assertThat(console.script("return window.sameDocument")).as("no reload").isEqualTo(true);

    JsonObject run = console.api.get("/api/workflow-runs/" + runId, console.token).json();
    assertThat(run.getString("status")).isEqualTo("COMPLETED");
    assertThat(run.getJsonObject("context").getString("who")).isEqualTo("browser");
    for (Object s : run.getJsonArray("steps")) {
      JsonObject step = (JsonObject) s;
      assertThat(console.script("return document.querySelector('#run-dag .dag-node[data-step=\"" + step.getString("key") + "\"]')"
          + ".closest('a').getAttribute('href')")).isEqualTo("/tasks/" + step.getString("taskId"));
    }
    assertThat(console.script("return document.getElementById('run-cancel').hidden")).as("an ended run is not cancelled").isEqualTo(true);
    console.photograph("console-workflow-run.png");

    // Back on the workflow's page, the run is listed and counted.
    console.browser.click(console.browser.findElement(".crumbs a[href=\"/workflows/" + workflowId + "\"]"));
    console.awaitPage("the run in the list", "return !!document.querySelector('#workflow-runs tr[data-run-id=\"" + runId + "\"]')");
    console.awaitPage("the stats", "return document.querySelector('#stat-runs .tile-value')?.textContent === '1'");
    assertThat(console.browser.browserLog()).as("the browser's console").noneMatch(line -> line.startsWith("SEVERE") && !line.contains("favicon.ico"));
  }

  @Test
  @Order(2)
  void theCreateFormShowsARefusalNextToTheFieldItNames() throws Exception {
    console.browser.navigate(console.url("/workflows"));
    console.awaitPage("the list with the workflow", "return !!document.querySelector('#workflow-list a') && !!document.getElementById('workflow-form')");
    assertThat(console.script("return document.querySelector('#workflow-list tr[data-workflow-id] .workflow-steps').textContent"))
        .isIn("4", "…");
    console.browser.sendKeys(console.browser.findElement("#workflow-form input[name=name]"), "Broken");
    console.browser.sendKeys(console.browser.findElement("#workflow-form .step-row input[name=title]"), "First");
    console.browser.sendKeys(console.browser.findElement("#workflow-form .step-row textarea[name=prompt]"), "true");
    console.browser.click(console.browser.findElement("#add-step"));
    console.script("""
        const row = document.querySelectorAll('#workflow-form .step-row')[1];
        row.querySelector('[name=title]').value = 'Second';
        row.querySelector('[name=prompt]').value = 'true';
        row.querySelector('[name=dependsOn]').value = 'nowhere';
        """);
    console.photograph("console-workflows.png");
    console.browser.click(console.browser.findElement("#workflow-create"));

    console.awaitPage("the refusal by its field", "return !!document.querySelector('#workflow-form .step-row[data-index=\"1\"] .field-error')");
    assertThat((String) console.script("return document.querySelector('#workflow-form .step-row[data-index=\"1\"] .field-error').textContent"))
        .contains("steps[1].dependsOn");
    assertThat(console.script("return document.querySelector('#workflow-form .step-row[data-index=\"1\"] [name=dependsOn]')"
        + ".getAttribute('aria-invalid')")).isEqualTo("true");
    assertThat(console.script("return document.activeElement.name")).as("the field named has the focus").isEqualTo("dependsOn");

    // Put right, the form creates it and opens its page.
    console.script("document.querySelectorAll('#workflow-form .step-row')[1].querySelector('[name=dependsOn]').value = 'step1'");
    console.browser.click(console.browser.findElement("#workflow-create"));
    console.awaitPage("the new workflow's page", "return document.getElementById('workflow-name')?.textContent === 'Broken'"
        + " && document.querySelectorAll('#workflow-dag .dag-edge').length === 1");
  }

  @Test
  @Order(3)
  void triggersAreAddedAndDeletedAndAWebhooksSecretIsShownOnce() {
    String id = console.api.post("/api/workflows", console.token, new JsonObject().put("name", "Triggered")
        .put("steps", new JsonArray().add(step("only", "true")))).json().getString("id");
    console.browser.navigate(console.url("/workflows/" + id));
    console.awaitPage("no triggers yet", "return document.querySelector('#workflow-triggers p')?.textContent.startsWith('No triggers')");

    console.script("document.getElementById('add-trigger').open = true");
    console.browser.sendKeys(console.browser.findElement("#trigger-form input[name=schedule]"), "@daily");
    console.browser.click(console.browser.findElement("#trigger-add"));
    console.awaitPage("the cron trigger", "return !!document.querySelector('#workflow-triggers tr[data-trigger-type=cron]')");

    console.script("const t = document.getElementById('trigger-type'); t.value = 'webhook'; t.dispatchEvent(new Event('change'))");
    assertThat(console.browser.isDisplayed(console.browser.findElement("#trigger-form input[name=schedule]"))).isFalse();
    console.browser.click(console.browser.findElement("#trigger-add"));
    console.awaitPage("the webhook's secret", "return !!document.querySelector('#trigger-secret .secret')");
    console.awaitPage("the webhook listed", "return !!document.querySelector('#workflow-triggers tr[data-trigger-type=webhook]')");
    String secret = (String) console.script("return document.querySelector('#trigger-secret .secret').textContent");
    assertThat(secret).isNotBlank();
    assertThat((String) console.script("return document.getElementById('workflow-triggers').textContent")).doesNotContain(secret);
    JsonArray listed = console.api.get("/api/workflows/" + id + "/triggers", console.token).json().getJsonArray("items");
    assertThat(listed).hasSize(2);

    console.browser.click(console.browser.findElement("#workflow-triggers tr[data-trigger-type=webhook] button"));
    console.awaitPage("the webhook gone", "return !document.querySelector('#workflow-triggers tr[data-trigger-type=webhook]')"
        + " && !!document.querySelector('#workflow-triggers tr[data-trigger-type=cron]')");
    assertThat(console.api.get("/api/workflows/" + id + "/triggers", console.token).json().getJsonArray("items")).hasSize(1);

    // Paused, then deleted (asked twice, on the page) from the same page.
    console.script("document.getElementById('workflow-status').value = 'PAUSED'");
    console.browser.click(console.browser.findElement("#workflow-status-form button[type=submit]"));
    console.awaitPage("the status saved", "return document.querySelector('#workflow-status-badge .status')?.textContent === 'PAUSED'");
    assertThat(console.api.get("/api/workflows/" + id, console.token).json().getString("status")).isEqualTo("PAUSED");
    console.browser.click(console.browser.findElement("#workflow-delete-ask"));
    console.browser.click(console.browser.findElement("#workflow-delete-yes"));
    console.awaitPage("back on the list", "return location.pathname === '/workflows' && !!document.getElementById('workflow-list')");
    assertThat(console.api.get("/api/workflows/" + id, console.token).status()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void aRunIsCancelledAndRetriedFromItsPage() {
    String id = console.api.post("/api/workflows", console.token, new JsonObject().put("name", "Slow")
        .put("steps", new JsonArray().add(step("wait", "sleep 120")).add(step("after", "true", "wait")))).json().getString("id");
    String runId = console.api.post("/api/workflows/" + id + "/runs", console.token, new JsonObject()).json().getString("id");
    // A new version since the run started: the run's graph comes from its own tasks' dependencies.
    assertThat(console.api.patch("/api/workflows/" + id, console.token, new JsonObject().put("description", "v2")).status()).isEqualTo(200);
    console.browser.navigate(console.url("/workflow-runs/" + runId));
    console.awaitPage("the first step running", "return document.querySelector('#run-dag .dag-node[data-step=wait]')?.dataset.status === 'RUNNING'",
        Duration.ofSeconds(30));
    assertThat(console.script("return [...document.querySelectorAll('#run-dag .dag-edge')].map(e => e.dataset.from + '>' + e.dataset.to).join(' ')"))
        .isEqualTo("wait>after");
    assertThat(console.script("return document.getElementById('run-retry').hidden")).isEqualTo(true);

    console.browser.click(console.browser.findElement("#run-cancel"));
    console.awaitPage("the run cancelled", "return document.querySelector('#run-status .status')?.textContent === 'CANCELLED'");
    console.awaitPage("its steps cancelled", "return [...document.querySelectorAll('#run-dag .dag-node')].every(n => n.dataset.status === 'CANCELLED')");
    assertThat(console.api.get("/api/workflow-runs/" + runId, console.token).json().getString("status")).isEqualTo("CANCELLED");

    console.browser.click(console.browser.findElement("#run-retry"));
    console.awaitPage("the run going again", "return ['PENDING', 'RUNNING'].includes(document.querySelector('#run-status .status')?.textContent)");
    console.awaitPage("its first step again", "return ['QUEUED', 'RUNNING'].includes(document.querySelector('#run-dag .dag-node[data-step=wait]').dataset.status)");
    console.api.post("/api/workflow-runs/" + runId + "/cancel", console.token, null); // leaves no sleeper behind

    // A step's node is a link to its task, reached and followed with the keyboard, without a reload.
    console.script("window.sameDocument = true");
    String taskId = console.api.get("/api/workflow-runs/" + runId, console.token).json().getJsonArray("steps")
        .getJsonObject(0).getString("taskId");
    String node = console.browser.findElement("#run-dag a[href=\"/tasks/" + taskId + "\"]");
    console.script("document.querySelector('#run-dag a[href=\"/tasks/" + taskId + "\"]').focus()");
    assertThat(console.script("return document.activeElement.closest('#run-dag') !== null")).isEqualTo(true);
    console.browser.sendKeys(node, "\uE007");
    console.awaitPage("the step's task page", "return document.getElementById('task-title')?.textContent === 'Step wait'");
    assertThat(console.script("return window.sameDocument")).as("no reload").isEqualTo(true);
  }
}
