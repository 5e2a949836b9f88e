package dev.taskforge.db.backup;

import java.sql.SQLException;
import java.util.List;

/**
 * Switches the schema's own triggers off for a restore's load and back on before it commits.
 *
 * <p>A restore puts back rows, it does not replay what made them: a BEFORE INSERT trigger could
 * rewrite a value (a timestamp, a version) or write rows elsewhere that the backup already holds,
 * and the dependency-cycle check would walk the graph once per edge for data known to be acyclic.
 * Foreign keys stay checked (they are internal triggers, untouched here). Unlike
 * {@code session_replication_role = replica}, ALTER TABLE ... DISABLE TRIGGER needs only table
 * ownership, not superuser; it is transactional, so a failed load leaves every trigger armed.
 */
final class TriggerPause {
  private final CopySession session;
  private final List<SchemaCatalog.Trigger> paused;

  private TriggerPause(CopySession session, List<SchemaCatalog.Trigger> paused) {
    this.session = session;
    this.paused = paused;
  }

  static TriggerPause disableAll(CopySession session) throws SQLException {
    List<SchemaCatalog.Trigger> triggers = SchemaCatalog.enabledUserTriggers(session.connection());
    for (SchemaCatalog.Trigger t : triggers) {
      session.execute("ALTER TABLE " + SchemaCatalog.qualified(t.table()) + " DISABLE TRIGGER "
          + SchemaCatalog.quoteIdent(t.name()));
    }
    return new TriggerPause(session, triggers);
  }

  int count() {
    return paused.size();
  }

  /** Re-arms each trigger as it was: plain, ALWAYS or REPLICA. */
  void resume() throws SQLException {
    for (SchemaCatalog.Trigger t : paused) {
      String how = switch (t.mode()) {
        case "A" -> "ENABLE ALWAYS TRIGGER ";
        case "R" -> "ENABLE REPLICA TRIGGER ";
        default -> "ENABLE TRIGGER ";
      };
      session.execute("ALTER TABLE " + SchemaCatalog.qualified(t.table()) + " " + how + SchemaCatalog.quoteIdent(t.name()));
    }
  }
}
