package dev.taskforge.tasks;

import dev.taskforge.executors.ExecutorAccess;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import dev.taskforge.http.StreamedPage;
import dev.taskforge.queue.Cancellation;
import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskField;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * {@code /api/tasks}: create, list, read, update and delete the caller's tasks, walk their
 * subtask trees and manage their dependencies. A task, parent, project or dependency of another
 * user is "not found", exactly like a missing one.
 */
public final class TaskRoutes {
  private final Pool pool;
  private final TaskRepository tasks;
  private final TaskListing listing;
  private final TaskPatch patch;
  private final TaskHistory history;
  private final ExecutorAccess executors;

  public TaskRoutes(Pool pool, ExecutorAccess executors) {
    this.pool = pool;
    this.executors = executors;
    this.tasks = new TaskRepository(pool);
    this.listing = new TaskListing(pool);
    this.patch = new TaskPatch(pool);
    this.history = new TaskHistory(pool);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("createTask").addHandler(this::create);
    builder.getRoute("createTasksBulk").addHandler(this::createBulk);
    // vertx-openapi 5.0 decodes array query values a second time, so a tag or search text holding
    // '%', '\\' or '"' would be refused; TaskRequests.filter checks every parameter the contract
    // states instead (same rules, same 400 answers).
    builder.getRoute("listTasks").setDoValidation(false).addHandler(this::list);
    builder.getRoute("getTask").addHandler(this::get);
    builder.getRoute("updateTask").addHandler(this::update);
    builder.getRoute("deleteTask").addHandler(this::delete);
    builder.getRoute("getTaskTree").addHandler(this::tree);
    builder.getRoute("getTaskAncestors").addHandler(this::ancestors);
    builder.getRoute("getTaskHistory").addHandler(this::history);
    builder.getRoute("cancelTask").addHandler(this::cancel);
    builder.getRoute("retryTask").addHandler(this::retry);
    builder.getRoute("addTaskDependency").addHandler(this::addDependency);
    builder.getRoute("listTaskDependencies").addHandler(ctx -> listDependencies(ctx, tasks::dependenciesOf));
    builder.getRoute("listTaskDependents").addHandler(ctx -> listDependencies(ctx, tasks::dependentsOf));
    builder.getRoute("removeTaskDependency").addHandler(this::removeDependency);
  }

  /**
   * The task, its dependencies and its job in one transaction (see {@link TaskCreation}); a unique
   * key already held answers the holder with 200 instead (see {@link UniqueTasks}).
   */
  private void create(RoutingContext ctx) {
    executors.check(Authentication.principal(ctx), Requests.body(ctx).getJsonObject("config"));
    TaskDraft draft = TaskRequests.draft(Authentication.principal(ctx).userId(), Requests.body(ctx));
    UniqueTasks.submit(pool, draft)
        .onSuccess(created -> respond(ctx, created.deduplicated() ? 200 : 201, created)).onFailure(ctx::fail);
  }

  /** Up to 1,000 tasks in one transaction, answered in the request's order (see {@link TaskBatch}). */
  private void createBulk(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    List<TaskDraft> drafts = TaskRequests.drafts(owner, Requests.body(ctx));
    for (int i = 0; i < drafts.size(); i++) {
      try {
        executors.check(Authentication.principal(ctx), drafts.get(i).task().config());
      } catch (ApiException refused) {
        throw refused.within("tasks[" + i + "]");
      }
    }
    TaskBatch.submit(pool, owner, drafts)
        .onSuccess(created -> Responses.created(ctx,
            new JsonObject().put("items", new JsonArray(created.stream().map(CreatedTask::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    TaskFilter filter = TaskRequests.filter(ctx);
    Set<TaskField> fields = TaskRequests.fields(ctx);
    listing.list(Authentication.principal(ctx).userId(), filter, fields)
        .onSuccess(page -> StreamedPage.answer(ctx, page.items(), (task, json) -> task.writeJson(json, fields),
            page.nextCursor()))
        .onFailure(ctx::fail);
  }

  /** Admins read every task; everyone else only their own. */
  private void get(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    UUID id = Requests.uuidParam(ctx, "taskId");
    (principal.isAdmin() ? tasks.findByIdForAdmin(id) : tasks.findById(principal.userId(), id))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("task")))
        .onSuccess(task -> respond(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  /** With If-Match, a task changed since the caller read it answers 412 instead of losing that change. */
  private void update(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    Integer expected = TaskRequests.expectedVersion(ctx.request().getHeader("If-Match"));
    JsonObject changes = Requests.body(ctx);
    if (changes.containsKey("config")) {
      executors.check(Authentication.principal(ctx), changes.getJsonObject("config"));
    }
    patch.apply(owner, id, expected, changes)
        .compose(updated -> updated.isPresent() ? Future.succeededFuture(updated.get())
            : tasks.findById(owner, id).compose(existing -> Future.failedFuture(existing.isPresent()
                ? new ApiException(412, "version_mismatch", "the task changed since version " + expected
                    + "; it is now at version " + existing.get().version(), "If-Match")
                : ApiException.notFound("task"))))
        .onSuccess(task -> respond(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    tasks.delete(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "taskId"))
        .onSuccess(Responses.deletedOrNotFound(ctx, "task"))
        .onFailure(ctx::fail);
  }

  private void tree(RoutingContext ctx) {
    tasks.tree(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "taskId"))
        .map(nodes -> {
          if (nodes.isEmpty()) {
            throw ApiException.notFound("task");
          }
          return page(nodes.stream().map(n -> new JsonObject().put("depth", n.depth()).put("task", n.task().toJson()))
              .toList());
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void ancestors(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    requireTask(owner, id)
        .compose(v -> tasks.ancestors(owner, id))
        .map(found -> page(found.stream().map(Task::toJson).toList()))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** Cancels a waiting task at once; a running one is killed by the instance that runs it. */
  private void cancel(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    new Cancellation(pool).cancel(owner, id)
        .compose(result -> result.isEmpty() ? Future.failedFuture(ApiException.notFound("task"))
            : result.get().done() ? tasks.findById(owner, id).map(Optional::orElseThrow)
            : Future.failedFuture(ApiException.conflict("not_cancellable",
                "the task is already " + result.get().before() + " and cannot be cancelled", null)))
        .onSuccess(task -> respond(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  /** Queues a failed or cancelled task again; its earlier attempts stay in its history. */
  private void retry(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    tasks.findById(owner, id)
        .compose(found -> ProjectBudgets.refuseSpent(pool, owner, found.map(Task::projectId).orElse(null)))
        .compose(v -> new Cancellation(pool).retry(owner, id))
        .compose(result -> result.isEmpty() ? Future.failedFuture(ApiException.notFound("task"))
            : result.get().done() ? tasks.findById(owner, id).map(Optional::orElseThrow)
            : Future.failedFuture(ApiException.conflict("not_retryable",
                "only a FAILED or CANCELLED task can be retried; this one is " + result.get().before(), null)))
        .onSuccess(task -> respond(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  private void history(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    requireTask(owner, id)
        .compose(v -> history.of(owner, id))
        .map(events -> page(events.stream().map(TaskHistory.Event::toJson).toList()))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void addDependency(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    JsonObject body = Requests.body(ctx);
    tasks.addDependency(owner, id, UUID.fromString(body.getString("taskId")),
            DependencyType.valueOf(body.getString("type", "BLOCKS")))
        .onSuccess(dep -> Responses.created(ctx, dep.toJson()))
        .onFailure(err -> ctx.fail(TaskRequests.duplicateDependency(err)));
  }

  /** One side of the task's dependencies: what it waits for, or what waits for it. */
  private void listDependencies(RoutingContext ctx,
      BiFunction<UUID, UUID, Future<List<TaskDependency>>> side) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "taskId");
    requireTask(owner, id)
        .compose(v -> side.apply(owner, id))
        .map(deps -> page(deps.stream().map(TaskDependency::toJson).toList()))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void removeDependency(RoutingContext ctx) {
    tasks.removeDependency(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "taskId"),
            Requests.uuidParam(ctx, "dependsOnId"))
        .onSuccess(Responses.deletedOrNotFound(ctx, "dependency"))
        .onFailure(ctx::fail);
  }

  private Future<Void> requireTask(UUID owner, UUID id) {
    return tasks.findById(owner, id).compose(found -> found.isPresent() ? Future.succeededFuture()
        : Future.failedFuture(ApiException.notFound("task")));
  }

  private static JsonObject page(List<JsonObject> items) {
    return Responses.page(items, null);
  }

  private static void respond(RoutingContext ctx, int status, Task task) {
    respond(ctx, status, CreatedTask.created(task));
  }

  private static void respond(RoutingContext ctx, int status, CreatedTask answer) {
    ctx.response().setStatusCode(status)
        .putHeader("ETag", "\"" + answer.task().version() + "\"")
        .putHeader("Content-Type", "application/json")
        .end(answer.toJson().encode());
  }
}
