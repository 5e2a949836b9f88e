package dev.taskforge.db.backup;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A partition's bound as a backup records it ({@code pg_get_expr} of the partition bound), read
 * into its parts and written back from them, so that nothing of the file reaches SQL but values of
 * a fixed shape. The partitions Taskforge makes are of three kinds: the default one, ranges of
 * time, and lists of plain words.
 *
 * @param sql the bound as CREATE TABLE ... PARTITION OF takes it, rebuilt from the parsed values
 */
record PartitionBound(String sql) {
  private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}(?: \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?)?(?:[+-]\\d{2}(?::\\d{2})?)?";
  private static final Pattern RANGE = Pattern.compile(
      "FOR VALUES FROM \\('(" + TIMESTAMP + ")'\\) TO \\('(" + TIMESTAMP + ")'\\)");
  private static final Pattern LIST = Pattern.compile("FOR VALUES IN \\(('\\w{1,63}'(?:, '\\w{1,63}')*)\\)");
  private static final String DEFAULT = "DEFAULT";

  /** The bound, or {@link IllegalArgumentException} naming the partition when it is of no shape Taskforge makes. */
  static PartitionBound parse(String partition, String bound) {
    if (DEFAULT.equals(bound)) {
      return new PartitionBound(DEFAULT);
    }
    Matcher range = RANGE.matcher(bound == null ? "" : bound);
    if (range.matches()) {
      return new PartitionBound("FOR VALUES FROM ('" + range.group(1) + "') TO ('" + range.group(2) + "')");
    }
    Matcher list = LIST.matcher(bound == null ? "" : bound);
    if (list.matches()) {
      List<String> words = Pattern.compile("'(\\w+)'").matcher(list.group(1)).results().map(m -> m.group(1)).toList();
      return new PartitionBound("FOR VALUES IN ('" + String.join("', '", words) + "')");
    }
    throw new IllegalArgumentException("its manifest gives partition " + partition
        + " a bound that is neither DEFAULT, a range of two timestamps nor a list of words");
  }
}
