package dev.taskforge.workflows;

import dev.taskforge.db.ColumnArrays;
import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Workflows as the API edits them: a workflow and its steps written in one transaction, replaced
 * whole by a PATCH that names steps. Every statement carries the owner.
 */
final class WorkflowDefinitions {
  /** A workflow and its steps, as answered. */
  record Definition(Workflow workflow, List<WorkflowStep> steps) {
    JsonObject toJson() {
      return workflow.toJson().put("steps", new JsonArray(steps.stream().map(WorkflowDefinitions::stepJson).toList()));
    }
  }

  /** A page of a listing and the cursor of the next. */
  record Page<T>(List<T> items, String nextCursor) {}

  private final Pool pool;

  WorkflowDefinitions(Pool pool) {
    this.pool = pool;
  }

  Future<Definition> create(UUID owner, WorkflowRequests.WorkflowDraft draft) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("project_id", draft.projectId());
    params.put("name", draft.name());
    params.put("description", draft.description());
    params.put("status", (draft.status() == null ? WorkflowStatus.ACTIVE : draft.status()).name());
    params.put("configuration", draft.configuration() == null ? new JsonObject() : draft.configuration());
    return pool.withTransaction(conn -> Templates.forQuery(conn, WorkflowSql.CREATE).mapTo(Workflow.MAPPER)
        .execute(params).map(rows -> rows.iterator().next())
        .compose(workflow -> insertSteps(conn, owner, workflow.id(), draft.steps())
            .compose(v -> read(conn, owner, workflow.id()))).map(Optional::orElseThrow));
  }

  /** Empty when the workflow is not the owner's. */
  Future<Optional<Definition>> update(UUID owner, UUID id, WorkflowRequests.WorkflowDraft changes) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("id", id);
    params.put("name", changes.name());
    params.put("set_description", changes.hasDescription());
    params.put("description", changes.description());
    params.put("project_id", changes.projectId());
    params.put("status", changes.status() == null ? null : changes.status().name());
    params.put("configuration", changes.configuration());
    return pool.withTransaction(conn -> Templates.forQuery(conn, WorkflowSql.UPDATE).mapTo(Workflow.MAPPER)
        .execute(params).map(Rows::first)
        .compose(updated -> {
          if (updated.isEmpty()) {
            return Future.succeededFuture(Optional.<Definition>empty());
          }
          Future<Void> steps = changes.steps() == null ? Future.succeededFuture()
              : Templates.forUpdate(conn, WorkflowSql.DELETE_STEPS).execute(Map.of("workflow_id", id, "owner_id", owner))
                  .compose(v -> insertSteps(conn, owner, id, changes.steps()));
          return steps.compose(v -> read(conn, owner, id));
        }));
  }

  /**
   * Deletes the owner's workflow, its steps, runs and triggers; the runs' tasks stay, but what of
   * a live run has not finished is cancelled first, so no step is left waiting for an engine that
   * no longer knows its run.
   */
  Future<Boolean> delete(UUID owner, UUID id) {
    return pool.withTransaction(conn -> Templates.forQuery(conn, WorkflowSql.LIVE_RUNS)
        .execute(Map.of("workflow_id", id, "owner_id", owner))
        .compose(live -> {
          Future<Void> chain = Future.succeededFuture();
          for (Row run : live) {
            chain = chain.compose(v -> WorkflowRuns.stop(conn, owner, run.getUUID("id")));
          }
          return chain;
        })
        .compose(v -> Templates.forUpdate(conn, WorkflowSql.DELETE).execute(Map.of("id", id, "owner_id", owner)))
        .map(result -> result.rowCount() == 1));
  }

  /** How the owner's workflow's runs went over the last {@code days}; empty when it is not theirs. */
  Future<Optional<JsonObject>> stats(UUID owner, UUID id, int days) {
    return Templates.forQuery(pool, WorkflowSql.STATS).execute(Map.of("id", id, "owner_id", owner, "days", days))
        .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty()
            : Optional.of(WorkflowStats.from(rows.iterator().next(), days)));
  }

  Future<Optional<Definition>> get(UUID owner, UUID id) {
    return pool.withConnection(conn -> read(conn, owner, id));
  }

  Future<Page<Workflow>> page(UUID owner, String cursor, int limit) {
    Map<String, Object> params = Cursors.keyset(cursor, limit);
    params.put("owner_id", owner);
    return Templates.forQuery(pool, WorkflowSql.PAGE).mapTo(Workflow.MAPPER).execute(params)
        .map(rows -> Cursors.page(Rows.list(rows), limit, Workflow::createdAt, Workflow::id));
  }

  private static Future<Optional<Definition>> read(SqlConnection conn, UUID owner, UUID id) {
    WorkflowRepository repo = new WorkflowRepository(conn);
    return repo.findById(owner, id).compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.empty())
        : repo.steps(owner, id).map(steps -> Optional.of(new Definition(found.get(), steps))));
  }

  private static Future<Void> insertSteps(SqlConnection conn, UUID owner, UUID workflowId, List<StepDefinition> steps) {
    if (steps == null || steps.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("workflow_id", workflowId);
    params.put("keys", ColumnArrays.of(steps, String[]::new, StepDefinition::key));
    params.put("names", ColumnArrays.of(steps, String[]::new, StepDefinition::name));
    params.put("templates", ColumnArrays.of(steps, JsonObject[]::new, StepDefinition::task));
    params.put("depends_on", ColumnArrays.of(steps, JsonArray[]::new, s -> new JsonArray(s.dependsOn())));
    params.put("conditions", ColumnArrays.of(steps, JsonObject[]::new, s -> s.condition() == null ? null : s.condition().toJson()));
    params.put("on_errors", ColumnArrays.of(steps, String[]::new, s -> s.onError().name()));
    params.put("timeouts", ColumnArrays.of(steps, Integer[]::new, StepDefinition::timeoutSeconds));
    params.put("wait_fors", ColumnArrays.of(steps, JsonObject[]::new, StepDefinition::waitFor));
    return Templates.forUpdate(conn, WorkflowSql.INSERT_STEPS).execute(params).mapEmpty();
  }

  /** A stored step on the wire, in the shape a request gives it. */
  static JsonObject stepJson(WorkflowStep step) {
    return new JsonObject().put("key", step.stepKey()).put("name", step.name()).put("task", step.taskTemplate())
        .put("dependsOn", Rows.json(step.dependsOn())).put("condition", step.condition())
        .put("onError", Rows.name(step.onError())).put("timeoutSeconds", step.timeoutSeconds())
        .put("waitFor", step.waitFor());
  }

  /** The opaque cursors of workflow and run listings: where the previous page ended. */
  static final class Cursors {
    private Cursors() {
    }

    static String encode(String createdAt, String id) {
      String json = new JsonArray().add(createdAt).add(id).encode();
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The keyset parameters of a page query: after the cursor's row (none: from the start), one row more than a page. */
    static Map<String, Object> keyset(String cursor, int limit) {
      Map<String, Object> params = new HashMap<>();
      params.put("limit", limit + 1);
      params.put("after_created", null);
      params.put("after_id", null);
      if (cursor != null) {
        String[] at = decode(cursor);
        params.put("after_created", OffsetDateTime.parse(at[0]));
        params.put("after_id", UUID.fromString(at[1]));
      }
      return params;
    }

    /** A page of what a keyset query found (one row more than a page means there is another). */
    static <T> Page<T> page(List<T> found, int limit, Function<T, OffsetDateTime> createdAt,
        Function<T, UUID> id) {
      if (found.size() <= limit) {
        return new Page<>(found, null);
      }
      T last = found.get(limit - 1);
      return new Page<>(found.subList(0, limit), encode(createdAt.apply(last).toString(), id.apply(last).toString()));
    }

    static String[] decode(String cursor) {
      try {
        JsonArray at = new JsonArray(new String(Base64.getUrlDecoder().decode(cursor),
            StandardCharsets.UTF_8));
        OffsetDateTime.parse(at.getString(0));
        UUID.fromString(at.getString(1));
        return new String[] {at.getString(0), at.getString(1)};
      } catch (RuntimeException e) {
        throw ApiException.badRequest("cursor", "cursor is not one this server handed out");
      }
    }
  }
}
