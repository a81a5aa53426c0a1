package org.charkha.testswarm;

import java.time.Duration;
import java.util.List;

/** What a one-shot command run inside a host ({@link Host#exec}) did. */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut,
                         Duration took) {

  public boolean ok() {
    return !timedOut && exitCode == 0;
  }

  /** stdout then stderr, for messages. */
  public String output() {
    return stdout + stderr;
  }

  /** Throws with the command and its output unless it exited 0 in time. */
  public ExecResult assertOk() {
    if (!ok()) {
      throw new AssertionError(describe());
    }
    return this;
  }

  public String describe() {
    return String.join(" ", command) + (timedOut ? " timed out after " + took.toMillis() + " ms"
        : " exited " + exitCode + " after " + took.toMillis() + " ms")
        + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
  }
}
