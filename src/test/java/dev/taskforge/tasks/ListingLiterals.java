package dev.taskforge.tasks;

/** A listing statement's parameter written as an SQL literal, for the tests that EXPLAIN a listing. */
final class ListingLiterals {
  private ListingLiterals() {
  }

  /** A text array as ARRAY['a','b'], a number as itself, anything else (a UUID) quoted. */
  static String of(Object value) {
    return value instanceof String[] array ? "ARRAY['" + String.join("','", array) + "']"
        : value instanceof Number ? value.toString() : "'" + value + "'";
  }
}
