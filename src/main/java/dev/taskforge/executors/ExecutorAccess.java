package dev.taskforge.executors;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Principal;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Whether a task's owner may use the executor its {@code config} names (or the default one): every
 * route that creates a task or changes its config asks here, before anything is written.
 */
public final class ExecutorAccess {
  private final ExecutorCatalog catalog;

  public ExecutorAccess(ExecutorCatalog catalog) {
    this.catalog = catalog;
  }

  /** An {@code executors} configuration section; an absent one lets every executor through (none can run). */
  public static ExecutorAccess of(JsonObject executors) {
    return new ExecutorAccess(new ExecutorCatalog(executors == null ? new JsonObject() : executors));
  }

  /** Refuses with 403, naming the executor and {@code config.executor}, when the principal's role may not use it. */
  public void check(Principal principal, JsonObject config) {
    String named = config == null ? null : config.getValue("executor") instanceof String s ? s : null;
    String executor = catalog.nameOf(named);
    String role = principal.role().name().toLowerCase(Locale.ROOT);
    if (!catalog.roles(executor).contains(role)) {
      throw new ApiException(403, "executor_forbidden", "the executor " + executor
          + (named == null || named.isBlank() ? " (this server's default)" : "")
          + " is for " + String.join(" and ", catalog.roles(executor)) + " accounts only", "config.executor");
    }
  }
}
