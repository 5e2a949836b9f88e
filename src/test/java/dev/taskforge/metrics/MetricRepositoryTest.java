package dev.taskforge.metrics;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricRepositoryTest {
  private static RepositoryTestSupport db;
  private static MetricRepository metrics;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(MetricRepositoryTest.class);
    metrics = new MetricRepository(db.pool);
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aBatchIsStoredInOneStatementAndReadBackInTimeOrder() {
    OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusMinutes(10);
    List<NewMetricSample> batch = IntStream.range(0, 100)
        .mapToObj(i -> new NewMetricSample(start.plusSeconds(i), MetricType.GAUGE, "queue.depth", i, "jobs", null, null,
            "default", i % 2 == 0 ? new JsonObject().put("even", true) : null))
        .toList();

    assertThat(await(metrics.insert(batch))).isEqualTo(100);

    List<SystemMetric> series = await(metrics.series("queue.depth", start.plusSeconds(10), start.plusSeconds(20)));
    assertThat(series).extracting(SystemMetric::value).containsExactly(10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
        18.0, 19.0);
    assertThat(series.get(0).tags()).isEqualTo(new JsonObject().put("even", true));
    assertThat(series.get(1).tags()).isEqualTo(new JsonObject());
    assertThat(series.get(0).queueName()).isEqualTo("default");
    assertThat(series.get(0).metricType()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void executionMetricsAreVisibleToTheTasksOwnerOnly() {
    UUID execution = db.newExecution(alice);
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    NewMetricSample sample = new NewMetricSample(at, MetricType.TIMER, "process.cpu", 42.5, "percent", execution,
        "w", "default", new JsonObject().put("core", 3));
    await(metrics.insert(List.of(sample)));

    assertThat(await(metrics.ofExecution(alice, execution))).singleElement().satisfies(m -> {
      assertThat(m.id()).isNotNull();
      assertThat(m).extracting(SystemMetric::recordedAt, SystemMetric::metricType, SystemMetric::metricName,
              SystemMetric::value, SystemMetric::unit, SystemMetric::executionId, SystemMetric::workerId,
              SystemMetric::queueName, SystemMetric::tags)
          .containsExactly(at, MetricType.TIMER, "process.cpu", 42.5, "percent", execution, "w", "default",
              new JsonObject().put("core", 3));
    });
    assertThat(await(metrics.ofExecution(bob, execution))).isEmpty();
  }
}
