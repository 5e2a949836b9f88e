package dev.taskforge.http;

import dev.taskforge.db.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A user with some of everything (a project, tasks with a dependency, an execution held by their
 * worker with log lines, an API token, an invite), and the id each contract path parameter names.
 * A path parameter this class has no id for is an error: a new route needs its owner's data here
 * before the reliability tests can say who may reach it.
 */
final class OwnerData {
  /** Words in the owner's data that must never appear in an answer to anybody else. */
  static final String SECRET = "owner-secret-7f3a";
  static final String WORKER_ID = "w1";

  final String session;
  final String apiToken;
  private final Map<String, String> ids = new HashMap<>();
  private final Map<String, String> bodyIds = new HashMap<>();

  /** Registers {@code email} and makes it an admin (so that admin-only routes are reached too), then its data. */
  OwnerData(ApiTestServer api, String email) {
    session = api.newUserToken(email);
    TestDatabase.execute(api.db, "UPDATE users SET role = 'ADMIN' WHERE email = '" + email + "'");
    JsonObject token = created(api.post("/api/tokens", session, new JsonObject().put("name", "worker " + SECRET)));
    apiToken = token.getString("token");
    ids.put("tokenId", token.getString("id"));
    ids.put("projectId", created(api.post("/api/projects", session,
        new JsonObject().put("name", "project " + SECRET).put("description", SECRET))).getString("id"));
    String first = created(api.post("/api/tasks", session, task("first").put("projectId", ids.get("projectId"))
        .put("config", new JsonObject().put("queue", "external-" + UUID.randomUUID())))).getString("id");
    String queue = api.get("/api/tasks/" + first, session).json().getJsonObject("config").getString("queue");
    String second = created(api.post("/api/tasks", session, task("second")
        .put("dependsOn", new JsonArray().add(new JsonObject().put("taskId", first))))).getString("id");
    ids.put("taskId", second);
    ids.put("dependsOnId", first);
    // A body naming a task (a dependency to add) names one the path's task does not wait on yet.
    bodyIds.put("taskId", created(api.post("/api/tasks", session, task("third"))).getString("id"));
    JsonArray claimed = api.post("/api/worker/claim", apiToken, new JsonObject().put("queues", new JsonArray().add(queue))
        .put("max", 1).put("waitSeconds", 0).put("workerId", WORKER_ID)).json().getJsonArray("items");
    String execution = claimed.getJsonObject(0).getString("executionId");
    ids.put("executionId", execution);
    api.post("/api/worker/executions/" + execution + "/logs", apiToken, new JsonObject().put("workerId", WORKER_ID)
        .put("lines", new JsonArray().add(new JsonObject().put("message", "line one " + SECRET))
            .add(new JsonObject().put("message", "line two " + SECRET))));
    ids.put("inviteId", created(api.post("/api/invites", session, new JsonObject().put("note", SECRET))).getString("id"));
    // No run of this user has written a file; an id that names none still has to be refused alike.
    ids.put("fileId", UUID.randomUUID().toString());
    ids.put("userId", api.get("/api/users/me", session).json().getString("id"));
    ids.put("queueName", queue);
    String workflow = created(api.post("/api/workflows", session, new JsonObject().put("name", "workflow " + SECRET)
        .put("description", SECRET).put("steps", new JsonArray().add(new JsonObject().put("key", "a")
            .put("name", "step " + SECRET).put("task", task("step")))))).getString("id");
    ids.put("workflowId", workflow);
    ids.put("runId", created(api.post("/api/workflows/" + workflow + "/runs", session,
        new JsonObject().put("context", new JsonObject().put("secret", SECRET)))).getString("id"));
    ids.put("triggerId", created(api.post("/api/workflows/" + workflow + "/triggers", session,
        new JsonObject().put("type", "cron").put("schedule", "@daily"))).getString("id"));
  }

  private static JsonObject task(String title) {
    return new JsonObject().put("title", title + " " + SECRET).put("prompt", "prompt " + SECRET).put("tags",
        new JsonArray().add("t1"));
  }

  private static JsonObject created(ApiTestServer.Response r) {
    if (r.status() != 201 && r.status() != 200) {
      throw new AssertionError("fixture request answered " + r.status() + ": " + r.text());
    }
    return r.json();
  }

  /** The owner's id for a path parameter; fails naming the parameter when there is none. */
  String pathId(String parameter) {
    String id = ids.get(parameter);
    if (id == null) {
      throw new AssertionError("no owner's id for the path parameter '" + parameter + "': give OwnerData one, "
          + "so that the reliability tests cover the routes that take it");
    }
    return id;
  }

  /** The owner's id for a body property of that name, or null for a fresh one. */
  String bodyId(String property) {
    return bodyIds.getOrDefault(property, ids.get(property));
  }
}
