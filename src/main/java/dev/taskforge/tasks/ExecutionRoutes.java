package dev.taskforge.tasks;

import dev.taskforge.executions.ExecutionRepository;
import dev.taskforge.executions.TaskExecution;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import dev.taskforge.results.ResultFile;
import dev.taskforge.results.ResultRepository;
import dev.taskforge.results.TaskResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/** Reading what executions did: a task's executions, one execution with its results, a result file. */
public final class ExecutionRoutes {
  private final ExecutionRepository executions;
  private final ResultRepository results;
  private final TaskRepository tasks;

  public ExecutionRoutes(Pool pool) {
    this.executions = new ExecutionRepository(pool);
    this.results = new ResultRepository(pool);
    this.tasks = new TaskRepository(pool);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("listTaskExecutions").addHandler(this::ofTask);
    builder.getRoute("getExecution").addHandler(this::get);
    builder.getRoute("getExecutionFile").addHandler(this::file);
  }

  private void ofTask(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID task = Requests.uuidParam(ctx, "taskId");
    tasks.findById(owner, task)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("task"))
            : executions.ofTask(owner, task))
        .map(list -> Responses.page(list.stream().map(TaskExecution::toJson).toList(), null))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    UUID id = Requests.uuidParam(ctx, "executionId");
    executions.findById(owner, id)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("execution"))
            : results.ofExecution(owner, id).compose(list -> withFiles(owner, list))
                .map(resultJson -> found.get().toJson().put("results", resultJson)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private Future<JsonArray> withFiles(UUID owner, List<TaskResult> list) {
    JsonArray out = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (TaskResult r : list) {
      chain = chain.compose(v -> results.filesOf(owner, r.id()).map(files -> {
        out.add(r.toJson().put("files", new JsonArray(files.stream().map(ResultFile::toJson).toList())));
        return null;
      }));
    }
    return chain.map(out);
  }

  private void file(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    results.fileOfExecution(owner, Requests.uuidParam(ctx, "executionId"), Requests.uuidParam(ctx, "fileId"))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("file")))
        .onSuccess(f -> ctx.response()
            // Never the stored type: a text/html or SVG an agent wrote must not render from our origin.
            .putHeader("Content-Type", "application/octet-stream")
            .putHeader("ETag", "\"" + f.sha256() + "\"")
            .putHeader("Content-Disposition", "attachment; filename=\"" + f.path().replaceAll("[^\\w.-]", "_") + "\"")
            .end(f.content()))
        .onFailure(ctx::fail);
  }
}
