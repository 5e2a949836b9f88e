package dev.taskforge.logs;

import dev.taskforge.http.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A tiny W3C WebDriver client: a chromedriver child process on a free port, one headless Chromium
 * session in a fresh profile, and the handful of commands the browser tests need. No Selenium.
 */
public final class WebDriverSession implements AutoCloseable {
  /** Where Debian puts Chromium and its driver; the browser tests skip themselves without them. */
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** The W3C name of a web element's id in JSON. */
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Process driver;
  private final Path profile;
  private final Path driverLog;
  private final String base;
  private final String sessionId;

  /** A W3C error answered by the driver (no such element, script error, timeout, ...). */
  public static final class WebDriverException extends RuntimeException {
    final String error;

    WebDriverException(String error, String message) {
      super(error + ": " + message);
      this.error = error;
    }
  }

  private WebDriverSession(Process driver, Path profile, Path driverLog, String base, String sessionId) {
    this.driver = driver;
    this.profile = profile;
    this.driverLog = driverLog;
    this.base = base;
    this.sessionId = sessionId;
  }

  /** Whether Chromium and chromedriver are installed. */
  public static boolean browserInstalled() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Skips the calling test, with the reason, when there is no browser to drive. */
  public static void assumeBrowserInstalled() {
    Assumptions.assumeTrue(browserInstalled(), "skipped: the browser test needs " + CHROMIUM
        + " and " + CHROMEDRIVER + " (Debian: apt-get install -y chromium chromium-driver)");
  }

  /** A session in the installed headless Chromium. */
  public static WebDriverSession start() throws IOException, InterruptedException {
    return start(CHROMEDRIVER, CHROMIUM);
  }

  /** Starts chromedriver and a headless Chromium session; everything started is stopped again on failure. */
  public static WebDriverSession start(Path chromedriver, Path chromium) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("taskforge-chromium-profile");
    Path driverLog = Files.createTempFile("taskforge-chromedriver", ".log");
    int port = FreePorts.free();
    Process driver = new ProcessBuilder(chromedriver.toString(), "--port=" + port, "--log-level=WARNING")
        .redirectErrorStream(true)
        .redirectOutput(driverLog.toFile())
        .start();
    String base = "http://127.0.0.1:" + port;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitReady(http, base, driver, driverLog);
      JsonObject chromeOptions = new JsonObject()
          .put("binary", chromium.toString())
          .put("args", new JsonArray(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--window-size=1280,800", "--user-data-dir=" + profile)));
      JsonObject capabilities = new JsonObject().put("alwaysMatch", new JsonObject()
          .put("browserName", "chrome")
          .put("pageLoadStrategy", "normal")
          .put("timeouts", new JsonObject().put("script", 30_000).put("pageLoad", 30_000).put("implicit", 0))
          .put("goog:loggingPrefs", new JsonObject().put("browser", "ALL"))
          .put("goog:chromeOptions", chromeOptions));
      JsonObject created = (JsonObject) call(http, "POST", base + "/session",
          new JsonObject().put("capabilities", capabilities), Duration.ofSeconds(60));
      return new WebDriverSession(driver, profile, driverLog, base, created.getString("sessionId"));
    } catch (IOException | InterruptedException | RuntimeException e) {
      stopProcess(driver);
      deleteTree(profile);
      throw e;
    }
  }

  private static void awaitReady(HttpClient http, String base, Process driver, Path driverLog)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!driver.isAlive()) {
        throw new IllegalStateException("chromedriver exited with " + driver.exitValue() + ": " + Files.readString(driverLog));
      }
      try {
        JsonObject status = (JsonObject) call(http, "GET", base + "/status", null, Duration.ofSeconds(2));
        if (status.getBoolean("ready", false)) {
          return;
        }
      } catch (IOException | RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("chromedriver did not become ready in 20 s: " + Files.readString(driverLog));
  }

  // ---------------------------------------------------------------- commands

  public void navigate(String url) {
    command("POST", "/url", new JsonObject().put("url", url));
  }

  public String currentUrl() {
    return (String) command("GET", "/url", null);
  }

  /**
   * Runs a script as the body of a function (use {@code return}); the result is decoded from JSON:
   * JsonObject, JsonArray, Number, String, Boolean or null.
   */
  public Object executeScript(String script, Object... args) {
    return command("POST", "/execute/sync", new JsonObject().put("script", script).put("args", new JsonArray(List.of(args))));
  }

  /** Runs an asynchronous script; it finishes by calling its last argument with the result. */
  public Object executeAsync(String script, Object... args) {
    return command("POST", "/execute/async", new JsonObject().put("script", script).put("args", new JsonArray(List.of(args))));
  }

  /** Adds a cookie for the current page's site (navigate to the site first). */
  public void addCookie(String name, String value, boolean httpOnly, String sameSite) {
    command("POST", "/cookie", new JsonObject().put("cookie", new JsonObject()
        .put("name", name).put("value", value).put("path", "/").put("httpOnly", httpOnly).put("sameSite", sameSite)));
  }

  /** The id of the first element matching a CSS selector. */
  public String findElement(String css) {
    JsonObject found = (JsonObject) command("POST", "/element", new JsonObject().put("using", "css selector").put("value", css));
    return found.getString(ELEMENT);
  }

  public void sendKeys(String element, String text) {
    command("POST", "/element/" + element + "/value", new JsonObject().put("text", text));
  }

  public void click(String element) {
    command("POST", "/element/" + element + "/click", new JsonObject());
  }

  public boolean isDisplayed(String element) {
    return Boolean.TRUE.equals(command("GET", "/element/" + element + "/displayed", null));
  }

  /** The browser console since the last call (chromedriver's own extension; empty if unsupported). */
  public List<String> browserLog() {
    try {
      JsonArray entries = (JsonArray) command("POST", "/se/log", new JsonObject().put("type", "browser"));
      return entries.stream().map(JsonObject.class::cast)
          .map(e -> e.getString("level") + " " + e.getString("message")).toList();
    } catch (RuntimeException unsupported) {
      return List.of();
    }
  }

  /** A PNG screenshot of the viewport, for looking at a failure. */
  public void screenshot(Path file) throws IOException {
    String base64 = (String) command("GET", "/screenshot", null);
    Files.write(file, Base64.getDecoder().decode(base64));
  }

  private Object command(String method, String path, JsonObject body) {
    try {
      return call(http, method, base + "/session/" + sessionId + path, body, Duration.ofSeconds(60));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " " + path + " interrupted", e);
    }
  }

  private static Object call(HttpClient http, String method, String url, JsonObject body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonObject answer = response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
    Object value = answer.getValue("value");
    if (response.statusCode() >= 400) {
      JsonObject error = value instanceof JsonObject o ? o : new JsonObject();
      throw new WebDriverException(error.getString("error", "HTTP " + response.statusCode()),
          error.getString("message", response.body()));
    }
    return value;
  }

  /**
   * Polls a script until it returns true; on timeout fails naming what was awaited, with
   * {@code pageState} (what the page says of itself, the console, a screenshot). A script error
   * while the page is still loading counts as "not yet".
   */
  public void await(String what, String condition, Duration timeout, Supplier<String> pageState) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(executeScript(condition))) {
          return;
        }
        last = null;
      } catch (WebDriverException e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; page: " + pageState.get()
        + (last == null ? "" : "; last script error: " + last.getMessage()));
  }

  /**
   * What a failing test should say of the page: what {@code pageScript} answers (the page's own
   * account of itself), the browser console, and a screenshot's file.
   */
  public String describe(String pageScript) {
    StringBuilder s = new StringBuilder();
    try {
      s.append(executeScript(pageScript));
      s.append("; console: ").append(browserLog());
      Path shot = Files.createTempFile("browser-test-failure", ".png");
      screenshot(shot);
      s.append("; screenshot: ").append(shot);
    } catch (IOException | RuntimeException e) {
      s.append(" (could not read the page: ").append(e.getMessage()).append(')');
    }
    return s.toString();
  }

  // ---------------------------------------------------------------- shutdown

  /** Quits the browser, stops chromedriver and removes the profile; safe to call more than once. */
  @Override
  public void close() {
    try {
      call(http, "DELETE", base + "/session/" + sessionId, null, Duration.ofSeconds(20));
    } catch (IOException | RuntimeException e) {
      // the driver or browser is gone already: the process kill below cleans up
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopProcess(driver);
      deleteTree(profile);
      try {
        Files.deleteIfExists(driverLog);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }

  String driverLog() {
    try {
      return Files.readString(driverLog);
    } catch (IOException e) {
      return "(no chromedriver log: " + e.getMessage() + ")";
    }
  }

  private static void stopProcess(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir; the OS cleans up
    }
  }

}
