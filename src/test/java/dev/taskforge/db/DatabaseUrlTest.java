package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void parsesEveryPartOfAPostgresqlUrl() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://tf%20user:p%3Ass@localhost:5433/task%20db?sslmode=disable");

    assertThat(url.user()).isEqualTo("tf user");
    assertThat(url.password()).isEqualTo("p:ss");
    assertThat(url.host()).isEqualTo("localhost");
    assertThat(url.port()).isEqualTo(5433);
    assertThat(url.database()).isEqualTo("task db");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/task%20db?sslmode=disable");
  }

  @Test
  void roundTripsThroughItsOwnUrlForm() {
    DatabaseUrl url = DatabaseUrl.of("127.0.0.1", 6000, "taskforge", "postgres", "a/b@c:d");

    assertThat(DatabaseUrl.parse(url.toUrl())).isEqualTo(url);
  }

  @Test
  void defaultsThePortAndNeverPrintsThePassword() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://me:secret@db/app");

    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.toString()).doesNotContain("secret").contains("me:***@db:5432/app");
  }

  @Test
  void rejectsWhatIsNotAPostgresqlUrl() {
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://db/app")).hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://db")).hasMessageContaining("no database");
    assertThatThrownBy(() -> DatabaseUrl.parse("  ")).hasMessageContaining("empty");
  }
}
