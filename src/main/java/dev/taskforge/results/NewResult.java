package dev.taskforge.results;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;

/** What an execution reports when it finishes: its verdict, output, usage and cost. */
public record NewResult(UUID taskId, UUID executionId, ResultStatus status, String summary, JsonObject output,
    Long executionTimeMs, Long tokensUsed, Long inputTokens, Long outputTokens, Long cacheCreationTokens,
    Long cacheReadTokens, BigDecimal costEstimate, String sessionId, Integer numTurns) {}
