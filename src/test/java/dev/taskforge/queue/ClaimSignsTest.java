package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the dispatcher claims: while a sign that jobs may wait stands. */
class ClaimSignsTest {
  private final ClaimSigns signs = new ClaimSigns(false);

  @Test
  void aDispatcherThatJustStartedClaims() {
    assertThat(signs.standing()).isTrue();
  }

  @Test
  void aClaimThatCameBackShortWithNoSignSinceStopsTheClaims() {
    long begun = signs.claimBegins();

    signs.answered(begun, 4, 1);

    assertThat(signs.standing()).isFalse();
  }

  @Test
  void aClaimThatGotEveryJobItAskedForLeavesTheSignStanding() {
    long begun = signs.claimBegins();

    signs.answered(begun, 4, 4);

    assertThat(signs.standing()).isTrue();
  }

  @Test
  void aSignThatCameWhileTheClaimWasUnderWayOutlivesItsShortAnswer() {
    long begun = signs.claimBegins();
    signs.signal(); // a job enqueued after the claim's snapshot, announced before its answer

    signs.answered(begun, 4, 0);

    assertThat(signs.standing()).isTrue();
  }

  @Test
  void anOlderClaimsShortAnswerDoesNotClearASignAYoungerClaimHasNotAnsweredFor() {
    long older = signs.claimBegins();
    signs.signal();
    long younger = signs.claimBegins();

    signs.answered(older, 2, 0);
    assertThat(signs.standing()).isTrue();
    signs.answered(younger, 2, 1);
    assertThat(signs.standing()).isFalse();
  }

  @Test
  void aSignAfterTheQueuesDrainedClaimsAgain() {
    signs.answered(signs.claimBegins(), 4, 0);

    signs.signal();

    assertThat(signs.standing()).isTrue();
  }

  @Test
  void aQueueWithALimitMayCutAClaimShortWhileJobsStillWaitSoTheSignStands() {
    ClaimSigns limited = new ClaimSigns(true);

    limited.answered(limited.claimBegins(), 4, 1);

    assertThat(limited.standing()).isTrue();
  }
}
