package dev.taskforge.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each filter of the task listing returns exactly the caller's matching tasks: by status, by
 * tags, by created and updated ranges, by parent, and roots only. Bob owns a task of every kind Alice
 * does, with the same times, so a filter that forgets the owner shows his too.
 */
class TaskListFilterTest {
  private static ApiTestServer api;
  private static String alice;
  private static String bob;
  private static Tree aliceTasks;
  private static Tree bobTasks;

  /**
   * One user's tasks: four roots created a year apart (the second updated last, and cancelled;
   * the third blocked by the first) and a parent with two children and a grandchild.
   */
  private record Tree(String y2020, String y2021, String y2022, String parent, String child1, String child2,
                      String grandchild) {}

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(TaskListFilterTest.class);
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
    aliceTasks = tree(alice);
    bobTasks = tree(bob);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static Tree tree(String token) throws Exception {
    String y2020 = create(token, task("2020"));
    String y2021 = create(token, task("2021"));
    assertThat(api.post("/api/tasks/" + y2021 + "/cancel", token, null).status()).isEqualTo(200);
    String y2022 = create(token, task("2022").put("dependsOn",
        new JsonArray().add(new JsonObject().put("taskId", y2020).put("type", "REQUIRES"))));
    String parent = create(token, task("parent"));
    String child1 = create(token, task("child 1").put("parentId", parent));
    String child2 = create(token, task("child 2").put("parentId", parent));
    String grandchild = create(token, task("grandchild").put("parentId", child1));
    setTimes(y2020, "2020-01-01T00:00:00Z", "2020-06-01T00:00:00Z");
    setTimes(y2021, "2021-01-01T00:00:00Z", "2024-01-01T00:00:00Z");
    setTimes(y2022, "2022-01-01T00:00:00Z", "2022-06-01T00:00:00Z");
    setTimes(parent, "2023-01-01T00:00:00Z", "2023-01-01T00:00:00Z");
    return new Tree(y2020, y2021, y2022, parent, child1, child2, grandchild);
  }

  private static JsonObject task(String title) {
    return ApiTestServer.taskBody(title);
  }

  private static String create(String token, JsonObject body) {
    return api.createTask(token, body);
  }

  /** Times set directly, past the triggers that keep updated_at at the last change. */
  private static void setTimes(String taskId, String createdAt, String updatedAt) throws Exception {
    try (Connection c = TestDatabase.connect(api.db)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
           PreparedStatement update = c.prepareStatement(
               "UPDATE tasks SET created_at = ?, updated_at = ? WHERE id = ?")) {
        s.execute("SET LOCAL session_replication_role = replica");
        update.setObject(1, OffsetDateTime.parse(createdAt));
        update.setObject(2, OffsetDateTime.parse(updatedAt));
        update.setObject(3, UUID.fromString(taskId));
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      c.commit();
    }
  }

  private static List<String> listed(String token, String query) {
    Response r = api.get("/api/tasks?limit=200&" + query, token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().getValue("nextCursor")).as("one page holds every match").isNull();
    return r.json().getJsonArray("items").stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  void theFixtureTimesAreTheOnesTheTaskShows() {
    JsonObject read = api.get("/api/tasks/" + aliceTasks.y2021(), alice).json();

    assertThat(OffsetDateTime.parse(read.getString("createdAt"))).isEqualTo("2021-01-01T00:00:00Z");
    assertThat(OffsetDateTime.parse(read.getString("updatedAt"))).isEqualTo("2024-01-01T00:00:00Z");
  }

  /**
   * A tag is looked up by keys that carry their owner's id (owner:tag): another owner's task with
   * the same tags, a tag that is another's prefix and a tag with the separator in it stay apart.
   */
  @Test
  void filteringByTagsListsOnlyTheCallersTasksCarryingEveryTag() {
    String carol = api.newUserToken("carol@example.com");
    String dave = api.newUserToken("dave@example.com");
    String both = create(carol, task("both").put("tags", new JsonArray().add("team").add("area:7")));
    String team = create(carol, task("team only").put("tags", new JsonArray().add("team")));
    create(carol, task("prefix only").put("tags", new JsonArray().add("tea").add("area")));
    String davesBoth = create(dave, task("dave's").put("tags", new JsonArray().add("team").add("area:7")));

    assertThat(listed(carol, "tag=team")).containsExactlyInAnyOrder(both, team);
    assertThat(listed(carol, "tag=team&tag=area%3A7")).containsExactly(both);
    assertThat(listed(carol, "tag=area")).hasSize(1).doesNotContain(both);
    assertThat(listed(carol, "tag=7")).isEmpty();
    assertThat(listed(dave, "tag=team&tag=area%3A7")).containsExactly(davesBoth);
  }

  @Test
  void filteringByStatusListsOnlyTheCallersTasksInThoseStatuses() {
    assertThat(listed(alice, "status=CANCELLED")).containsExactly(aliceTasks.y2021());
    assertThat(listed(alice, "status=BLOCKED&status=CANCELLED"))
        .containsExactlyInAnyOrder(aliceTasks.y2021(), aliceTasks.y2022());
    assertThat(listed(bob, "status=BLOCKED")).containsExactly(bobTasks.y2022());
    assertThat(listed(alice, "status=RUNNING")).isEmpty();
  }

  @Test
  void filteringByCreationTimeListsOnlyTheCallersTasksCreatedInTheRange() {
    assertThat(listed(alice, "createdFrom=2020-06-01T00:00:00Z&createdTo=2022-06-01T00:00:00Z"))
        .containsExactlyInAnyOrder(aliceTasks.y2021(), aliceTasks.y2022());
    // The start is included, the end is not.
    assertThat(listed(alice, "createdFrom=2021-01-01T00:00:00Z&createdTo=2022-01-01T00:00:00Z"))
        .containsExactly(aliceTasks.y2021());
    assertThat(listed(alice, "createdTo=2021-01-01T00:00:00Z")).containsExactly(aliceTasks.y2020());
  }

  @Test
  void filteringByUpdateTimeListsOnlyTheCallersTasksUpdatedInTheRange() {
    assertThat(listed(alice, "updatedFrom=2023-06-01T00:00:00Z&updatedTo=2025-01-01T00:00:00Z"))
        .containsExactly(aliceTasks.y2021());
    assertThat(listed(alice, "updatedTo=2023-01-01T00:00:01Z"))
        .containsExactlyInAnyOrder(aliceTasks.y2020(), aliceTasks.y2022(), aliceTasks.parent());
    assertThat(listed(alice, "updatedFrom=2025-01-01T00:00:00Z"))
        .containsExactlyInAnyOrder(aliceTasks.child1(), aliceTasks.child2(), aliceTasks.grandchild());
  }

  @Test
  void filteringByParentListsOnlyItsDirectChildren() {
    assertThat(listed(alice, "parentId=" + aliceTasks.parent()))
        .containsExactlyInAnyOrder(aliceTasks.child1(), aliceTasks.child2());
    assertThat(listed(alice, "parentId=" + aliceTasks.child1())).containsExactly(aliceTasks.grandchild());
    assertThat(listed(alice, "parentId=" + bobTasks.parent())).as("the children of Bob's task").isEmpty();
  }

  @Test
  void rootsOnlyListsTheCallersTasksWithoutAParent() {
    assertThat(listed(alice, "roots=true")).containsExactlyInAnyOrder(aliceTasks.y2020(), aliceTasks.y2021(),
        aliceTasks.y2022(), aliceTasks.parent());
    assertThat(listed(alice, "roots=false")).as("roots=false filters nothing").hasSize(7);
  }

  @Test
  void filtersCombineAsAnd() {
    assertThat(listed(alice, "roots=true&status=QUEUED&createdFrom=2022-06-01T00:00:00Z"))
        .containsExactly(aliceTasks.parent());
  }
}
