package dev.taskforge.results;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Results of executions and the files they produced; reads are scoped to the task's owner. */
public final class ResultRepository {
  private final SqlClient client;

  public ResultRepository(SqlClient client) {
    this.client = client;
  }

  /** Records a result; an execution of another task fails with SQLSTATE 23503. */
  public Future<TaskResult> create(NewResult result) {
    Map<String, Object> params = new HashMap<>();
    params.put("task_id", result.taskId());
    params.put("execution_id", result.executionId());
    params.put("status", result.status().name());
    params.put("summary", result.summary());
    params.put("output", result.output());
    params.put("execution_time_ms", result.executionTimeMs());
    params.put("tokens_used", result.tokensUsed());
    params.put("input_tokens", result.inputTokens());
    params.put("output_tokens", result.outputTokens());
    params.put("cache_creation_tokens", result.cacheCreationTokens());
    params.put("cache_read_tokens", result.cacheReadTokens());
    params.put("cost_estimate", result.costEstimate());
    params.put("session_id", result.sessionId());
    params.put("num_turns", result.numTurns());
    return Templates.forQuery(client, ResultSql.INSERT).mapTo(TaskResult.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /** A task's results, newest first. */
  public Future<List<TaskResult>> ofTask(UUID ownerId, UUID taskId) {
    return Templates.forQuery(client, ResultSql.OF_TASK).mapTo(TaskResult.MAPPER)
        .execute(Map.of("owner_id", ownerId, "task_id", taskId)).map(Rows::list);
  }

  /** The results an execution of the owner's produced, newest first. */
  public Future<List<TaskResult>> ofExecution(UUID ownerId, UUID executionId) {
    return Templates.forQuery(client, ResultSql.OF_EXECUTION).mapTo(TaskResult.MAPPER)
        .execute(Map.of("owner_id", ownerId, "execution_id", executionId)).map(Rows::list);
  }

  /** One file, with its bytes, of one of the owner's executions. */
  public Future<Optional<ResultFile>> fileOfExecution(UUID ownerId, UUID executionId, UUID fileId) {
    return Templates.forQuery(client, ResultSql.FILE_OF_EXECUTION).mapTo(ResultFile.MAPPER)
        .execute(Map.of("owner_id", ownerId, "execution_id", executionId, "id", fileId)).map(Rows::first);
  }

  /** Stores a file of a result; its size and SHA-256 are computed here from the bytes. */
  public Future<ResultFile> addFile(UUID resultId, String path, String contentType, Buffer content) {
    Map<String, Object> params = new HashMap<>();
    params.put("result_id", resultId);
    params.put("path", path);
    params.put("content_type", contentType);
    params.put("size_bytes", (long) content.length());
    params.put("sha256", sha256Hex(content));
    params.put("content", content);
    return Templates.forQuery(client, ResultSql.INSERT_FILE).mapTo(ResultFile.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /** The files of a result, without their bytes, by path. */
  public Future<List<ResultFile>> filesOf(UUID ownerId, UUID resultId) {
    return Templates.forQuery(client, ResultSql.FILES_OF_RESULT).mapTo(ResultFile.MAPPER)
        .execute(Map.of("owner_id", ownerId, "result_id", resultId)).map(Rows::list);
  }

  /** One file with its bytes. */
  public Future<Optional<ResultFile>> file(UUID ownerId, UUID fileId) {
    return Templates.forQuery(client, ResultSql.FILE_WITH_CONTENT).mapTo(ResultFile.MAPPER)
        .execute(Map.of("owner_id", ownerId, "id", fileId)).map(Rows::first);
  }

  static String sha256Hex(Buffer content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
