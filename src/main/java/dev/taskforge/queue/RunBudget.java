package dev.taskforge.queue;

import dev.taskforge.executors.ClaudeStreamParser;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * What one run of a task may use ({@code config.maxTokens}, {@code config.maxCostUsd}), carried in
 * its job's data. A run whose reported usage passes it is stopped and fails with
 * {@code BUDGET_EXCEEDED}, without retry. Tokens are counted as the agent reports each turn
 * (input, output and cache tokens, as results count them); cost only once the agent reports it.
 */
record RunBudget(Long maxTokens, BigDecimal maxCostUsd) {
  static final String CODE = "BUDGET_EXCEEDED";

  /** Copies a task config's budget into its job's data. */
  static void copy(JsonObject config, JsonObject jobData) {
    if (config.getValue("maxTokens") instanceof Number tokens) {
      jobData.put("maxTokens", tokens.longValue());
    }
    if (config.getValue("maxCostUsd") instanceof Number cost) {
      jobData.put("maxCostUsd", cost.doubleValue());
    }
  }

  /** The budget a job's data carries; none when it names neither. */
  static Optional<RunBudget> of(JsonObject jobData) {
    if (jobData == null || !(jobData.containsKey("maxTokens") || jobData.containsKey("maxCostUsd"))) {
      return Optional.empty();
    }
    Object cost = jobData.getValue("maxCostUsd");
    return Optional.of(new RunBudget(jobData.getLong("maxTokens"),
        cost instanceof Number n ? new BigDecimal(n.toString()) : null));
  }

  /** Why the run has passed its budget, if it has. */
  Optional<String> passedBy(ClaudeStreamParser parser) {
    long tokens = parser.tokensSoFar();
    if (maxTokens != null && tokens > maxTokens) {
      return Optional.of("the run used " + tokens + " tokens, more than its budget of " + maxTokens);
    }
    Optional<BigDecimal> cost = parser.costSoFar();
    if (maxCostUsd != null && cost.isPresent() && cost.get().compareTo(maxCostUsd) > 0) {
      return Optional.of("the run cost $" + cost.get().toPlainString() + ", more than its budget of $"
          + maxCostUsd.toPlainString());
    }
    return Optional.empty();
  }
}
