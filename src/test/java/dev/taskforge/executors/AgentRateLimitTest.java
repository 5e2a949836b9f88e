package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rate limits, usage limits and overloads Claude Code reports in its stream-json output. */
class AgentRateLimitTest {
  private static final String INIT = "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\",\"tools\":[]}";

  @Test
  void aRejectingRateLimitEventGivesItsResetTime() {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    parser.accept(INIT);
    parser.accept("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"allowed\",\"resetsAt\":1771390800}}");
    assertThat(parser.rateLimit()).as("an allowed request is no limit").isEmpty();

    parser.accept("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\",\"resetsAt\":1771390800,"
        + "\"rateLimitType\":\"five_hour\"}}");
    parser.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"5-hour limit reached\"}");

    assertThat(parser.rateLimit()).hasValueSatisfying(limit -> {
      assertThat(limit.resetsAt()).isEqualTo(Instant.ofEpochSecond(1771390800));
      assertThat(limit.reason()).contains("five_hour");
    });
  }

  @Test
  void aUsageLimitResultCarriesItsResetTimeAfterTheBar() {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    parser.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
        + "\"result\":\"Claude AI usage limit reached|1762952400\"}");
    assertThat(parser.rateLimit()).hasValueSatisfying(limit ->
        assertThat(limit.resetsAt()).isEqualTo(Instant.ofEpochSecond(1762952400)));
  }

  @Test
  void anOverloadedOrRateLimitedApiErrorIsALimitWithoutAResetTime() {
    ClaudeStreamParser parser = new ClaudeStreamParser();
    parser.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"API Error: 529 "
        + "{\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"overloaded_error\\\",\\\"message\\\":\\\"Overloaded\\\"}}\"}");
    assertThat(parser.rateLimit()).hasValueSatisfying(limit -> {
      assertThat(limit.resetsAt()).isNull();
      assertThat(limit.reason()).contains("overloaded");
    });
  }

  @Test
  void anOrdinaryErrorOrASuccessIsNoLimit() {
    ClaudeStreamParser failed = new ClaudeStreamParser();
    failed.accept("{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true}");
    assertThat(failed.rateLimit()).isEmpty();
    ClaudeStreamParser succeeded = new ClaudeStreamParser();
    succeeded.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
        + "\"result\":\"fixed the usage limit reached|1762952400 message\"}");
    assertThat(succeeded.rateLimit()).isEmpty();
  }
}
