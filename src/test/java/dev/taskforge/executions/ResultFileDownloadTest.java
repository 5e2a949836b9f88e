package dev.taskforge.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A result file downloads as the contract says: the media type it declares, as an attachment,
 * with its SHA-256 as ETag, whatever the file's own type. A page an agent wrote is never served
 * as text/html from the server's origin; its type stays in the file's metadata.
 */
class ResultFileDownloadTest {
  private static final String FILE_PATH = "/api/executions/{executionId}/files/{fileId}";
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("taskforge-file-download");
    // Executors run as an unprivileged user when the tests run as root: it must reach the data dir.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    api = new ApiTestServer(ResultFileDownloadTest.class, new JsonObject()
        .put("instanceId", "file-download-test")
        .put("dataDir", dir.toString())
        .put("queue", new JsonObject().put("pollIntervalMs", 500))
        .put("executors", new JsonObject().put("default", "shell")
            .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true)
                .put("roles", new JsonArray().add("admin").add("user")))));
    token = api.newUserToken("downloader@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** Runs a task writing the two files; answers its execution's files by path. */
  private static Map<String, JsonObject> filesOfATaskThatWroteAPageAndNotes() {
    String id = api.post("/api/tasks", token, new JsonObject().put("title", "write files").put("prompt",
        "printf '<script>alert(1)</script>' > \"$TASKFORGE_OUTPUT_DIR/page.html\" && "
            + "printf '# Notes' > \"$TASKFORGE_OUTPUT_DIR/notes.md\"")).json().getString("id");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> "COMPLETED".equals(api.get("/api/tasks/" + id, token).json().getString("status")));
    String execution = api.get("/api/tasks/" + id + "/executions", token).json().getJsonArray("items")
        .getJsonObject(0).getString("id");
    return api.get("/api/executions/" + execution, token).json().getJsonArray("results").getJsonObject(0)
        .getJsonArray("files").stream().map(JsonObject.class::cast)
        .map(f -> f.copy().put("url", FILE_PATH.replace("{executionId}", execution).replace("{fileId}", f.getString("id"))))
        .collect(Collectors.toMap(f -> f.getString("path"), f -> f));
  }

  private static JsonObject declaredAnswer() {
    return api.get("/openapi.json", null).json().getJsonObject("paths").getJsonObject(FILE_PATH)
        .getJsonObject("get").getJsonObject("responses").getJsonObject("200");
  }

  @Test
  void aResultFileDownloadsWithTheContentTypeAndHeadersTheContractDeclares() {
    JsonObject declared = declaredAnswer();
    List<String> declaredTypes = List.copyOf(declared.getJsonObject("content").fieldNames());
    Map<String, JsonObject> files = filesOfATaskThatWroteAPageAndNotes();

    assertThat(declaredTypes).containsExactly("application/octet-stream");
    assertThat(declared.getJsonObject("headers").fieldNames()).contains("Content-Disposition", "ETag");
    assertThat(files).containsOnlyKeys("page.html", "notes.md");
    for (JsonObject file : files.values()) {
      Response download = api.get(file.getString("url"), token);

      assertThat(download.status()).as(download.text()).isEqualTo(200);
      assertThat(download.headers().get("content-type")).as(file.getString("path")).isIn(declaredTypes);
      assertThat(download.headers().get("content-disposition"))
          .isEqualTo("attachment; filename=\"" + file.getString("path") + "\"");
      assertThat(download.headers().get("etag")).isEqualTo("\"" + file.getString("sha256") + "\"");
      assertThat(download.headers().get("x-content-type-options")).isEqualTo("nosniff");
    }
    assertThat(api.get(files.get("page.html").getString("url"), token).text())
        .isEqualTo("<script>alert(1)</script>");
  }

  @Test
  void theFilesOwnMediaTypeIsKeptInItsMetadata() {
    Map<String, JsonObject> files = filesOfATaskThatWroteAPageAndNotes();

    assertThat(files.get("page.html").getString("contentType")).isEqualTo("text/html");
    assertThat(files.get("notes.md").getString("contentType")).isEqualTo("text/markdown");
  }
}
