package dev.taskforge.projects;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/projects}: the caller's projects; another user's project is simply not found. */
public final class ProjectRoutes {
  private final ProjectRepository projects;

  public ProjectRoutes(Pool pool) {
    this.projects = new ProjectRepository(pool);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("createProject").addHandler(this::create);
    builder.getRoute("listProjects").addHandler(this::list);
    builder.getRoute("getProject").addHandler(this::get);
    builder.getRoute("renameProject").addHandler(this::rename);
    builder.getRoute("deleteProject").addHandler(this::delete);
    builder.getRoute("getProjectUsage").addHandler(this::usage);
  }

  /** The last 30 days unless from/to say otherwise; at most 100 tasks listed. */
  private void usage(RoutingContext ctx) {
    UUID id = Requests.uuidParam(ctx, "projectId");
    OffsetDateTime to = Requests.time(ctx.queryParams().get("to"), "to",
        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
    OffsetDateTime from = Requests.time(ctx.queryParams().get("from"), "from", to.minusDays(30));
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("from", "from must be before to");
    }
    projects.usage(Authentication.principal(ctx).userId(), id, from, to, 100)
        .map(u -> u.orElseThrow(() -> ApiException.notFound("project")))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }


  private void create(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    projects.create(Authentication.principal(ctx).userId(), name(body), body.getString("description"),
            budget(body).flatMap(b -> b).orElse(null))
        .onSuccess(p -> Responses.created(ctx, p.toJson()))
        .onFailure(err -> ctx.fail(nameTaken(err, body)));
  }

  /** Keyset pages: the cursor carries the last project's creation time and id. */
  private void list(RoutingContext ctx) {
    int limit = Requests.queryInt(ctx, "limit", 100);
    String cursor = ctx.queryParams().get("cursor");
    Project after = cursor == null ? null : ProjectCursor.decode(cursor);
    projects.listByOwner(Authentication.principal(ctx).userId(), after, limit + 1)
        .map(found -> {
          boolean more = found.size() > limit;
          List<Project> page = more ? found.subList(0, limit) : found;
          return Responses.page(page.stream().map(Project::toJson).toList(),
              more ? ProjectCursor.encode(page.get(page.size() - 1)) : null);
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID id = Requests.uuidParam(ctx, "projectId");
    projects.findById(Authentication.principal(ctx).userId(), id)
        .map(p -> p.orElseThrow(() -> ApiException.notFound("project")).toJson())
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void rename(RoutingContext ctx) {
    UUID id = Requests.uuidParam(ctx, "projectId");
    JsonObject body = Requests.body(ctx);
    projects.rename(Authentication.principal(ctx).userId(), id, name(body), budget(body))
        .map(p -> p.orElseThrow(() -> ApiException.notFound("project")).toJson())
        .onSuccess(ctx::json)
        .onFailure(err -> ctx.fail(nameTaken(err, body)));
  }

  private void delete(RoutingContext ctx) {
    UUID id = Requests.uuidParam(ctx, "projectId");
    projects.delete(Authentication.principal(ctx).userId(), id)
        .onSuccess(Responses.deletedOrNotFound(ctx, "project"))
        .onFailure(ctx::fail);
  }

  /** The body's monthlyBudgetUsd: absent, null (no limit) or an amount. */
  private static Optional<Optional<Double>> budget(JsonObject body) {
    if (!body.containsKey("monthlyBudgetUsd")) {
      return Optional.empty();
    }
    Number amount = (Number) body.getValue("monthlyBudgetUsd");
    return Optional.of(Optional.ofNullable(amount).map(Number::doubleValue));
  }

  private static String name(JsonObject body) {
    String name = body.getString("name").trim();
    if (name.isEmpty()) {
      throw ApiException.badRequest("name", "name must not be blank");
    }
    return name;
  }

  private static Throwable nameTaken(Throwable err, JsonObject body) {
    if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return ApiException.conflict("project_name_taken", "you already have a project named " + body.getString("name"),
          "name");
    }
    return err;
  }
}
