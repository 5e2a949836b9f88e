package dev.taskforge.db;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Many rows written by one statement: each column's values as one array parameter, row i at index
 * i, for an {@code INSERT ... SELECT FROM unnest(...)}.
 */
public final class ColumnArrays {
  private ColumnArrays() {
  }

  /** The column {@code value} reads from each row, e.g. {@code of(jobs, UUID[]::new, NewJob::taskId)}. */
  public static <R, V> V[] of(List<R> rows, IntFunction<V[]> array, Function<R, V> value) {
    V[] column = array.apply(rows.size());
    for (int i = 0; i < column.length; i++) {
      column[i] = value.apply(rows.get(i));
    }
    return column;
  }
}
