package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A log search's words, as the cheap ILIKE test that runs before the full-text one. */
class LogSearchWordsTest {

  @Test
  void eachWordBecomesAContainsPatternOnce() {
    assertThat(LogSearchWords.patterns("Parser compiling parser")).containsExactly("%Parser%", "%compiling%", "%parser%");
  }

  @Test
  void punctuationAndUnderscoresSplitWordsAsTheTextSearchDoes() {
    assertThat(LogSearchWords.patterns("e-mail step_10 café!")).containsExactly("%e%", "%mail%", "%step%", "%10%",
        "%café%");
  }

  @Test
  void aSearchWithoutWordsOrWithoutTextHasNoPatterns() {
    assertThat(LogSearchWords.patterns("%% -- __")).isNull();
    assertThat(LogSearchWords.patterns(null)).isNull();
  }
}
