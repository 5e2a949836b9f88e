package dev.taskforge.queue;

/**
 * Whether jobs may wait for this dispatcher to claim them. A sign says they may: a NOTIFY (a job was
 * enqueued), the poll (jobs come due by time: a schedule, a retry's backoff), the LISTEN connection
 * (re)established (NOTIFYs may have been missed), leases reaped. A claim that comes back with fewer
 * jobs than it asked for found every queue drained as of its snapshot, and clears the sign, unless
 * a new sign came while it was under way (that job may have committed after its snapshot) or a
 * queue has a concurrency or rate limit (a limit cuts a claim short while jobs still wait; they
 * start as the queue's running jobs end). Until the next sign, slots that free claim nothing.
 *
 * <p>Why: claiming again after every non-empty answer, every run's end and every outcome written
 * made half of all claims come back empty under the API bench's mix (1.5 claims per job, 0.2 ms of
 * PostgreSQL each). Not thread-safe: the dispatcher's event loop owns it.
 */
final class ClaimSigns {
  private final boolean limitedQueues;
  private long signs;
  /** The count of signs when a claim last found every queue drained; none yet: -1. */
  private long drainedAt = -1;

  ClaimSigns(boolean limitedQueues) {
    this.limitedQueues = limitedQueues;
  }

  /** Jobs may wait: claims go on until one comes back short with no sign since it began. */
  void signal() {
    signs++;
  }

  /** Whether a claim may find something: a sign came since the queues were last found drained. */
  boolean standing() {
    return drainedAt != signs;
  }

  /** A claim begins: what it hands back to {@link #answered} when its answer comes. */
  long claimBegins() {
    return signs;
  }

  /** A claim that began at {@code begun} asked for {@code asked} jobs and got {@code claimed}. */
  void answered(long begun, int asked, int claimed) {
    if (claimed < asked && signs == begun && !limitedQueues) {
      drainedAt = begun;
    }
  }
}
