package dev.taskforge.tasks;

import dev.taskforge.http.ApiException;
import dev.taskforge.projects.ProjectRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * New runs in a project whose monthly budget is spent are refused with 402, naming the project's
 * budget and what its runs cost this month.
 */
final class ProjectBudgets {
  private ProjectBudgets() {
  }

  /** Fails with 402 naming the field of the first project (of {@code fields}: field → project) that is spent. */
  static Future<Void> refuseSpent(SqlClient client, UUID owner, Map<String, UUID> fields) {
    Map<UUID, String> firstField = new LinkedHashMap<>();
    fields.forEach((field, project) -> {
      if (project != null) {
        firstField.putIfAbsent(project, field);
      }
    });
    ProjectRepository projects = new ProjectRepository(client);
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<UUID, String> e : firstField.entrySet()) {
      chain = chain.compose(v -> projects.monthSpent(owner, e.getKey()).compose(spent -> spent.isEmpty()
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(new ApiException(402, "budget_exhausted", spent.get(), e.getValue()))));
    }
    return chain;
  }

  static Future<Void> refuseSpent(SqlClient client, UUID owner, UUID project) {
    return project == null ? Future.succeededFuture() : refuseSpent(client, owner, Map.of("projectId", project));
  }
}
