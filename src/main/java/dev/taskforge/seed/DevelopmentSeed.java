package dev.taskforge.seed;

import dev.taskforge.db.DatabaseUrl;

/** Realistic development data. */
public final class DevelopmentSeed {
  private DevelopmentSeed() {
  }

  public static String run(DatabaseUrl url) {
    throw new UnsupportedOperationException("seed is not implemented yet");
  }
}
