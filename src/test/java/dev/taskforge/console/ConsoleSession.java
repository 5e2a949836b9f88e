package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer;
import dev.taskforge.logs.WebDriverSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the console's browser tests stand on, as a JUnit extension of their class: a server with a
 * dispatcher, the workflow engine and registration by invite (executors {@code shell}, and
 * {@code claude} and {@code failing-claude} printing the recorded stream-json runs), a headless
 * Chromium, the admin's token for arranging through the API, and the page helpers. Each test is
 * skipped, with the reason, when Chromium or chromedriver is not installed.
 */
final class ConsoleSession implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  static final String PASSWORD = "a long enough password";
  static final Duration WAIT = Duration.ofSeconds(30);
  /** The titles of the task list's rows, in order (a script expression). */
  static final String TITLES = "[...document.querySelectorAll('#task-rows tr[data-task-id] td:nth-child(2) a')]"
      + ".map(a => a.textContent)";
  /**
   * Where the README's pictures go: target/screenshots on an ordinary run (a test run leaves the
   * checkout as it found it), docs/images with -Dtaskforge.screenshots=docs/images.
   */
  private static final Path IMAGES = Path.of(System.getProperty("taskforge.screenshots", "target/screenshots"));

  private final String adminEmail;
  ApiTestServer api;
  WebDriverSession browser;
  /** The admin's session, for arranging through the API (null until there is an admin). */
  String token;

  /** With {@code adminEmail}, the first account is made and the browser signed in as it before the tests. */
  ConsoleSession(String adminEmail) {
    this.adminEmail = adminEmail;
  }

  /** The browser starts signed out, on a server without accounts. */
  ConsoleSession() {
    this(null);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (!WebDriverSession.browserInstalled()) {
      return; // each test reports itself skipped
    }
    Path dir = Files.createTempDirectory("taskforge-console-test");
    // Executors run as an unprivileged user when the tests run as root: it must reach the scripts.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    JsonArray everyone = new JsonArray().add("admin").add("user");
    api = new ApiTestServer(context.getRequiredTestClass(), new JsonObject()
        // An instance of its own per class: a server's start kills the executor processes left by
        // its instance, and test classes may run at once in two JVMs.
        .put("instanceId", "console-" + context.getRequiredTestClass().getSimpleName())
        .put("dataDir", dir.toString())
        .put("auth", new JsonObject().put("registration", "invite"))
        .put("queue", new JsonObject().put("concurrency", 2).put("pollIntervalMs", 200).put("leaseSeconds", 30))
        .put("workflows", new JsonObject().put("pollIntervalMs", 200))
        .put("executors", new JsonObject()
            .put("default", "shell")
            .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true).put("roles", everyone))
            .put("claude", recordedAgent(dir, "success.jsonl", everyone))
            .put("failing-claude", recordedAgent(dir, "error.jsonl", everyone))));
    browser = WebDriverSession.start();
    if (adminEmail != null) {
      assertThat(api.post("/api/auth/register", null, new JsonObject().put("email", adminEmail).put("password", PASSWORD))
          .json().getString("role")).isEqualTo("ADMIN");
      signedInAs(adminEmail);
      browser.navigate(url("/ui/console/console.css")); // a page of the site, to set its cookie on
      browser.addCookie("tf_session", token, true, "Strict");
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    WebDriverSession.assumeBrowserInstalled();
  }

  @Override
  public void afterAll(ExtensionContext context) {
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

  /** A stand-in for claude that prints one recorded stream-json run. */
  private static JsonObject recordedAgent(Path dir, String fixture, JsonArray roles) throws Exception {
    Path recorded = Path.of(ConsoleSession.class.getResource("/claude-stream-json/" + fixture).toURI());
    Path script = dir.resolve("fake-claude-" + fixture.replace(".jsonl", ""));
    Files.writeString(script, "#!/bin/sh\ncat '" + recorded + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new JsonObject().put("command", script + " -p {prompt}").put("enabled", true)
        .put("format", "claude-stream-json").put("roles", roles);
  }

  /** Takes the account's session as the token for arranging through the API. */
  void signedInAs(String email) {
    token = api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", PASSWORD)).json()
        .getString("token");
  }

  String url(String path) {
    return "http://127.0.0.1:" + api.port + path;
  }

  /** A task made through the API; its id. */
  String created(JsonObject task) {
    ApiTestServer.Response r = api.post("/api/tasks", token, task);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  void awaitStatus(String taskId, String status) {
    String last = poll("task " + taskId + " " + status, Duration.ofSeconds(60),
        () -> api.get("/api/tasks/" + taskId, token).json().getString("status"), status::equals);
    assertThat(last).isEqualTo(status);
  }

  /** The id of the task's first execution, once it has one. */
  String awaitExecution(String taskId) {
    JsonArray items = poll("an execution of task " + taskId, WAIT,
        () -> api.get("/api/tasks/" + taskId + "/executions", token).json().getJsonArray("items"), a -> !a.isEmpty());
    return items.getJsonObject(items.size() - 1).getString("id");
  }

  private static <T> T poll(String what, Duration timeout, Supplier<T> read, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value = read.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last: " + value);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      value = read.get();
    }
    return value;
  }

  /** A screenshot for the README, into {@link #IMAGES}. */
  void photograph(String name) throws Exception {
    Files.createDirectories(IMAGES);
    browser.screenshot(IMAGES.resolve(name));
  }

  Object script(String js) {
    return browser.executeScript(js);
  }

  void awaitPage(String what, String condition) {
    awaitPage(what, condition, WAIT);
  }

  /** Polls a script until it returns true; on timeout fails with what the page shows, its console and a screenshot. */
  void awaitPage(String what, String condition, Duration timeout) {
    browser.await(what, condition, timeout, this::pageState);
  }

  private String pageState() {
    return browser.describe("return JSON.stringify({url: location.href, h1: document.querySelector('h1')?.textContent,"
        + " errors: [...document.querySelectorAll('.error')].map(e => e.textContent),"
        + " toast: document.getElementById('toast')?.textContent})");
  }
}
