package dev.taskforge.metrics;

import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.metrics.MetricQueryPlan.Segment;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** {@code /api/metrics}: the time series, for admins whole, for others their own executions' part. */
public final class MetricRoutes {
  private final MetricQueries queries;
  private final PartitionMaintenance.Retention retention;

  public MetricRoutes(Pool pool, JsonObject metricsConfig) {
    this.queries = new MetricQueries(pool);
    this.retention = PartitionMaintenance.Retention.from(metricsConfig);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("queryMetrics").addHandler(this::query);
    builder.getRoute("listMetricNames").addHandler(this::names);
  }

  private void query(RoutingContext ctx) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    MetricQuery query = MetricQuery.from(ctx.queryParams(), now);
    List<Segment> segments = MetricQueryPlan.segments(query.from(), query.to(), query.stepSeconds(),
        MetricQueryPlan.horizons(retention, now));
    Principal reader = Authentication.principal(ctx);
    queries.run(query, segments, reader.userId(), reader.isAdmin())
        .map(series -> MetricQueries.toJson(query, segments, series))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void names(RoutingContext ctx) {
    Principal reader = Authentication.principal(ctx);
    queries.names(reader.userId(), reader.isAdmin())
        .onSuccess(names -> ctx.json(new JsonObject().put("items", names)))
        .onFailure(ctx::fail);
  }
}
