package dev.taskforge.app;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The name this server holds job leases under. It must stay the same across restarts so that a
 * restarted instance can take back at once the jobs its previous life held: TASKFORGE_INSTANCE_ID
 * when set, else a name made once and kept in the data directory, else the host name.
 */
final class InstanceId {
  static final String FILE = "instance-id";

  private InstanceId() {
  }

  static String of(TaskforgeConfig config) {
    String configured = config.sections().getString("instanceId");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    Path file = config.dataDir().resolve(FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      Files.createDirectories(config.dataDir());
      String id = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
      Files.writeString(file, id + "\n");
      return id;
    } catch (IOException e) {
      return hostName() + ":" + config.http().port();
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "taskforge";
    }
  }
}
