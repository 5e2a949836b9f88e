package dev.taskforge.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port for a server a test is about to start, taken below the kernel's ephemeral range. A port
 * from {@code new ServerSocket(0)} is an ephemeral one: between the test closing it and the server
 * binding it, any outgoing connection (the server's dozens of connections to its PostgreSQL
 * among them) may be given that very port, and the server then fails with "Address already in use".
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;

  private FreePorts() {
  }

  /** A port nothing listens on now and no outgoing connection will be given. */
  public static int free() {
    int ephemeralFrom = ephemeralRangeStart();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int tries = 0; tries < 200 && ephemeralFrom > LOWEST; tries++) {
      int port = LOWEST + random.nextInt(ephemeralFrom - LOWEST);
      try (ServerSocket socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // someone listens there; another
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
  private static int ephemeralRangeStart() {
    try {
      return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
