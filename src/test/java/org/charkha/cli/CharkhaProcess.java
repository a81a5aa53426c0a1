package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.charkha.testing.ChildJvm;

/** {@code charkha} in a child JVM, as a user runs it: its output kept, stopped with a real signal. */
final class CharkhaProcess implements AutoCloseable {
  private final ChildJvm child;
  private final Process process;

  private CharkhaProcess(ChildJvm child) {
    this.child = child;
    this.process = child.process();
  }

  /** Starts {@code charkha --home home args...}. */
  static CharkhaProcess start(Path home, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("--home", home.toString()));
    cmd.addAll(List.of(args));
    return new CharkhaProcess(ChildJvm.start(Main.class, cmd, env -> {
      env.remove("CHARKHA_HOME");
      env.remove("CHARKHA_PASSPHRASE");
    }));
  }

  /** {@code charkha run} on 127.0.0.1 with no way off this machine: no public routers, no LAN multicast. */
  static CharkhaProcess runNode(Path home, int port) throws IOException {
    return runNode(home, port, 0);
  }

  /** As {@link #runNode(Path, int)}, with the web UI on {@code webPort} (0: any free one). */
  static CharkhaProcess runNode(Path home, int port, int webPort) throws IOException {
    return start(home, "run", "--port", Integer.toString(port), "--web-port", Integer.toString(webPort),
        "--bind", "127.0.0.1", "--no-public-bootstrap", "--no-lsd");
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    return child.output();
  }

  /** Waits until the output contains {@code text}; fails if the child exits first or time runs out. */
  void awaitOutput(String text, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!output().contains(text)) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        Thread.sleep(100); // the last output
        if (!output().contains(text)) {
          fail("no \"" + text + "\" from charkha (" + (process.isAlive() ? "still running" : "exited")
              + "):\n" + output());
        }
        return;
      }
      Thread.sleep(20);
    }
  }

  /** The exit code, waiting up to {@code millis}; fails (and kills the child) if it is still running. */
  int awaitExit(long millis) throws InterruptedException {
    if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      fail("charkha still running after " + millis + " ms:\n" + output());
    }
    child.awaitOutputEnd();
    return process.exitValue();
  }

  /**
   * Sends {@code signal} ("TERM", as kill and systemd send it, or "INT", as Ctrl-C does) and returns
   * the exit code. Through kill(1): Process.destroy() also closes the child's output, and what the
   * child says while it stops is part of what is tested.
   */
  int signal(String signal, long millis) throws InterruptedException, IOException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      fail("kill -" + signal + " " + process.pid() + " failed");
    }
    return awaitExit(millis);
  }

  @Override
  public void close() {
    process.destroyForcibly(); // no-op for a child that already exited
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
