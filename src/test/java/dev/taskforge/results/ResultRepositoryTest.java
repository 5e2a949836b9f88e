package dev.taskforge.results;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.executions.ExecutionRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResultRepositoryTest {
  private static RepositoryTestSupport db;
  private static ResultRepository results;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(ResultRepositoryTest.class);
    results = new ResultRepository(db.pool);
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static UUID task() {
    return db.newTask(alice);
  }

  private static UUID execution(UUID task) {
    return await(new ExecutionRepository(db.pool).create(task, null, 1, "claude", "w", 0)).id();
  }

  private static NewResult result(UUID task, UUID execution) {
    return new NewResult(task, execution, ResultStatus.SUCCESS, "Refactored the parser", new JsonObject().put("pr", 42),
        93_000L, 15_234L, 1_200L, 3_400L, 2_000L, 8_634L, new BigDecimal("0.184213"), "sess-1", 12);
  }

  @Test
  void aResultReadsBackWithItsUsageAndCost() {
    UUID task = task();
    UUID execution = execution(task);

    TaskResult stored = await(results.create(result(task, execution)));

    assertThat(stored).usingRecursiveComparison()
        .comparingOnlyFields("taskId", "executionId", "status", "summary", "output", "executionTimeMs", "tokensUsed",
            "inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens", "costEstimate", "sessionId",
            "numTurns")
        .isEqualTo(result(task, execution));
    assertThat(await(results.ofTask(alice, task))).containsExactly(stored);
    assertThat(await(results.ofTask(bob, task))).isEmpty();
  }

  @Test
  void aResultCannotPointAtAnExecutionOfAnotherTask() {
    UUID task = task();
    UUID otherExecution = execution(task());

    assertThat(failureOf(results.create(result(task, otherExecution))))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23503"));
  }

  @Test
  void aFileKeepsItsBytesSizeAndChecksumAndIsListedWithoutItsBytes() throws Exception {
    UUID task = task();
    TaskResult result = await(results.create(result(task, execution(task))));
    Buffer bytes = Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff, 'x'});

    ResultFile file = await(results.addFile(result.id(), "out/report.bin", "application/octet-stream", bytes));

    assertThat(file.sizeBytes()).isEqualTo(5L);
    assertThat(file.sha256()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(bytes.getBytes())));
    assertThat(await(results.file(alice, file.id()))).hasValueSatisfying(f -> assertThat(f.content()).isEqualTo(bytes));
    assertThat(await(results.filesOf(alice, result.id()))).singleElement().satisfies(f -> {
      assertThat(f.path()).isEqualTo("out/report.bin");
      assertThat(f.content()).isNull();
    });
    assertThat(await(results.file(bob, file.id()))).isEmpty();
    assertThat(await(results.filesOf(bob, result.id()))).isEmpty();
  }

  @Test
  void aFilePathThatEscapesTheOutputDirectoryIsRefused() {
    UUID task = task();
    TaskResult result = await(results.create(result(task, execution(task))));

    assertThat(failureOf(results.addFile(result.id(), "../etc/passwd", "text/plain", Buffer.buffer("x"))))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23514"));
  }
}
