package dev.taskforge.workflows;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** How a workflow's runs went over a number of days (see {@link WorkflowSql#STATS}). */
final class WorkflowStats {
  private WorkflowStats() {
  }

  static JsonObject from(Row row, int days) {
    long runs = row.getLong("runs");
    long completed = row.getLong("completed");
    long failed = row.getLong("failed");
    long cancelled = row.getLong("cancelled");
    long ended = completed + failed + cancelled;
    return new JsonObject()
        .put("workflowId", row.getUUID("id").toString())
        .put("days", days)
        .put("executionCount", row.getInteger("execution_count"))
        .put("successCount", row.getInteger("success_count"))
        .put("runs", runs)
        .put("completed", completed)
        .put("failed", failed)
        .put("cancelled", cancelled)
        .put("running", row.getLong("running"))
        .put("successRate", ended == 0 ? null : (double) completed / ended)
        .put("durationMs", new JsonObject()
            .put("p50", millis(row.getDouble("p50_ms")))
            .put("p95", millis(row.getDouble("p95_ms"))));
  }

  private static Long millis(Double value) {
    return value == null ? null : Math.round(value);
  }
}
