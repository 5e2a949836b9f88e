package dev.taskforge.executors;

import dev.taskforge.logs.LogText;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Claude Code's {@code --output-format stream-json} output one line at a time and turns it
 * into readable log lines (assistant text, each tool call with its input in brief, tool results
 * cut to a sane length) and, from the final {@code result} event, the run's usage, cost and summary.
 * Tolerant by design: unknown event types and fields are skipped, a line that is not JSON passes
 * through as text, and a run that ends without a result event simply has none.
 */
public final class ClaudeStreamParser {
  static final int TOOL_INPUT_CHARS = 300;
  static final int TOOL_RESULT_CHARS = 2000;

  /**
   * A log line to store: level name, text, and for tool calls the tool and its call id. Its text is
   * made storable here, after any cut, since JSON escapes can spell a NUL or half a surrogate pair.
   */
  public record AgentLine(String level, String message, String operation, String correlationId, JsonObject details) {
    public AgentLine {
      message = LogText.storable(message);
      operation = LogText.storable(operation);
      correlationId = LogText.storable(correlationId);
      details = LogText.storable(details);
    }
  }

  /** What the {@code result} event reports. */
  public record ClaudeResult(String subtype, boolean isError, long durationMs, int numTurns, String summary,
      String sessionId, BigDecimal costUsd, long inputTokens, long outputTokens, long cacheCreationTokens,
      long cacheReadTokens) {
    public ClaudeResult {
      subtype = LogText.storable(subtype);
      summary = LogText.storable(summary);
      sessionId = LogText.storable(sessionId);
    }

    public long tokensUsed() {
      return inputTokens + outputTokens + cacheCreationTokens + cacheReadTokens;
    }
  }

  private ClaudeResult result;
  private String sessionId;
  /** Usage of the assistant messages so far, each message counted once (its blocks repeat it). */
  private final Set<String> countedMessages = new HashSet<>();
  private long tokensSoFar;
  private AgentRateLimit rateLimit;

  /** The log lines one output line stands for (none for events without anything to show). */
  public List<AgentLine> accept(String line) {
    List<AgentLine> out = new ArrayList<>();
    if (line.isBlank()) {
      return out;
    }
    JsonObject event;
    try {
      event = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      out.add(new AgentLine("INFO", line, null, null, null));
      return out;
    }
    String type = event.getString("type", "");
    switch (type) {
      case "system" -> system(event, out);
      case "assistant" -> {
        count(event);
        assistant(event, out);
      }
      case "user" -> toolResults(event, out);
      case "result" -> result(event, out);
      case "rate_limit_event" -> AgentRateLimit.fromEvent(event).ifPresent(limit -> rateLimit = limit);
      default -> { } // whatever comes next: not ours to show
    }
    return out;
  }

  /**
   * Tokens the run has used so far: input, output and cache tokens of every assistant message
   * (each counted once), or the result's total once it arrived.
   */
  public long tokensSoFar() {
    return result == null ? tokensSoFar : Math.max(tokensSoFar, result.tokensUsed());
  }

  /** The run's cost, once the agent reported it (its result event). */
  public Optional<BigDecimal> costSoFar() {
    return result == null ? Optional.empty() : Optional.ofNullable(result.costUsd());
  }

  /**
   * The rate limit, usage limit or overload the agent stopped on, if it reported one; a reset time
   * from an event is kept when the result names the limit without one.
   */
  public Optional<AgentRateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /** The run's result, if its final event arrived. */
  public Optional<ClaudeResult> result() {
    return Optional.ofNullable(result);
  }

  /** The agent session id, once the init event (or the result) named it. */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  private void system(JsonObject event, List<AgentLine> out) {
    if (!"init".equals(event.getString("subtype"))) {
      return;
    }
    sessionId = event.getString("session_id", sessionId);
    JsonArray tools = event.getJsonArray("tools", new JsonArray());
    out.add(new AgentLine("INFO", "session " + sessionId + " started: model " + event.getString("model", "?") + ", "
        + tools.size() + " tools, cwd " + event.getString("cwd", "?"), "init", null, null));
  }

  private void count(JsonObject event) {
    try {
      JsonObject message = event.getJsonObject("message", new JsonObject());
      JsonObject usage = message.getJsonObject("usage");
      String id = message.getString("id");
      if (usage == null || (id != null && !countedMessages.add(id))) {
        return;
      }
      tokensSoFar += usage.getLong("input_tokens", 0L) + usage.getLong("output_tokens", 0L)
          + usage.getLong("cache_creation_input_tokens", 0L) + usage.getLong("cache_read_input_tokens", 0L);
    } catch (ClassCastException e) {
      // a message or usage of another shape: nothing to count
    }
  }

  private static void assistant(JsonObject event, List<AgentLine> out) {
    for (JsonObject block : blocks(event)) {
      switch (block.getString("type", "")) {
        case "text" -> {
          String text = block.getString("text", "");
          if (!text.isBlank()) {
            out.add(new AgentLine("INFO", text, null, null, null));
          }
        }
        case "tool_use" -> {
          String name = block.getString("name", "tool");
          JsonObject input = block.getJsonObject("input", new JsonObject());
          out.add(new AgentLine("INFO", "→ " + name + " " + cut(input.encode(), TOOL_INPUT_CHARS), name,
              block.getString("id"), new JsonObject().put("tool", name).put("input", input)));
        }
        default -> { }
      }
    }
  }

  private static void toolResults(JsonObject event, List<AgentLine> out) {
    for (JsonObject block : blocks(event)) {
      if (!"tool_result".equals(block.getString("type"))) {
        continue;
      }
      boolean error = block.getBoolean("is_error", false);
      String content = contentText(block.getValue("content"));
      out.add(new AgentLine(error ? "ERROR" : "INFO", (error ? "← error: " : "← ") + cut(content, TOOL_RESULT_CHARS),
          "tool_result", block.getString("tool_use_id"), null));
    }
  }

  private void result(JsonObject event, List<AgentLine> out) {
    JsonObject usage = event.getJsonObject("usage", new JsonObject());
    sessionId = event.getString("session_id", sessionId);
    Object cost = event.getValue("total_cost_usd");
    result = new ClaudeResult(
        event.getString("subtype", "unknown"),
        event.getBoolean("is_error", false),
        event.getLong("duration_ms", 0L),
        event.getInteger("num_turns", 0),
        event.getString("result"),
        sessionId,
        cost instanceof Number n ? new BigDecimal(n.toString()) : null,
        usage.getLong("input_tokens", 0L),
        usage.getLong("output_tokens", 0L),
        usage.getLong("cache_creation_input_tokens", 0L),
        usage.getLong("cache_read_input_tokens", 0L));
    AgentRateLimit.fromResult(event).filter(limit -> rateLimit == null || limit.resetsAt() != null)
        .ifPresent(limit -> rateLimit = limit);
    out.add(new AgentLine(result.isError() ? "ERROR" : "INFO",
        "finished: " + result.subtype() + " after " + result.numTurns() + " turns in "
            + String.format(Locale.ROOT, "%.1f s", result.durationMs() / 1000.0)
            + ", " + result.tokensUsed() + " tokens" + (result.costUsd() == null ? "" : ", $" + result.costUsd()),
        "result", null, null));
  }

  private static List<JsonObject> blocks(JsonObject event) {
    List<JsonObject> blocks = new ArrayList<>();
    Object message = event.getValue("message");
    if (message instanceof JsonObject m && m.getValue("content") instanceof JsonArray content) {
      for (Object block : content) {
        if (block instanceof JsonObject b) {
          blocks.add(b);
        }
      }
    }
    return blocks;
  }

  /** A tool result's content: a string, or a list of text blocks. */
  private static String contentText(Object content) {
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof JsonArray parts) {
      StringBuilder text = new StringBuilder();
      for (Object part : parts) {
        if (part instanceof JsonObject p && p.getString("text") != null) {
          text.append(text.isEmpty() ? "" : "\n").append(p.getString("text"));
        }
      }
      return text.toString();
    }
    return content == null ? "" : content.toString();
  }

  static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "… [" + (text.length() - max) + " more characters]";
  }
}
