package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.projects.ProjectRepository;
import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TaskRepositoryTest {
  private static RepositoryTestSupport db;
  private static TaskRepository tasks;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(TaskRepositoryTest.class);
    tasks = new TaskRepository(db.pool);
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void everyFieldOfACreatedTaskReadsBack() {
    UUID project = await(new ProjectRepository(db.pool).create(alice, "P", null)).id();
    OffsetDateTime later = OffsetDateTime.now(ZoneOffset.UTC).plusHours(2).truncatedTo(ChronoUnit.MICROS);
    NewTask draft = new NewTask(alice, project, null, 3, "Refactor the parser", "Split it in two",
        "Refactor src/parser.ts into lexer and parser", new JsonObject().put("executor", "claude").put("timeoutSeconds", 600),
        TaskStatus.PENDING, TaskPriority.HIGH, List.of("refactor", "parser"), new JsonObject().put("ticket", "TF-12"),
        900, later);

    Task task = await(tasks.create(draft));

    assertThat(task).usingRecursiveComparison()
        .comparingOnlyFields("ownerId", "projectId", "position", "title", "description", "prompt", "config", "status",
            "priority", "tags", "metadata", "estimatedDuration")
        .isEqualTo(draft);
    assertThat(task.scheduledAt()).isEqualTo(later);
    assertThat(task.version()).isEqualTo(1);
    assertThat(await(tasks.findById(alice, task.id()))).contains(task);
  }

  @Test
  void anotherOwnersTaskIsNotFoundNotUpdatedNotDeleted() {
    Task mine = await(tasks.create(NewTask.of(alice, "Mine", "echo mine")));

    assertThat(await(tasks.findById(bob, mine.id()))).isEmpty();
    assertThat(await(tasks.updateStatus(bob, mine.id(), TaskStatus.CANCELLED))).isEmpty();
    assertThat(await(tasks.delete(bob, mine.id()))).isFalse();
    assertThat(await(tasks.listByOwner(bob, 100))).extracting(Task::id).doesNotContain(mine.id());
    assertThat(await(tasks.findById(alice, mine.id()))).hasValueSatisfying(
        t -> assertThat(t.status()).isEqualTo(TaskStatus.PENDING));
  }

  @Test
  void aSubtaskUnderAnotherOwnersTaskIsRefusedByTheDatabase() {
    Task mine = await(tasks.create(NewTask.of(alice, "Parent", "p")));

    Throwable failure = failureOf(tasks.create(NewTask.of(bob, "Intruder", "p").underParent(mine.id(), 0)));

    assertThat(failure).isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23503"));
  }

  @Test
  void childrenComeInPositionOrderAndStatusUpdatesBumpTheVersion() {
    Task parent = await(tasks.create(NewTask.of(alice, "Epic", "p")));
    Task second = await(tasks.create(NewTask.of(alice, "Second", "p").underParent(parent.id(), 2)));
    Task first = await(tasks.create(NewTask.of(alice, "First", "p").underParent(parent.id(), 1)));

    assertThat(await(tasks.children(alice, parent.id()))).extracting(Task::id).containsExactly(first.id(), second.id());
    Task queued = await(tasks.updateStatus(alice, first.id(), TaskStatus.QUEUED)).orElseThrow();
    assertThat(queued.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(queued.version()).isEqualTo(first.version() + 1);
  }

  @Test
  void dependenciesAreRecordedListedRemovedAndNeverCyclic() {
    Task build = await(tasks.create(NewTask.of(alice, "Build", "make")));
    Task test = await(tasks.create(NewTask.of(alice, "Test", "make test")));

    TaskDependency edge = await(tasks.addDependency(alice, test.id(), build.id(), DependencyType.REQUIRES));
    Throwable cycle = failureOf(tasks.addDependency(alice, build.id(), test.id(), DependencyType.BLOCKS));

    assertThat(edge.type()).isEqualTo(DependencyType.REQUIRES);
    assertThat(await(tasks.dependenciesOf(alice, test.id()))).containsExactly(edge);
    assertThat(await(tasks.dependenciesOf(bob, test.id()))).isEmpty();
    assertThat(cycle).isInstanceOfSatisfying(PgException.class, e -> {
      assertThat(e.getSqlState()).isEqualTo("TF001");
      assertThat(e.getErrorMessage()).contains(build.id().toString()).contains(test.id().toString());
    });
    assertThat(await(tasks.removeDependency(bob, test.id(), build.id()))).isFalse();
    assertThat(await(tasks.removeDependency(alice, test.id(), build.id()))).isTrue();
  }

  @Test
  void deletingATaskDeletesItsSubtasks() {
    Task parent = await(tasks.create(NewTask.of(alice, "Doomed", "p")));
    Task child = await(tasks.create(NewTask.of(alice, "Child", "p").underParent(parent.id(), 0)));

    assertThat(await(tasks.delete(alice, parent.id()))).isTrue();

    assertThat(await(tasks.findById(alice, child.id()))).isEmpty();
  }
}
