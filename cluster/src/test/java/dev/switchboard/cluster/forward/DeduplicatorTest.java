package dev.switchboard.cluster.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  @Test
  @DisplayName("each number is new once, in order or not, and gaps filled later are new")
  void firstTimeOnly() {
    Deduplicator d = new Deduplicator();
    assertThat(d.firstTime(1)).isTrue();
    assertThat(d.firstTime(1)).isFalse();
    assertThat(d.firstTime(3)).isTrue();
    assertThat(d.firstTime(3)).isFalse();
    assertThat(d.firstTime(2)).isTrue(); // the resend of a lost one
    assertThat(d.firstTime(2)).isFalse();
    assertThat(d.firstTime(4)).isTrue();
    assertThat(d.firstTime(1)).isFalse();
  }
}
