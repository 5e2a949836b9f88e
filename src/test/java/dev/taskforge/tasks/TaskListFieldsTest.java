package dev.taskforge.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import dev.taskforge.queue.TaskField;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listing's {@code fields=} answers only the fields asked for (and the id), each with the value
 * the whole task has; the filters, sort and pages are those of the listing without it. Every
 * answer is checked against the OpenAPI contract by the test client.
 */
class TaskListFieldsTest {
  private static ApiTestServer api;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(TaskListFieldsTest.class);
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
    for (int i = 0; i < 7; i++) {
      api.createTask(alice, ApiTestServer.taskBody("alice " + i)
          .put("tags", new JsonArray().add("team").add("n" + i))
          .put("description", i % 2 == 0 ? "even \"quoted\" ünïcode" : null)
          .put("config", new JsonObject().put("timeoutSeconds", 60 + i))
          .put("priority", i % 2 == 0 ? "HIGH" : "LOW"));
      api.createTask(bob, ApiTestServer.taskBody("bob " + i).put("tags", new JsonArray().add("team")));
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void itemsCarryOnlyTheFieldsAskedForAndTheId() {
    JsonArray items = list("/api/tasks?fields=title,status,tags,updatedAt").getJsonArray("items");

    assertThat(items).hasSize(7);
    for (int i = 0; i < items.size(); i++) {
      assertThat(items.getJsonObject(i).fieldNames()).containsExactlyInAnyOrder("id", "title", "status", "tags",
          "updatedAt");
    }
  }

  @Test
  void eachFieldHasTheValueOfTheWholeTask() {
    JsonArray whole = list("/api/tasks?sort=title&order=asc").getJsonArray("items");
    JsonArray some = list("/api/tasks?sort=title&order=asc&fields=title,description,config,priority,createdAt,"
        + "startedAt,version").getJsonArray("items");

    assertThat(some).hasSize(whole.size());
    for (int i = 0; i < whole.size(); i++) {
      JsonObject task = whole.getJsonObject(i);
      JsonObject part = some.getJsonObject(i);
      for (String field : part.fieldNames()) {
        assertThat(part.getValue(field)).as(field).isEqualTo(task.getValue(field));
      }
      assertThat(part.fieldNames()).hasSize(8);
    }
  }

  @Test
  void everyFieldAskedForIsTheWholeAnswerToTheLetter() {
    String every = Arrays.stream(TaskField.values()).map(TaskField::wireName).collect(Collectors.joining(","));

    assertThat(api.get("/api/tasks?sort=title&fields=" + every, alice).text())
        .isEqualTo(api.get("/api/tasks?sort=title", alice).text());
  }

  @Test
  void theParameterMayBeRepeatedAndNameTheIdItself() {
    JsonArray items = list("/api/tasks?fields=id&fields=priority,title").getJsonArray("items");

    assertThat(items.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("id", "priority", "title");
    assertThat(list("/api/tasks?fields=id").getJsonArray("items").getJsonObject(0).fieldNames())
        .containsExactly("id");
  }

  @Test
  void filtersSortAndPagesAreThoseOfTheWholeListing() {
    String query = "/api/tasks?tag=team&priority=HIGH&sort=title&order=desc&limit=2";
    assertThat(pagesOfIds(query + "&fields=title")).isEqualTo(pagesOfIds(query)).hasSize(2);
  }

  @Test
  void anotherUsersTasksStayOut() {
    JsonArray items = list("/api/tasks?fields=title,ownerId").getJsonArray("items");
    Set<String> titles = new java.util.HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      titles.add(items.getJsonObject(i).getString("title"));
    }

    assertThat(titles).allMatch(title -> title.startsWith("alice "));
  }

  @Test
  void anUnknownOrEmptyFieldNameIsRefusedNamingTheParameter() {
    for (String fields : List.of("title,colour", "prompt,,title", "", "Title", "title,search")) {
      Response r = api.get("/api/tasks?fields=" + fields, alice);
      assertThat(r.status()).as(fields).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field")).as(fields).isEqualTo("fields");
    }
    Response unknown = api.get("/api/tasks?fields=colour", alice);
    assertThat(unknown.json().getJsonObject("error").getString("message")).contains("colour", "updatedAt");
  }

  private static JsonObject list(String path) {
    Response r = api.get(path, alice);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  /** The ids of every page of the listing, page by page. */
  private static List<List<String>> pagesOfIds(String first) {
    List<List<String>> pages = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = list(first + (cursor == null ? "" : "&cursor=" + cursor));
      List<String> ids = new ArrayList<>();
      page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
      pages.add(ids);
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return pages;
  }
}
