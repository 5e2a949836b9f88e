package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console in a real headless Chromium, from a server with no account: signing up (the first
 * account is the admin; then an invite is asked for) and in by keyboard, the dashboard (queues,
 * charts, failures, tokens and cost; photographed for the README), an admin promoting a user, and
 * the project and API-token pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  @RegisterExtension
  static final ConsoleSession console = new ConsoleSession();
  private static final String EMAIL = "first@example.com";
  /** The WebDriver key code of Enter. */
  private static final String ENTER = "\uE007";

  @Test
  @Order(1)
  void theFirstAccountSignsUpAsAdminThenSignsOutAndBackIn() {
    console.browser.navigate(console.url("/"));
    console.awaitPage("the sign-up form", "return !!document.getElementById('sign-up')");
    assertThat(console.script("return document.getElementById('sign-up-lead').textContent")).asString().contains("admin");
    assertThat(console.script("return !!document.getElementById('sign-up-invite')")).as("the first account needs no invite").isEqualTo(false);

    console.browser.sendKeys(console.browser.findElement("#sign-up-email"), EMAIL);
    console.browser.sendKeys(console.browser.findElement("#sign-up-password"), ConsoleSession.PASSWORD);
    console.browser.click(console.browser.findElement("#sign-up-submit"));
    console.awaitPage("the dashboard", "return document.querySelector('#page h1')?.textContent === 'Dashboard'");
    assertThat(console.script("return document.getElementById('nav-admin').hidden")).as("the first account is the admin").isEqualTo(false);
    console.signedInAs(EMAIL);

    console.browser.click(console.browser.findElement("#sign-out"));
    console.awaitPage("the sign-in form", "return !!document.getElementById('sign-in') && document.getElementById('top').hidden");
    assertThat(console.script("return !!document.getElementById('sign-up-invite')")).as("now an account needs an invite").isEqualTo(true);
    console.browser.sendKeys(console.browser.findElement("#sign-in-email"), EMAIL);
    console.browser.sendKeys(console.browser.findElement("#sign-in-password"), "not the password");
    console.browser.click(console.browser.findElement("#sign-in-submit"));
    console.awaitPage("the refusal", "return document.getElementById('auth-error').textContent.length > 0");

    console.script("document.getElementById('sign-in-password').value = ''");
    console.browser.sendKeys(console.browser.findElement("#sign-in-password"), ConsoleSession.PASSWORD + ENTER); // the keyboard alone signs in
    console.awaitPage("the dashboard again", "return document.querySelector('#page h1')?.textContent === 'Dashboard'");
    console.awaitPage("the live feed", "return window.taskforgeConsole.feed.connected");
  }

  @Test
  @Order(2)
  void theDashboardDrawsItsChartsAndListsTheQueues() throws Exception {
    // A job that waits an hour: its queue has something to show.
    console.created(new JsonObject().put("title", "Nightly report").put("prompt", "true")
        .put("scheduledAt", Instant.now().plusSeconds(3600).toString()));
    TestDatabase.execute(console.api.db, """
        INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, queue_name)
        SELECT now() - make_interval(mins => i), 'COUNTER', m, (i %% 7) + (CASE WHEN m = 'queue.jobs_failed' THEN 0 ELSE 5 END),
               'jobs', 'default'
          FROM generate_series(1, 55) AS i, unnest(ARRAY['queue.jobs_completed', 'queue.jobs_failed']) AS m;
        INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, queue_name)
        SELECT now() - make_interval(mins => i), 'TIMER', 'queue.wait_time', 2 + (i %% 5), 'seconds', 'default'
          FROM generate_series(1, 55) AS i;
        """.formatted());
    // An agent's run (its result's tokens and cost) and a failure, for the tiles and the failure list.
    String agent = console.created(new JsonObject().put("title", "Tidy the lexer").put("prompt", "tidy up")
        .put("config", new JsonObject().put("executor", "claude")));
    String broken = console.created(new JsonObject().put("title", "Broken build").put("prompt", "echo 'make: *** [all] Error 2' >&2; exit 2")
        .put("config", new JsonObject().put("maxAttempts", 1)));
    console.awaitStatus(agent, "COMPLETED");
    console.awaitStatus(broken, "FAILED");
    console.browser.navigate(console.url("/"));

    console.awaitPage("today's tokens and cost", "return document.querySelector('#tokens-today .tile-value')?.textContent === '106,989'");
    assertThat(console.script("return document.querySelector('#cost-today .tile-value').textContent")).isEqualTo("$0.1187");
    assertThat(console.script("return document.querySelector('#tokens-month .tile-value').textContent")).isEqualTo("106,989");
    console.awaitPage("the failure listed", "return [...document.querySelectorAll('#failures li a')].some(a => a.textContent === 'Broken build')");
    console.awaitPage("two charts", "return document.querySelectorAll('#charts figure').length === 2");
    JsonObject charts = (JsonObject) console.script("""
        const figures = [...document.querySelectorAll('#charts figure')];
        return {lines: figures.map(f => Number(f.dataset.lines)),
                longest: Math.max(...[...document.querySelectorAll('#charts svg path.line')].map(p => p.getAttribute('d').split('L').length))};
        """);
    assertThat(charts.getJsonArray("lines").getList()).as(charts.encode()).containsExactly(2, 1);
    assertThat(charts.getInteger("longest")).as("a line through many points").isGreaterThan(20);
    console.awaitPage("the queue table", "return !!document.querySelector('#queues tr[data-queue]')");
    assertThat(console.script("return document.querySelector('#queues tr[data-queue] .status').textContent"))
        .isIn("OK", "DEGRADED", "STALLED");

    console.browser.click(console.browser.findElement("button[data-range=week]"));
    console.awaitPage("the week's charts", "return document.querySelector('#charts figure svg')?.textContent.includes('') "
        + "&& document.querySelector('button[data-range=week]').getAttribute('aria-pressed') === 'true'");
    console.browser.click(console.browser.findElement("button[data-range=hour]"));
    console.awaitPage("the hour's charts again", "return document.querySelectorAll('#charts path.line').length === 3");
    console.photograph("console-dashboard.png");
  }

  @Test
  @Order(3)
  void anAdminPromotesAUser() {
    String code = console.api.post("/api/invites", console.token, new JsonObject().put("note", "helper")).json().getString("code");
    assertThat(console.api.post("/api/auth/register", null, new JsonObject().put("email", "helper@example.com")
        .put("password", ConsoleSession.PASSWORD).put("inviteCode", code)).status()).isEqualTo(201);
    console.browser.navigate(console.url("/admin/users"));
    String row = "tr[data-user-email=\"helper@example.com\"]";
    console.awaitPage("the helper's row", "return !!document.querySelector('" + row + "')");
    assertThat(console.script("return document.querySelector('" + row + " .role').textContent")).isEqualTo("USER");

    console.browser.click(console.browser.findElement(row + " button.promote"));

    console.awaitPage("the helper an admin", "return document.querySelector('" + row + " .role')?.textContent === 'ADMIN'");
    String helper = console.api.post("/api/auth/login", null, new JsonObject().put("email", "helper@example.com")
        .put("password", ConsoleSession.PASSWORD)).json().getString("token");
    assertThat(console.api.get("/api/users/me", helper).json().getString("role")).isEqualTo("ADMIN");
  }

  @Test
  @Order(4)
  void aProjectAndAnApiTokenAreMadeFromTheirPagesAndTheTokenIsShownOnce() {
    console.browser.navigate(console.url("/projects"));
    console.awaitPage("the project form", "return !!document.getElementById('project-form')");
    console.browser.sendKeys(console.browser.findElement("#project-form input[name=name]"), "Parser rewrite");
    console.browser.click(console.browser.findElement("#project-form button[type=submit]"));
    console.awaitPage("the project listed", "return [...document.querySelectorAll('#project-list a')].some(a => a.textContent === 'Parser rewrite')");
    console.browser.click(console.browser.findElement("#project-list tr[data-project-id] a"));
    console.awaitPage("the project's page", "return document.querySelector('#page h1')?.textContent === 'Parser rewrite'");
    console.awaitPage("its usage", "return document.querySelector('#project-usage p')?.textContent.startsWith('Last 30 days')");
    console.browser.click(console.browser.findElement("#project-new-task summary"));
    console.browser.sendKeys(console.browser.findElement("#project-new-task input[name=title]"), "Write the grammar");
    console.browser.sendKeys(console.browser.findElement("#project-new-task textarea[name=prompt]"), "true");
    console.browser.click(console.browser.findElement("#project-new-task button[type=submit]"));
    console.awaitPage("the task in the project", "return [...document.querySelectorAll('#project-tasks a')].some(a => a.textContent === 'Write the grammar')");

    console.browser.navigate(console.url("/tokens"));
    console.awaitPage("the token form", "return !!document.getElementById('token-form')");
    console.browser.sendKeys(console.browser.findElement("#token-form input[name=name]"), "ci");
    console.browser.click(console.browser.findElement("#token-form button[type=submit]"));
    console.awaitPage("the new token, once", "return document.querySelector('#new-token .secret')?.textContent.length > 20");
    String shown = (String) console.script("return document.querySelector('#new-token .secret').textContent");
    assertThat(console.api.get("/api/users/me", shown).status()).as("the token shown works").isEqualTo(200);

    console.browser.click(console.browser.findElement("tr[data-token-name=ci] button"));
    console.awaitPage("the token revoked", "return !document.querySelector('tr[data-token-name=ci]')");
    assertThat(console.api.get("/api/users/me", shown).status()).isEqualTo(401);
  }
}
