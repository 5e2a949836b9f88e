package dev.taskforge.app;

import dev.taskforge.http.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Taskforge server (or sub-command) run as a separate JVM, exactly as {@code java -jar} runs it,
 * so that tests can kill it, signal it and start a second one beside it.
 */
final class ServerProcess {
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final Path output;
  final int port;

  private ServerProcess(Process process, Path output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
  }

  static ServerProcess start(Path dataDir, Map<String, String> env, String... args) throws IOException {
    int port = FreePorts.free();
    Path output = Files.createTempFile("taskforge-process", ".log");
    output.toFile().deleteOnExit();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TASKFORGE_"));
    builder.environment().put("TASKFORGE_DATA_DIR", dataDir.toString());
    builder.environment().put("TASKFORGE_HTTP_PORT", Integer.toString(port));
    builder.environment().putAll(env);
    return new ServerProcess(builder.start(), output, port);
  }

  /** Runs a sub-command to its end and returns its exit code. */
  static Finished run(Path dataDir, Map<String, String> env, String... args) throws Exception {
    ServerProcess p = start(dataDir, env, args);
    if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
      p.process.destroyForcibly();
      throw new AssertionError("command did not finish: " + String.join(" ", args) + "\n" + p.output());
    }
    return new Finished(p.process.exitValue(), p.output());
  }

  record Finished(int exitCode, String output) {}

  /** Stops the server as an operator would (SIGTERM) and waits; true when it exited within a minute. */
  boolean stop() throws InterruptedException {
    process.destroy();
    return process.waitFor(60, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(path, null);
  }

  /** GETs {@code path} as {@code token}'s holder, or anonymously when it is null. */
  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs JSON (as {@code token}'s holder, when given) and returns the body; a status from 300 on fails. */
  String post(String path, String token, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = send(path, token, body);
    if (r.statusCode() >= 300) {
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** POSTs JSON (as {@code token}'s holder, when given) and returns the answer, whatever its status. */
  HttpResponse<String> send(String path, String token, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Registers {@code email} and logs in; returns the session token. */
  String register(String email) throws IOException, InterruptedException {
    String credentials = "{\"email\":\"" + email + "\",\"password\":\"a long password\"}";
    post("/api/auth/register", null, credentials);
    return post("/api/auth/login", null, credentials).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  /** The ready check's status code, or -1 while nothing listens. */
  int readyStatus() {
    try {
      return get("/health/ready").statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  /** Waits until /health/ready answers 200; fails with the server's output if it exits or times out. */
  ServerProcess awaitReady(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + ":\n" + output());
      }
      if (readyStatus() == 200) {
        return this;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not ready within " + limit + ":\n" + output());
  }

  String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
