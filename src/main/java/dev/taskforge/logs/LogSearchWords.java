package dev.taskforge.logs;

import java.util.Arrays;

/**
 * The words of a log search as ILIKE patterns, a cheap first test before the full-text one.
 * {@code plainto_tsquery('simple', q)} looks for lower-cased tokens of {@code q}, and every token
 * the 'simple' parser finds is made of such words; a line it matches therefore holds each word of
 * {@code q}, in any case, somewhere in its text. The patterns never refuse a line the text search
 * would match: they only skip tokenising the lines it could not.
 */
final class LogSearchWords {
  private LogSearchWords() {
  }

  /** {@code %word%} for each word (letters and digits) of {@code q}, escaped; null when there is none. */
  static String[] patterns(String q) {
    if (q == null) {
      return null;
    }
    String[] patterns = Arrays.stream(q.split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty()).distinct()
        .map(w -> "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        .toArray(String[]::new);
    return patterns.length == 0 ? null : patterns;
  }
}
