package dev.taskforge.workflows;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.projects.ProjectRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkflowRepositoryTest {
  private static RepositoryTestSupport db;
  private static WorkflowRepository workflows;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(WorkflowRepositoryTest.class);
    workflows = new WorkflowRepository(db.pool);
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void everyFieldOfAWorkflowAStepAndARunReadsBack() {
    UUID project = await(new ProjectRepository(db.pool).create(alice, "Releases", null)).id();
    JsonObject configuration = new JsonObject().put("queue", "release").put("maxAttempts", 2);

    Workflow workflow = await(workflows.create(alice, project, "Ship it", "build then ship", configuration));
    WorkflowStep step = await(workflows.addStep(alice, workflow.id(), "build", 4, "Build", template("make"),
        List.of("lint"), StepErrorPolicy.CONTINUE, 900)).orElseThrow();
    WorkflowExecution run = await(workflows.startRun(alice, workflow.id(), "webhook", "github",
        new JsonObject().put("sha", "abc123")));

    assertThat(workflow).extracting(Workflow::ownerId, Workflow::projectId, Workflow::name, Workflow::description,
            Workflow::status, Workflow::triggerType, Workflow::configuration, Workflow::metadata, Workflow::version,
            Workflow::executionCount, Workflow::successCount)
        .containsExactly(alice, project, "Ship it", "build then ship", WorkflowStatus.DRAFT, "manual", configuration,
            new JsonObject(), 1, 0, 0);
    assertThat(await(workflows.findById(alice, workflow.id()))).contains(workflow);
    assertThat(step).extracting(WorkflowStep::workflowId, WorkflowStep::stepKey, WorkflowStep::position,
            WorkflowStep::name, WorkflowStep::taskTemplate, WorkflowStep::dependsOn, WorkflowStep::condition,
            WorkflowStep::onError, WorkflowStep::timeoutSeconds)
        .containsExactly(workflow.id(), "build", 4, "Build", template("make"), List.of("lint"), null,
            StepErrorPolicy.CONTINUE, 900);
    assertThat(await(workflows.steps(alice, workflow.id()))).containsExactly(step);
    assertThat(run).extracting(WorkflowExecution::workflowId, WorkflowExecution::ownerId, WorkflowExecution::status,
            WorkflowExecution::triggerType, WorkflowExecution::triggeredBy, WorkflowExecution::context,
            WorkflowExecution::totalTasks, WorkflowExecution::completedTasks, WorkflowExecution::failedTasks,
            WorkflowExecution::errorMessage, WorkflowExecution::startedAt, WorkflowExecution::completedAt)
        .containsExactly(workflow.id(), alice, WorkflowExecutionStatus.PENDING, "webhook", "github",
            new JsonObject().put("sha", "abc123"), 0, 0, 0, null, null, null);
    assertThat(await(workflows.runs(alice, workflow.id()))).containsExactly(run);
  }

  @Test
  void aWorkflowWithADagOfStepsReadsBackInPositionOrder() {
    Workflow release = await(workflows.create(alice, null, "Release", "build, test, ship",
        new JsonObject().put("queue", "release")));
    await(workflows.addStep(alice, release.id(), "build", 0, "Build", template("make"), List.of(), StepErrorPolicy.FAIL,
        600));
    await(workflows.addStep(alice, release.id(), "ship", 2, "Ship", template("make ship"), List.of("build", "test"),
        StepErrorPolicy.RETRY, null));
    await(workflows.addStep(alice, release.id(), "test", 1, "Test", template("make test"), List.of("build"),
        StepErrorPolicy.CONTINUE, null));

    List<WorkflowStep> steps = await(workflows.steps(alice, release.id()));

    assertThat(release.status()).isEqualTo(WorkflowStatus.DRAFT);
    assertThat(steps).extracting(WorkflowStep::stepKey).containsExactly("build", "test", "ship");
    assertThat(steps.get(2).dependsOn()).containsExactly("build", "test");
    assertThat(steps.get(2).onError()).isEqualTo(StepErrorPolicy.RETRY);
    assertThat(steps.get(0).taskTemplate()).isEqualTo(template("make"));
    assertThat(await(workflows.setStatus(alice, release.id(), WorkflowStatus.ACTIVE))).hasValueSatisfying(
        w -> assertThat(w.status()).isEqualTo(WorkflowStatus.ACTIVE));
  }

  @Test
  void anotherOwnerCanNeitherSeeNorExtendNorRunAWorkflow() {
    Workflow mine = await(workflows.create(alice, null, "Mine", null, new JsonObject()));

    assertThat(await(workflows.findById(bob, mine.id()))).isEmpty();
    assertThat(await(workflows.listByOwner(bob))).extracting(Workflow::id).doesNotContain(mine.id());
    assertThat(await(workflows.addStep(bob, mine.id(), "evil", 0, "Evil", template("rm -rf /"), List.of(),
        StepErrorPolicy.FAIL, null))).isEmpty();
    assertThat(await(workflows.steps(alice, mine.id()))).isEmpty();
    assertThat(failureOf(workflows.startRun(bob, mine.id(), "manual", "bob", new JsonObject())))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23503"));
    assertThat(await(workflows.delete(bob, mine.id()))).isFalse();
  }

  @Test
  void runsAreRecordedForTheirWorkflowNewestFirst() {
    Workflow nightly = await(workflows.create(alice, null, "Nightly", null, new JsonObject()));
    WorkflowExecution first = await(workflows.startRun(alice, nightly.id(), "schedule", "cron", new JsonObject()));
    WorkflowExecution second = await(workflows.startRun(alice, nightly.id(), "manual", "alice",
        new JsonObject().put("branch", "main")));

    assertThat(first.status()).isEqualTo(WorkflowExecutionStatus.PENDING);
    assertThat(await(workflows.runs(alice, nightly.id()))).extracting(WorkflowExecution::id)
        .containsExactlyInAnyOrder(first.id(), second.id());
    assertThat(await(workflows.runs(bob, nightly.id()))).isEmpty();
  }

  private static JsonObject template(String prompt) {
    return new JsonObject().put("title", prompt).put("prompt", prompt);
  }
}
