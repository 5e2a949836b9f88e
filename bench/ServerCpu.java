import java.nio.file.Path;

/**
 * CPU ticks used so far by the server JVM, its PostgreSQL, this bench JVM and the whole machine;
 * two readings' difference is a measured window's split. Processes that ended between the readings
 * (short-lived backends) are not counted.
 */
record ServerCpu(long serverTicks, long postgresTicks, long benchTicks, long machineTicks, long nanos) {

  static ServerCpu sample(long serverPid, Path dataDir) {
    ProcessTable procs = ProcessTable.read();
    if (procs.isEmpty()) {
      return new ServerCpu(-1, -1, -1, -1, System.nanoTime());
    }
    // The embedded postmaster may be started through pg_ctl and so not be the server's child: count
    // it and its backends, and any other child of the server.
    long postmaster = ProcessTable.postmaster(dataDir);
    long postgres = 0;
    for (long pid : procs.pids()) {
      if (pid == postmaster || procs.descends(pid, postmaster) || procs.descends(pid, serverPid)) {
        postgres += procs.ticks(pid);
      }
    }
    return new ServerCpu(procs.ticks(serverPid), postgres, procs.ticks(ProcessHandle.current().pid()),
        ProcessTable.machineBusyTicks(), System.nanoTime());
  }

  ServerCpu minus(ServerCpu before) {
    return new ServerCpu(serverTicks - before.serverTicks, postgresTicks - before.postgresTicks,
        benchTicks - before.benchTicks, machineTicks - before.machineTicks, nanos - before.nanos);
  }

  /** The window as cores busy on average, what other processes took included. */
  String coresBusy() {
    double ticks = ProcessTable.TICKS_PER_SECOND * nanos / 1e9;
    return String.format("cores busy: server JVM %.2f, its PostgreSQL %.2f, this bench JVM %.2f; whole machine "
        + "%.2f of %d (other processes %.2f)", serverTicks / ticks, postgresTicks / ticks, benchTicks / ticks,
        machineTicks / ticks, Runtime.getRuntime().availableProcessors(),
        (machineTicks - serverTicks - postgresTicks - benchTicks) / ticks);
  }

  /** The window as CPU seconds and cores, each process's share after the wall time it took. */
  String cpuTime() {
    double seconds = nanos / 1e9;
    double perSecond = ProcessTable.TICKS_PER_SECOND;
    return String.format("CPU time (user+sys) over %.1f s wall: server JVM %.1f s (%.2f cores), its PostgreSQL "
        + "%.1f s (%.2f cores), this bench JVM %.1f s (%.2f cores), whole machine %.1f s (%.2f of %d cores)",
        seconds, serverTicks / perSecond, serverTicks / perSecond / seconds, postgresTicks / perSecond,
        postgresTicks / perSecond / seconds, benchTicks / perSecond, benchTicks / perSecond / seconds,
        machineTicks / perSecond, machineTicks / perSecond / seconds, Runtime.getRuntime().availableProcessors());
  }
}
