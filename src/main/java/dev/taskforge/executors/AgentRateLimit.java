package dev.taskforge.executors;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claude Code refused to go on because of a rate limit, a usage limit or an overload, and when it
 * said the limit resets (null when it did not say). Read from a {@code rate_limit_event} whose
 * status is {@code rejected} ({@code rate_limit_info.resetsAt}, epoch seconds), or from an error
 * {@code result} whose text is {@code "Claude AI usage limit reached|<epoch seconds>"} or names a
 * 429 rate_limit_error or a 529 overloaded_error.
 */
public record AgentRateLimit(String reason, Instant resetsAt) {
  private static final Pattern USAGE_LIMIT = Pattern.compile("usage limit reached\\|(\\d{9,11})",
      Pattern.CASE_INSENSITIVE);

  static Optional<AgentRateLimit> fromEvent(JsonObject event) {
    if (!(event.getValue("rate_limit_info") instanceof JsonObject info) || !"rejected".equals(info.getValue("status"))) {
      return Optional.empty();
    }
    Object resetsAt = info.getValue("resetsAt");
    String type = info.getValue("rateLimitType") instanceof String t ? t + " " : "";
    return Optional.of(new AgentRateLimit("the agent's " + type + "rate limit was reached",
        resetsAt instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null));
  }

  static Optional<AgentRateLimit> fromResult(JsonObject event) {
    if (!Boolean.TRUE.equals(event.getValue("is_error")) || !(event.getValue("result") instanceof String text)) {
      return Optional.empty();
    }
    Matcher usage = USAGE_LIMIT.matcher(text);
    if (usage.find()) {
      return Optional.of(new AgentRateLimit("the agent's usage limit was reached",
          Instant.ofEpochSecond(Long.parseLong(usage.group(1)))));
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("rate_limit_error") || lower.contains("overloaded_error")) {
      return Optional.of(new AgentRateLimit(lower.contains("overloaded_error") ? "the agent's API was overloaded"
          : "the agent's API rate limit was reached", null));
    }
    return Optional.empty();
  }
}
