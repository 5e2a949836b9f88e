package dev.taskforge.projects;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.pgclient.PgException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProjectRepositoryTest {
  private static RepositoryTestSupport db;
  private static ProjectRepository projects;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(ProjectRepositoryTest.class);
    projects = new ProjectRepository(db.pool);
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aProjectReadsBackAndIsListedNewestFirstForItsOwnerOnly() {
    Project first = await(projects.create(alice, "Backend", "the API"));
    Project second = await(projects.create(alice, "Frontend", null));

    assertThat(await(projects.findById(alice, first.id()))).contains(first);
    assertThat(await(projects.listByOwner(alice, 10))).extracting(Project::id).startsWith(second.id(), first.id());
    assertThat(await(projects.listByOwner(bob, 10))).extracting(Project::id).doesNotContain(first.id(), second.id());
  }

  @Test
  void anotherOwnersProjectCannotBeReadRenamedOrDeleted() {
    Project mine = await(projects.create(alice, "Private", null));

    assertThat(await(projects.findById(bob, mine.id()))).isEmpty();
    assertThat(await(projects.rename(bob, mine.id(), "Hijacked"))).isEmpty();
    assertThat(await(projects.delete(bob, mine.id()))).isFalse();
    assertThat(await(projects.findById(alice, mine.id()))).hasValueSatisfying(
        p -> assertThat(p.name()).isEqualTo("Private"));
  }

  @Test
  void renamingKeepsTheIdAndMovesUpdatedAt() {
    Project p = await(projects.create(alice, "Old name", null));

    Project renamed = await(projects.rename(alice, p.id(), "New name")).orElseThrow();

    assertThat(renamed.id()).isEqualTo(p.id());
    assertThat(renamed.name()).isEqualTo("New name");
    assertThat(renamed.updatedAt()).isAfterOrEqualTo(p.updatedAt());
  }

  @Test
  void namesAreUniquePerOwnerRegardlessOfCaseButFreeAcrossOwners() {
    await(projects.create(alice, "Shared Name", null));

    assertThat(failureOf(projects.create(alice, "shared name", null)))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23505"));
    assertThat(await(projects.create(bob, "Shared Name", null)).ownerId()).isEqualTo(bob);
  }
}
