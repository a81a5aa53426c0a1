package org.charkha.durability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.charkha.testing.ChildJvm;

/** A child JVM running a test main class, its output kept line by line, killed with SIGKILL. */
final class Child {
  private final ChildJvm child;
  private final Process process;

  private Child(ChildJvm child) {
    this.child = child;
    this.process = child.process();
  }

  static Child start(Class<?> main, String... args) throws IOException {
    return new Child(ChildJvm.start(main, List.of(args), env -> {}));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hooks, no finally blocks. Returns once the child is dead and its output read. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), "child did not die");
    child.awaitOutputEnd();
  }

  /**
   * Lines the child finished, newline included: a kill can cut "Posted .../12" to "Posted .../1",
   * and such a fragment was never an acknowledgement.
   */
  List<String> completeLines() {
    String text = child.output();
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  /** Waits until a complete line matches, or the child dies; fails after {@code millis}. */
  void awaitLine(Predicate<String> line, long millis, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (completeLines().stream().noneMatch(line) && process.isAlive()) {
      if (System.currentTimeMillis() > deadline) {
        fail(what + ": " + completeLines());
      }
      Thread.sleep(2);
    }
  }
}
