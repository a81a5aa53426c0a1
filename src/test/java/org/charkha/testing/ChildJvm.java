package org.charkha.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A main class in a child JVM on the test class path, its output (stdout and stderr) read as it
 * comes: a test can watch what the child says while it runs, and still has it after a kill.
 */
public final class ChildJvm {
  private final Process process;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final Thread reader;

  private ChildJvm(Process process, String name) {
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
    }, name + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} with {@code args}, started fast (C1 only, the serial collector), with the
   * environment edited by {@code environment} before the start.
   */
  public static ChildJvm start(Class<?> main, List<String> args, Consumer<Map<String, String>> environment)
      throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xshare:auto", "-cp", cp, main.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    environment.accept(pb.environment());
    Process p = pb.start();
    p.getOutputStream().close();
    return new ChildJvm(p, main.getSimpleName());
  }

  public Process process() {
    return process;
  }

  /** All the child has said so far. */
  public String output() {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits (up to 5 s) for the reader to take the last output of a child that has exited. */
  public void awaitOutputEnd() throws InterruptedException {
    reader.join(5_000);
  }
}
