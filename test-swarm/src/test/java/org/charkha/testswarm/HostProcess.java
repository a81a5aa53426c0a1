package org.charkha.testswarm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A long-running command that the harness started inside a {@link Host}'s namespace. Its stdout and
 * stderr (merged) go, line by line with a timestamp, to the host's log, to the swarm's timeline and to
 * memory, where {@link #awaitLine} can look for them. Stop, kill and restart act on this process only.
 */
public final class HostProcess {
  private static final int MAX_LINES_KEPT = 20_000;

  private final Host host;
  private final String name;
  private final List<String> command;
  private final List<String> lines = new ArrayList<>();
  private Process process;
  private Thread pump;
  private int starts;
  private volatile long exitedAtMillis = -1;

  HostProcess(Host host, String name, List<String> command) {
    this.host = host;
    this.name = name;
    this.command = List.copyOf(command);
  }

  public String name() {
    return name;
  }

  public Host host() {
    return host;
  }

  public List<String> command() {
    return command;
  }

  synchronized HostProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(host.name() + "/" + name + " is already running (pid " + process.pid() + ")");
    }
    List<String> full = new ArrayList<>(List.of(Swarm.ipCommand(), "netns", "exec", host.namespace()));
    full.addAll(command);
    // Output goes to a file that a thread tails: reading Process.getInputStream() races with the JDK
    // closing it at exit ("Stream closed", last lines lost), and a file never blocks the child.
    Path raw = host.tmp().resolve(name + "-" + (starts + 1) + ".out");
    ProcessBuilder pb = new ProcessBuilder(full).directory(host.home().toFile())
        .redirectErrorStream(true).redirectOutput(raw.toFile());
    pb.environment().put("HOME", host.home().toString());
    pb.environment().put("TMPDIR", host.tmp().toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    starts++;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(host.name() + "/" + name + ": cannot start " + command, e);
    }
    exitedAtMillis = -1;
    host.swarm().track(this);
    host.log(name, "=== start #" + starts + " pid " + process.pid() + ": " + String.join(" ", command));
    Process p = process;
    pump = new Thread(() -> pump(p, raw), "swarm-" + host.name() + "-" + name);
    pump.setDaemon(true);
    pump.start();
    return this;
  }

  private void pump(Process p, Path raw) {
    KnownTraceFilter filter = new KnownTraceFilter();
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (InputStream in = Files.newInputStream(raw)) {
      while (true) {
        boolean exited = !p.isAlive(); // read once more after exit: the file then holds everything
        int n;
        boolean any = false;
        while ((n = in.read(buf)) > 0) {
          any = true;
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              filter.accept(partial.toString(StandardCharsets.UTF_8)).forEach(this::emit);
              partial.reset();
            } else {
              partial.write(buf[i]);
            }
          }
        }
        if (exited) {
          break;
        }
        if (!any) {
          filter.flushStale().forEach(this::emit); // a held line waits for its frames at most 0.5 s
          Thread.sleep(20);
        }
      }
      if (partial.size() > 0) {
        filter.accept(partial.toString(StandardCharsets.UTF_8)).forEach(this::emit);
      }
      filter.flush().forEach(this::emit);
    } catch (IOException e) {
      host.log(name, "=== output read failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      int code = p.waitFor();
      exitedAtMillis = host.swarm().elapsedMillis();
      host.log(name, "=== exited with code " + code + describeSignal(code));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lines) {
      lines.notifyAll();
    }
  }

  private void emit(String line) {
    synchronized (lines) {
      if (lines.size() >= MAX_LINES_KEPT) {
        lines.remove(0);
      }
      lines.add(line);
      lines.notifyAll();
    }
    host.log(name, line);
  }

  private static String describeSignal(int code) {
    return code > 128 ? " (signal " + (code - 128) + ")" : "";
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Exit code of the current run, empty while it runs. */
  public synchronized OptionalInt exitCode() {
    return process == null || process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** SIGTERM, then SIGKILL if it is still alive after the swarm's stop timeout. */
  public void stop() {
    stop(host.swarm().stopTimeout());
  }

  /** SIGTERM, then SIGKILL if it is still alive after {@code grace}. */
  public void stop(Duration grace) {
    Process p;
    List<ProcessHandle> children;
    synchronized (this) {
      p = process;
      if (p == null || !p.isAlive()) {
        return;
      }
      children = p.descendants().toList();
      host.log(name, "=== SIGTERM pid " + p.pid());
      p.destroy();
    }
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        host.log(name, "=== still alive after " + grace.toMillis() + " ms: SIGKILL pid " + p.pid());
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    killAll(children);
    joinPump();
  }

  /** SIGKILL (kill -9): a crash, no chance to clean up. */
  public void kill() {
    Process p;
    List<ProcessHandle> children;
    synchronized (this) {
      p = process;
      if (p == null || !p.isAlive()) {
        return;
      }
      children = p.descendants().toList();
      host.log(name, "=== SIGKILL pid " + p.pid());
      p.destroyForcibly();
    }
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    killAll(children);
    joinPump();
  }

  /** Stops (SIGTERM, then SIGKILL) and starts the same command again; the log continues. */
  public HostProcess restart() {
    stop();
    return start();
  }

  /** Sends SIGTERM without waiting: for tests of what the process does while shutting down. */
  public synchronized void signalTerm() {
    if (process != null) {
      process.destroy();
    }
  }

  private static void killAll(List<ProcessHandle> handles) {
    // Only descendants of a process we started, taken before it died.
    handles.forEach(h -> {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    });
  }

  private void joinPump() {
    Thread t = pump;
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Blocks until it exits; returns the exit code, or throws after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      throw new IllegalStateException(host.name() + "/" + name + " never started");
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(host.name() + "/" + name + " still running after " + timeout.toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    joinPump();
    return p.exitValue();
  }

  /** Output lines of this process so far (all runs, the last {@value #MAX_LINES_KEPT}). */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Waits for an output line containing {@code text}; throws AssertionError on timeout or exit. */
  public String awaitLine(String text, Duration timeout) {
    return awaitLine(l -> l.contains(text), "a line containing \"" + text + "\"", timeout);
  }

  public String awaitLine(Pattern pattern, Duration timeout) {
    return awaitLine(l -> pattern.matcher(l).find(), "a line matching /" + pattern + "/", timeout);
  }

  public String awaitLine(Predicate<String> match, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(host.name() + "/" + name + ": no " + what + " within " + timeout.toMillis() + " ms");
        }
        if (!isAlive() && exitedAtMillis >= 0) {
          throw new AssertionError(host.name() + "/" + name + " exited (" + exitCode() + ") without " + what);
        }
        try {
          lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Finds the first line already printed that matches, without waiting. */
  public Optional<String> findLine(Predicate<String> match) {
    return lines().stream().filter(match).findFirst();
  }

  synchronized String status() {
    if (process == null) {
      return name + " never started";
    }
    if (process.isAlive()) {
      return name + " running, pid " + process.pid() + ", start #" + starts;
    }
    return name + " exited " + process.exitValue() + describeSignal(process.exitValue())
        + (exitedAtMillis >= 0 ? String.format(" at +%.3fs", exitedAtMillis / 1000.0) : "") + ", start #" + starts;
  }
}
