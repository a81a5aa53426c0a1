package org.charkha.durability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A child JVM running a test main class, its output kept line by line, killed with SIGKILL. */
final class Child {
  private final Process process;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final Thread reader;

  private Child(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      byte[] buf = new byte[4096];
      try (var in = process.getInputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (output) {
            output.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
    }, "crash-child-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static Child start(Class<?> main, String... args) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xshare:auto", "-cp", cp, main.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    return new Child(pb.start());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hooks, no finally blocks. Returns once the child is dead and its output read. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), "child did not die");
    reader.join(5_000);
  }

  /**
   * Lines the child finished, newline included: a kill can cut "Posted .../12" to "Posted .../1",
   * and such a fragment was never an acknowledgement.
   */
  List<String> completeLines() {
    String text;
    synchronized (output) {
      text = output.toString(StandardCharsets.UTF_8);
    }
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
