package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pools are sized so that the server's connections fit in what the database allows. */
class ConnectionBudgetTest {

  @Test
  void theConfiguredSizeIsKeptWhenEveryPoolFits() {
    // 2 API instances: 5 pools of 16 and 6 fixed connections = 86 of 97.
    assertThat(ConnectionBudget.poolSize(16, 97, 2)).isEqualTo(16);
  }

  @Test
  void poolsAreCappedWhenTheyWouldExceedTheDatabasesLimit() {
    // 8 API instances: 11 pools and 12 fixed connections; (97 - 12) / 11 = 7 each.
    assertThat(ConnectionBudget.poolSize(16, 97, 8)).isEqualTo(7);
    int capped = ConnectionBudget.poolSize(16, 97, 8);
    assertThat(capped * ConnectionBudget.sizedPools(8) + ConnectionBudget.fixedConnections(8)).isLessThanOrEqualTo(97);
  }

  @Test
  void aPoolKeepsOneConnectionEvenWhenNothingFits() {
    assertThat(ConnectionBudget.poolSize(16, 5, 8)).isEqualTo(1);
  }

  @Test
  void theLimitIsReadFromTheDatabase() {
    DatabaseUrl url = TestDatabase.forClass(ConnectionBudgetTest.class);
    assertThat(ConnectionBudget.fit(1, url, 1)).isEqualTo(1);
    assertThat(ConnectionBudget.fit(100_000, url, 1)).isLessThan(100_000).isPositive();
  }
}
