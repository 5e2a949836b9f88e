package dev.taskforge.executors;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The files a run wrote under its output directory, to keep as result files: regular files only
 * (links are not followed out of the directory), relative paths, within size bounds so that one
 * run cannot fill the database.
 */
public final class OutputFiles {
  public static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
  public static final long MAX_TOTAL_BYTES = 50L * 1024 * 1024;
  public static final int MAX_FILES = 200;

  /** One collected file; {@code skipped} says why a file was left out, if it was. */
  public record Collected(String path, String contentType, Buffer content) {}

  private OutputFiles() {
  }

  /** Reads the files under {@code dir} (blocking I/O: call it on a worker thread). */
  public static List<Collected> collect(Path dir) throws IOException {
    List<Collected> files = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    long total = 0;
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    for (Path p : paths) {
      long size = Files.size(p);
      if (files.size() >= MAX_FILES || size > MAX_FILE_BYTES || total + size > MAX_TOTAL_BYTES) {
        continue;
      }
      total += size;
      String relative = dir.relativize(p).toString().replace('\\', '/');
      files.add(new Collected(relative, contentType(p), Buffer.buffer(readWithin(dir, p))));
    }
    return files;
  }

  /**
   * The file's bytes, refusing a link put in its place (or in its directory's) since it was listed:
   * the server may read as root what the run's own user may not, and the run may still be going.
   */
  private static byte[] readWithin(Path dir, Path file) throws IOException {
    if (!file.getParent().toRealPath().startsWith(dir.toRealPath())) {
      throw new IOException(file + " is no longer inside " + dir);
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes((int) MAX_FILE_BYTES);
    }
  }

  static String contentType(Path p) throws IOException {
    String probed = Files.probeContentType(p);
    if (probed != null) {
      return probed;
    }
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".md")) {
      return "text/markdown";
    }
    if (name.endsWith(".json")) {
      return "application/json";
    }
    if (name.endsWith(".txt") || name.endsWith(".log")) {
      return "text/plain";
    }
    return "application/octet-stream";
  }
}
