package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A database that cannot take a request right now (disk full, out of memory or connections, shutting
 * down or recovering) answers 503 with a code saying which, not 500: the request may be sent again.
 */
class DatabaseErrorStatusTest {
  @ParameterizedTest
  @CsvSource({
      "53100, 503, storage_full",
      "53000, 503, insufficient_resources",
      "53200, 503, insufficient_resources",
      "53300, 503, insufficient_resources",
      "57P01, 503, database_unavailable",
      "57P02, 503, database_unavailable",
      "57P03, 503, database_unavailable",
      "08006, 503, database_unavailable",
      "57014, 503, statement_timeout",
      "XX000, 500, internal_error"})
  void aDatabaseFailureAnswersTheStatusOfItsSqlState(String sqlState, int status, String code) {
    ApiException answer = ErrorHandler.fromDatabase(new PgException("refused", "ERROR", sqlState, null));

    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.code()).isEqualTo(code);
    assertThat(answer.getMessage()).isNotBlank();
  }

  /** However the transport words it, a connection to the database that broke under a request. */
  @Test
  void aBrokenConnectionToTheDatabaseIsTheDatabaseBeingUnavailable() {
    assertThat(ErrorHandler.lostTheDatabase(new IOException("Connection reset by peer"))).isTrue();
    assertThat(ErrorHandler.lostTheDatabase(new SocketException("Connection reset"))).isTrue();
    assertThat(ErrorHandler.lostTheDatabase(ClosedConnectionException.INSTANCE)).isTrue();
    assertThat(ErrorHandler.lostTheDatabase(new IllegalStateException("a bug"))).isFalse();
  }
}
