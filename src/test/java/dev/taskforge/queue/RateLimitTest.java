package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** queue.rateLimits: jobs per window, read once at start; a bad value names its key. */
class RateLimitTest {
  private static QueueLimits rates(Object value) {
    return QueueLimits.from(new JsonObject().put("rateLimits", new JsonObject().put("agents", value)));
  }

  @Test
  void aRateIsJobsPerWindowOfOneOrMoreUnits() {
    assertThat(rates("10/minute").rateOf("agents")).hasValue(new RateLimit(10, Duration.ofMinutes(1), "10/minute"));
    assertThat(rates("5/2s").rateOf("agents").orElseThrow().window()).isEqualTo(Duration.ofSeconds(2));
    assertThat(rates("100/hour").rateOf("agents").orElseThrow().jobs()).isEqualTo(100);
    assertThat(rates("10/minute").names()).containsExactly("agents");
    assertThat(rates("10/minute").rateOf("other")).isEmpty();
  }

  @Test
  void aBadRateFailsNamingItsKey() {
    for (Object bad : new Object[] {"10", "ten/minute", "0/minute", "5/0s", "5/fortnight", 10}) {
      assertThatThrownBy(() -> rates(bad)).as(String.valueOf(bad)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("queue.rateLimits.agents");
    }
  }
}
