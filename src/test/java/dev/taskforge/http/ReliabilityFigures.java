package dev.taskforge.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The reliability suite's figures (inputs tried, routes × callers checked, kills survived): each
 * printed when measured and appended to {@code target/reliability-figures.txt}, which the build
 * prints after the tests (pom.xml, maven-antrun-plugin): test output itself goes to files.
 */
public final class ReliabilityFigures {
  static final Path FILE = Path.of(System.getProperty("taskforge.reliabilityFigures", "target/reliability-figures.txt"));

  private ReliabilityFigures() {
  }

  public static synchronized void record(String what, String figures) {
    String line = "[reliability] " + what + ": " + figures;
    System.out.println(line);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, line + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("[reliability] could not keep the figures in " + FILE + ": " + e);
    }
  }
}
