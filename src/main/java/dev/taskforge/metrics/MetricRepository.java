package dev.taskforge.metrics;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The metric time series: batched writes, range reads, and an owner's view of their executions. */
public final class MetricRepository {
  private final SqlClient client;

  public MetricRepository(SqlClient client) {
    this.client = client;
  }

  /**
   * Stores a batch of samples with one statement, which also folds them into their series' minute
   * and hour rollups; returns how many were stored. A non-finite value (a ratio of nothing, say)
   * is not a measurement: it is left out rather than failing the batch.
   */
  public Future<Integer> insert(List<NewMetricSample> batch) {
    List<NewMetricSample> samples = batch.stream().filter(s -> Double.isFinite(s.value())).toList();
    if (samples.isEmpty()) {
      return Future.succeededFuture(0);
    }
    int n = samples.size();
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] types = new String[n];
    String[] names = new String[n];
    Double[] values = new Double[n];
    String[] units = new String[n];
    UUID[] executions = new UUID[n];
    String[] workers = new String[n];
    String[] queues = new String[n];
    JsonObject[] tags = new JsonObject[n];
    for (int i = 0; i < n; i++) {
      NewMetricSample s = samples.get(i);
      times[i] = s.recordedAt();
      types[i] = s.type().name();
      names[i] = s.name();
      values[i] = s.value();
      units[i] = s.unit();
      executions[i] = s.executionId();
      workers[i] = s.workerId();
      queues[i] = s.queueName();
      tags[i] = s.tags();
    }
    Map<String, Object> params = new HashMap<>();
    params.put("recorded_ats", times);
    params.put("types", types);
    params.put("names", names);
    params.put("values", values);
    params.put("units", units);
    params.put("execution_ids", executions);
    params.put("worker_ids", workers);
    params.put("queue_names", queues);
    params.put("tags", tags);
    return Templates.forUpdate(client, MetricSql.INSERT_BATCH).execute(params).map(r -> r.rowCount());
  }

  /** Raw samples of a metric in [from, to), oldest first. */
  public Future<List<SystemMetric>> series(String name, OffsetDateTime from, OffsetDateTime to) {
    return Templates.forQuery(client, MetricSql.SERIES).mapTo(SystemMetric.MAPPER)
        .execute(Map.of("name", name, "from", from, "to", to)).map(Rows::list);
  }

  /** The samples of one of the owner's executions (CPU, memory, tokens...). */
  public Future<List<SystemMetric>> ofExecution(UUID ownerId, UUID executionId) {
    return Templates.forQuery(client, MetricSql.OF_EXECUTION).mapTo(SystemMetric.MAPPER)
        .execute(Map.of("owner_id", ownerId, "execution_id", executionId)).map(Rows::list);
  }
}
