package dev.taskforge.app;

import org.junit.jupiter.api.Tag;

/**
 * {@link RepeatedKillTest} on an external PostgreSQL (a cluster of the test's own, started with
 * the PostgreSQL 15 binaries; skipped, saying why, where they are missing): the server's restarts
 * find the database up, as a server beside a managed PostgreSQL would, rather than taking over
 * the embedded one its killed predecessor left running.
 */
@Tag("reliability")
class RepeatedKillExternalDatabaseTest extends RepeatedKillTest {
  @Override
  boolean externalDatabase() {
    return true;
  }
}
