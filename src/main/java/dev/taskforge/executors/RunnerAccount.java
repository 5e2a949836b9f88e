package dev.taskforge.executors;

import dev.taskforge.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unprivileged OS account executor processes run as when the server runs as root: its files
 * (the data directory, the database's password) are then out of their reach. The account is made,
 * without a home or a login shell, when it is missing. Processes drop to it through {@code setpriv},
 * which executes the command itself, so the process the server waits for and kills is the command.
 */
record RunnerAccount(String name, int uid, int gid) {
  private static final Logger log = LoggerFactory.getLogger(RunnerAccount.class);
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /**
   * The account to run as: none when the server does not run as root (it could not switch users)
   * or {@code runAs} is empty. Blocking: it may run {@code useradd}.
   */
  static Optional<RunnerAccount> resolve(Optional<String> runAs) {
    if (runAs.isEmpty() || !serverIsRoot()) {
      return Optional.empty();
    }
    String name = runAs.get();
    if (!Files.isExecutable(SETPRIV)) {
      throw new ConfigException("executors.runAs", SETPRIV + " (util-linux) is needed to run executors as " + name
          + " but is not installed; install it, or set executors.runAs to \"\" to run them as root");
    }
    Optional<String> uid = id("-u", name);
    if (uid.isEmpty()) {
      create(name);
      uid = id("-u", name);
    }
    int gid = Integer.parseInt(id("-g", name).orElseThrow());
    RunnerAccount account = new RunnerAccount(name, Integer.parseInt(uid.orElseThrow(
        () -> new ConfigException("executors.runAs", "the user " + name + " could not be found or made"))), gid);
    if (account.uid == 0 || account.gid == 0) {
      throw new ConfigException("executors.runAs", name + " is a root account (uid or gid 0)");
    }
    return Optional.of(account);
  }

  /** The words that run a command as this account, with no way back to more privileges. */
  List<String> prefix() {
    return List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--no-new-privs", "--");
  }

  /** Gives {@code path} (not following links) to this account. */
  void own(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    view.setOwner(users.lookupPrincipalByName(name));
    GroupPrincipal group = users.lookupPrincipalByGroupName(Integer.toString(gid));
    view.setGroup(group);
  }

  static boolean serverIsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false; // no /proc: not Linux, where running as another user is not supported
    }
  }

  /**
   * {@code useradd} of a system account. Two servers starting at once may race to make it: the
   * loser's useradd fails, and the account is there all the same, which the caller checks.
   */
  private static void create(String name) {
    List<String> command = List.of("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
        "--shell", "/usr/sbin/nologin", "--user-group", name);
    for (int attempt = 1; attempt <= 5 && id("-u", name).isEmpty(); attempt++) {
      Run result = run(command);
      if (result.exitCode() == 0) {
        log.info("created the OS user executors run as user={}", name);
        return;
      }
      log.warn("useradd failed user={} exit={} output={}", name, result.exitCode(), result.output().strip());
      try {
        Thread.sleep(200L * attempt); // /etc/passwd is locked by another useradd: try again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Optional<String> id(String flag, String name) {
    Run result = run(List.of("id", flag, name));
    return result.exitCode() == 0 ? Optional.of(result.output().trim()) : Optional.empty();
  }

  private record Run(int exitCode, String output) {}

  private static Run run(List<String> command) {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Run(p.waitFor(), output);
    } catch (IOException e) {
      return new Run(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Run(-1, "interrupted");
    }
  }
}
