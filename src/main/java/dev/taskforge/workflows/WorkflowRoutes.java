package dev.taskforge.workflows;

import dev.taskforge.executors.ExecutorAccess;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/workflows} and {@code /api/workflow-runs}: the caller's workflow templates, their
 * runs and how those went. Another user's workflow or run is "not found", like a missing one.
 */
public final class WorkflowRoutes {
  private static final int DEFAULT_PAGE = 50;

  private final Pool pool;
  private final ExecutorAccess executors;
  private final WorkflowDefinitions definitions;
  private final WorkflowRuns runs;
  private final WorkflowTriggers triggers;
  private final ExternalWaits waits;

  /** {@code workflows} is the configuration's section of that name (which urls steps may wait for). */
  public WorkflowRoutes(Pool pool, ExecutorAccess executors, JsonObject workflows) {
    this.pool = pool;
    this.executors = executors;
    this.definitions = new WorkflowDefinitions(pool);
    this.runs = new WorkflowRuns(pool);
    this.triggers = new WorkflowTriggers(pool);
    this.waits = new ExternalWaits(workflows);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("createWorkflow").addHandler(this::create);
    builder.getRoute("listWorkflows").addHandler(this::list);
    builder.getRoute("getWorkflow").addHandler(this::get);
    builder.getRoute("updateWorkflow").addHandler(this::update);
    builder.getRoute("deleteWorkflow").addHandler(this::delete);
    builder.getRoute("getWorkflowStats").addHandler(this::stats);
    builder.getRoute("startWorkflowRun").addHandler(this::startRun);
    builder.getRoute("listWorkflowRuns").addHandler(this::listRuns);
    builder.getRoute("getWorkflowRun").addHandler(this::getRun);
    builder.getRoute("cancelWorkflowRun").addHandler(this::cancelRun);
    builder.getRoute("retryWorkflowRun").addHandler(this::retryRun);
    builder.getRoute("createWorkflowTrigger").addHandler(this::createTrigger);
    builder.getRoute("listWorkflowTriggers").addHandler(this::listTriggers);
    builder.getRoute("deleteWorkflowTrigger").addHandler(this::deleteTrigger);
    builder.getRoute("deliverWebhook").addHandler(this::deliver);
  }

  private void create(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    WorkflowRequests.WorkflowDraft draft = WorkflowRequests.draft(Requests.body(ctx), waits);
    checkExecutors(principal, draft);
    definitions.create(principal.userId(), draft)
        .onSuccess(created -> Responses.created(ctx, created.toJson()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    definitions.page(Authentication.principal(ctx).userId(), ctx.queryParams().get("cursor"),
            Requests.queryInt(ctx, "limit", DEFAULT_PAGE))
        .onSuccess(page -> ctx.json(Responses.page(page.items().stream().map(Workflow::toJson).toList(),
            page.nextCursor())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    definitions.get(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "workflowId"))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("workflow")))
        .onSuccess(found -> ctx.json(found.toJson()))
        .onFailure(ctx::fail);
  }

  /** Bumps the version; steps, when given, replace the workflow's steps whole. Runs keep theirs. */
  private void update(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    WorkflowRequests.WorkflowDraft changes = WorkflowRequests.draft(Requests.body(ctx), waits);
    checkExecutors(principal, changes);
    definitions.update(principal.userId(), Requests.uuidParam(ctx, "workflowId"), changes)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("workflow")))
        .onSuccess(found -> ctx.json(found.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    definitions.delete(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "workflowId"))
        .onSuccess(Responses.deletedOrNotFound(ctx, "workflow"))
        .onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    definitions.stats(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "workflowId"),
            Requests.queryInt(ctx, "days", 30))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("workflow")))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void startRun(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    JsonObject context = Requests.body(ctx).getJsonObject("context", new JsonObject());
    runs.start(principal.userId(), Requests.uuidParam(ctx, "workflowId"), context,
            WorkflowRuns.Origin.manual(principal.userId()))
        .onSuccess(run -> {
          ctx.vertx().eventBus().send(WorkflowVerticle.WAKE, run.run().id().toString());
          Responses.created(ctx, run.toJson());
        })
        .onFailure(ctx::fail);
  }

  private void listRuns(RoutingContext ctx) {
    runs.page(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "workflowId"),
            ctx.queryParams().get("cursor"), Requests.queryInt(ctx, "limit", DEFAULT_PAGE))
        .onSuccess(page -> ctx.json(Responses.page(page.items().stream().map(WorkflowExecution::toJson).toList(),
            page.nextCursor())))
        .onFailure(ctx::fail);
  }

  private void getRun(RoutingContext ctx) {
    runs.get(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "runId"))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("workflow run")))
        .onSuccess(run -> ctx.json(run.toJson()))
        .onFailure(ctx::fail);
  }

  private void cancelRun(RoutingContext ctx) {
    runs.cancel(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "runId"))
        .onSuccess(run -> ctx.json(run.toJson()))
        .onFailure(ctx::fail);
  }

  private void retryRun(RoutingContext ctx) {
    runs.retry(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "runId"))
        .onSuccess(run -> {
          ctx.vertx().eventBus().send(WorkflowVerticle.WAKE, run.run().id().toString());
          ctx.json(run.toJson());
        })
        .onFailure(ctx::fail);
  }

  private void createTrigger(RoutingContext ctx) {
    triggers.create(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "workflowId"), Requests.body(ctx))
        .onSuccess(created -> Responses.created(ctx, created.toJson()))
        .onFailure(ctx::fail);
  }

  private void listTriggers(RoutingContext ctx) {
    triggers.of(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "workflowId"))
        .onSuccess(found -> ctx.json(Responses.page(found.stream().map(WorkflowTrigger::toJson).toList(), null)))
        .onFailure(ctx::fail);
  }

  private void deleteTrigger(RoutingContext ctx) {
    triggers.delete(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "triggerId"))
        .onSuccess(Responses.deletedOrNotFound(ctx, "trigger"))
        .onFailure(ctx::fail);
  }

  /** Unauthenticated: the signature is checked before anything is written (see {@link WorkflowTriggers}). */
  private void deliver(RoutingContext ctx) {
    triggers.deliver(Requests.uuidParam(ctx, "triggerId"), ctx.request().getHeader("X-Taskforge-Timestamp"),
            ctx.request().getHeader("X-Taskforge-Signature"), ctx.body().buffer() == null
                ? Buffer.buffer() : ctx.body().buffer(), Instant.now())
        .onSuccess(delivery -> {
          if (delivery.started()) {
            ctx.vertx().eventBus().send(WorkflowVerticle.WAKE, delivery.run().run().id().toString());
            Responses.created(ctx, delivery.run().toJson());
          } else {
            ctx.json(delivery.run().toJson());
          }
        })
        .onFailure(ctx::fail);
  }

  /** Each step may only name an executor its owner may use (its task's config over the workflow's). */
  private void checkExecutors(Principal principal, WorkflowRequests.WorkflowDraft draft) {
    JsonObject shared = draft.configuration() == null ? new JsonObject() : draft.configuration();
    executors.check(principal, shared);
    List<StepDefinition> steps = draft.steps() == null ? List.of() : draft.steps();
    for (int i = 0; i < steps.size(); i++) {
      try {
        executors.check(principal, shared.copy().mergeIn(steps.get(i).task().getJsonObject("config", new JsonObject())));
      } catch (ApiException refused) {
        throw refused.within("steps[" + i + "].task");
      }
    }
  }
}
