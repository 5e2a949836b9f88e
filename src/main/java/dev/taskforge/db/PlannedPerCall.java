package dev.taskforge.db;

/**
 * Marks a statement that PostgreSQL must plan at every call, with the values it is given.
 *
 * <p>Every other statement is prepared once per connection, and after five runs PostgreSQL may
 * keep a generic plan for it, made without the values. For a look-up by key that is the plan
 * anyway. For a listing it is a plan for the average owner: a tag-filtered listing of a user with
 * 10,000 tasks ran on the plan made for the owners of ~100 (every tagged task read and sorted,
 * 67 ms) where its own plan walks the sort order's index and stops after a page (2-4 ms). A
 * statement whose text starts with {@link #MARK} is sent unnamed, so it is planned per call (the
 * task listing marks its statement for owners of many tasks only: planning costs as much as half
 * of running a listing).
 */
public final class PlannedPerCall {
  /** The prefix of a statement planned at every call: an SQL comment, harmless to PostgreSQL. */
  public static final String MARK = "/* planned per call */ ";

  private PlannedPerCall() {
  }

  /**
   * The longest statement a connection keeps prepared. Vert.x's own filter keeps only those shorter
   * than 2,048 characters: the queue's outcome statements (3-4 KB, one per batch of outcomes) were
   * parsed and planned at every call, 1.1 ms of planning per batch of failures under the API bench.
   * Every statement here is fixed text or assembled from fixed fragments, so what is kept stays
   * bounded (and a connection's cache is, by count).
   */
  static final int LONGEST_KEPT = 16 * 1024;

  /** Whether the connection may keep {@code sql} prepared (and so run it on a generic plan). */
  static boolean mayBeKept(String sql) {
    return sql.length() <= LONGEST_KEPT && !sql.startsWith(MARK);
  }
}
