package dev.taskforge.tasks;

/** A listing statement's parameter written as an SQL literal, for the tests that EXPLAIN a listing. */
final class ListingLiterals {
  private ListingLiterals() {
  }

  /**
   * An array as the untyped literal '{"a","b"}' (it takes the type the statement casts it to: text,
   * or an enum whose values travel as an array of it), a number as itself, anything else (a UUID)
   * quoted. The tests' values hold no quotes or backslashes.
   */
  static String of(Object value) {
    return value instanceof String[] array ? "'{\"" + String.join("\",\"", array) + "\"}'"
        : value instanceof Number ? value.toString() : "'" + value + "'";
  }
}
