package dev.taskforge.console;

import static dev.taskforge.console.ConsoleSession.TITLES;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The task list in a real headless Chromium: filters and full-text search, cancelling and retrying
 * the selected tasks, the create form with every field, "load more" on the cursor, and catching up
 * with what changed while its live socket was down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskListBrowserTest {
  @RegisterExtension
  static final ConsoleSession console = new ConsoleSession("lists@example.com");

  @Test
  @Order(1)
  void theListFiltersAndSearches() {
    console.created(new JsonObject().put("title", "Fix the parser's escapes").put("prompt", "true").put("tags", new JsonArray().add("filtering").add("backend")).put("priority", "HIGH"));
    console.created(new JsonObject().put("title", "Update the docs").put("prompt", "true").put("tags", new JsonArray().add("filtering").add("docs")).put("priority", "LOW"));
    console.created(new JsonObject().put("title", "Clean up the parser tests").put("prompt", "true").put("tags", new JsonArray().add("filtering").add("backend")).put("priority", "LOW"));
    console.browser.navigate(console.url("/tasks"));
    console.awaitPage("the list", "return document.querySelectorAll('#task-rows tr[data-task-id]').length === 3");

    console.browser.sendKeys(console.browser.findElement("#filter-q"), "parser");
    console.awaitPage("the search's two tasks", "return titles().length === 2".replace("titles()", TITLES));
    assertThat(((JsonArray) console.script("return " + TITLES)).getList()).allSatisfy(t -> assertThat((String) t).contains("parser"));
    assertThat(console.browser.currentUrl()).contains("q=parser");

    console.script("document.getElementById('filter-q').value = ''");
    console.browser.sendKeys(console.browser.findElement("#filter-tag"), "docs");
    console.browser.click(console.browser.findElement("#filters button[type=submit]"));
    console.awaitPage("the docs task alone", "const t = " + TITLES + "; return t.length === 1 && t[0] === 'Update the docs'");

    console.script("const t = document.getElementById('filter-tag'); t.value = 'backend';"
        + "const p = document.getElementById('filter-priority'); p.value = 'HIGH'; p.dispatchEvent(new Event('change', {bubbles: true}))");
    console.awaitPage("the one high-priority backend task", "const t = " + TITLES + "; return t.length === 1 && t[0] === \"Fix the parser's escapes\"");
    assertThat(console.browser.currentUrl()).contains("priority=HIGH").contains("tag=backend");
  }

  @Test
  @Order(2)
  void theSelectedTasksAreCancelledAndRetriedFromTheList() {
    String later = Instant.now().plusSeconds(3600).toString();
    String one = console.created(new JsonObject().put("title", "Later one").put("prompt", "true").put("scheduledAt", later)
        .put("tags", new JsonArray().add("bulk")));
    String two = console.created(new JsonObject().put("title", "Later two").put("prompt", "true").put("scheduledAt", later)
        .put("tags", new JsonArray().add("bulk")));
    console.browser.navigate(console.url("/tasks?tag=bulk"));
    console.awaitPage("the two tasks", "return " + TITLES + ".length === 2");

    console.browser.click(console.browser.findElement("#select-all"));
    console.browser.click(console.browser.findElement("#cancel-selected"));
    console.awaitPage("both cancelled", "return [...document.querySelectorAll('#task-rows .status')].every(s => s.textContent === 'CANCELLED')");
    assertThat(console.api.get("/api/tasks/" + one, console.token).json().getString("status")).isEqualTo("CANCELLED");

    console.browser.click(console.browser.findElement("tr[data-task-id=\"" + two + "\"] input[type=checkbox]"));
    console.browser.click(console.browser.findElement("#retry-selected"));
    console.awaitPage("the second queued again", "return document.querySelector('tr[data-task-id=\"" + two + "\"] .status').textContent !== 'CANCELLED'");
    assertThat(console.api.get("/api/tasks/" + two, console.token).json().getString("status")).isNotEqualTo("CANCELLED");
    assertThat(console.api.get("/api/tasks/" + one, console.token).json().getString("status")).isEqualTo("CANCELLED");
  }

  @Test
  @Order(3)
  void theCreateFormMakesATaskWithEveryFieldAndLoadMoreFollowsTheCursor() {
    String groundwork = console.created(new JsonObject().put("title", "Groundwork").put("prompt", "true"));
    JsonArray many = new JsonArray();
    for (int i = 0; i < 60; i++) {
      many.add(new JsonObject().put("title", "Paged " + i).put("prompt", "true").put("tags", new JsonArray().add("paged"))
          .put("scheduledAt", Instant.now().plusSeconds(7200).toString()));
    }
    assertThat(console.api.post("/api/tasks/bulk", console.token, new JsonObject().put("tasks", many)).status()).isEqualTo(201);
    console.browser.navigate(console.url("/tasks?tag=paged"));
    console.awaitPage("the first page", "return " + TITLES + ".length === 50");
    assertThat(console.script("return document.getElementById('load-more').hidden")).isEqualTo(false);
    console.browser.click(console.browser.findElement("#load-more"));
    console.awaitPage("the rest", "return " + TITLES + ".length === 60");
    assertThat(console.script("return document.getElementById('load-more').hidden")).isEqualTo(true);
    assertThat(((JsonArray) console.script("return " + TITLES)).stream().distinct().count()).isEqualTo(60);

    console.browser.click(console.browser.findElement("#create-task summary"));
    String form = "#task-form ";
    console.browser.sendKeys(console.browser.findElement(form + "input[name=title]"), "Made in the form");
    console.browser.sendKeys(console.browser.findElement(form + "textarea[name=prompt]"), "true");
    console.script("document.querySelector('" + form + "select[name=priority]').value = 'CRITICAL'");
    console.browser.sendKeys(console.browser.findElement(form + "input[name=tags]"), "paged, form");
    console.browser.sendKeys(console.browser.findElement(form + "input[name=executor]"), "shell");
    console.script("document.querySelector('" + form + "input[name=scheduledAt]').value = '2099-01-02T03:04'");
    console.browser.sendKeys(console.browser.findElement(form + "input[name=dependsOn]"), groundwork);
    console.browser.click(console.browser.findElement(form + "button[type=submit]"));

    console.awaitPage("the new task in the list", "return " + TITLES + ".includes('Made in the form')");
    JsonObject made = console.api.get("/api/tasks?tag=form", console.token).json().getJsonArray("items").getJsonObject(0);
    assertThat(made.getString("priority")).isEqualTo("CRITICAL");
    assertThat(made.getJsonArray("tags").getList()).containsExactly("paged", "form");
    assertThat(made.getJsonObject("config").getString("executor")).isEqualTo("shell");
    assertThat(made.getString("scheduledAt")).startsWith("2099-01-0");
    assertThat(console.api.get("/api/tasks/" + made.getString("id") + "/dependencies", console.token).json().getJsonArray("items")
        .getJsonObject(0).getString("dependsOnId")).isEqualTo(groundwork);
  }

  @Test
  @Order(4)
  void afterItsSocketDropsTheListReadsAgainWhatChangedMeanwhile() {
    console.browser.navigate(console.url("/tasks?tag=resume"));
    console.awaitPage("the live feed", "return window.taskforgeConsole.feed.connected");
    long reconnects = ((Number) console.script("return window.taskforgeConsole.feed.reconnects")).longValue();

    console.script("window.taskforgeConsole.feed.drop()");
    console.created(new JsonObject().put("title", "Made while away").put("prompt", "true").put("tags", new JsonArray().add("resume"))
        .put("scheduledAt", Instant.now().plusSeconds(7200).toString()));

    console.awaitPage("the feed back", "return window.taskforgeConsole.feed.reconnects > " + reconnects
        + " && window.taskforgeConsole.feed.connected");
    console.awaitPage("the task made meanwhile", "return " + TITLES + ".includes('Made while away')");
  }
}
