package org.charkha.testswarm;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One simulated machine: a network namespace {@code chk-nI} with address {@code 198.18.1.I}, its own
 * home directory, and one log file {@code logs/<test>/nI.log} that records everything its processes print
 * and everything the test did to it (start, stop, cut, exec). A host usually runs one main process
 * ({@link #start(List)}), and may run named helpers beside it ({@link #start(String, List)}).
 */
public final class Host {
  private final Swarm swarm;
  private final int index;
  private final Path home;
  private final Path log;
  private final BufferedWriter logWriter;
  private final Map<String, HostProcess> processes = new LinkedHashMap<>();
  private volatile boolean cut;

  Host(Swarm swarm, int index, Path home, Path log) {
    this.swarm = swarm;
    this.index = index;
    this.home = home;
    this.log = log;
    try {
      Files.createDirectories(home);
      Files.createDirectories(tmp());
      logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("host " + name() + ": cannot create " + home + " or " + log, e);
    }
  }

  public Swarm swarm() {
    return swarm;
  }

  /** 1-based, as in the namespace name and the last octet of the address. */
  public int index() {
    return index;
  }

  /** "n1", "n2", ...: the name in logs and failure dumps. */
  public String name() {
    return "n" + index;
  }

  public String namespace() {
    return swarm.prefix() + "n" + index;
  }

  public String ip() {
    return swarm.subnet() + "." + index;
  }

  /** "198.18.1.I:port". */
  public String address(int port) {
    return ip() + ":" + port;
  }

  /** This host's own empty directory (also $HOME and the working directory of its processes). */
  public Path home() {
    return home;
  }

  Path tmp() {
    return home.resolve("tmp");
  }

  public Path log() {
    return log;
  }

  // ---------------------------------------------------------------------------------------------
  // processes

  /** Starts the host's main process (named after the host). */
  public HostProcess start(String... command) {
    return start(Arrays.asList(command));
  }

  public HostProcess start(List<String> command) {
    return start(name(), command);
  }

  /**
   * Starts a named process in this host's namespace. A name can be reused once its previous process has
   * ended; {@link HostProcess#restart()} reruns the same command.
   */
  public synchronized HostProcess start(String processName, List<String> command) {
    HostProcess old = processes.get(processName);
    if (old != null && old.isAlive()) {
      throw new IllegalStateException(name() + ": process '" + processName + "' is still running");
    }
    HostProcess p = new HostProcess(this, processName, command);
    processes.put(processName, p);
    return p.start();
  }

  /** The main process. */
  public HostProcess process() {
    return process(name());
  }

  public synchronized HostProcess process(String processName) {
    HostProcess p = processes.get(processName);
    if (p == null) {
      throw new IllegalStateException(name() + ": no process named '" + processName + "', have " + processes.keySet());
    }
    return p;
  }

  synchronized List<HostProcess> processes() {
    return new ArrayList<>(processes.values());
  }

  /** Main process: SIGTERM, then SIGKILL after the stop timeout. */
  public void stop() {
    process().stop();
  }

  /** Main process: kill -9. */
  public void kill() {
    process().kill();
  }

  /** Main process: stop, then start the same command again. */
  public HostProcess restart() {
    return process().restart();
  }

  // ---------------------------------------------------------------------------------------------
  // network

  /** Partitions this host: its bridge port goes down, so its packets are silently dropped both ways. */
  public void cut() {
    log("net", "=== cut (veth down)");
    swarm.net("cut", Integer.toString(index), swarm.prefix());
    cut = true;
  }

  public void heal() {
    log("net", "=== heal (veth up)");
    swarm.net("heal", Integer.toString(index), swarm.prefix());
    cut = false;
  }

  public boolean isCut() {
    return cut;
  }

  // ---------------------------------------------------------------------------------------------
  // one-shot commands

  public ExecResult exec(String... command) {
    return exec(Duration.ofSeconds(60), Arrays.asList(command));
  }

  public ExecResult exec(Duration timeout, String... command) {
    return exec(timeout, Arrays.asList(command));
  }

  /**
   * Runs a command inside this host and waits for it; it is killed (SIGKILL) after {@code timeout}.
   * Command and output are recorded in the host log.
   */
  public ExecResult exec(Duration timeout, List<String> command) {
    List<String> full = new ArrayList<>(List.of(Swarm.ipCommand(), "netns", "exec", namespace()));
    full.addAll(command);
    log("exec", "$ " + String.join(" ", command));
    long t0 = System.nanoTime();
    try {
      Path out = Files.createTempFile(tmp(), "exec-", ".out");
      Path err = Files.createTempFile(tmp(), "exec-", ".err");
      ProcessBuilder pb = new ProcessBuilder(full).directory(home.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("HOME", home.toString());
      pb.environment().put("TMPDIR", tmp().toString());
      Process p = pb.start();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      ExecResult r = new ExecResult(List.copyOf(command), done ? p.exitValue() : -1,
          Files.readString(out), Files.readString(err), !done, took);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      logCapped("  | ", r.stdout());
      logCapped("  ! ", r.stderr());
      log("exec", done ? "  exit " + r.exitCode() + " in " + took.toMillis() + " ms"
          : "  TIMEOUT after " + took.toMillis() + " ms, killed");
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(name() + ": cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name() + ": interrupted while running " + command, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // command builders

  /**
   * {@code java <small-JVM flags> -jar ${charkha.jar} --home <home> ARGS...}: a Charkha node or CLI call
   * in this host, e.g. {@code host.start(host.charkha("run", "--port", "7000", "--no-public-bootstrap"))}.
   */
  public List<String> charkha(String... args) {
    List<String> cmd = new ArrayList<>(swarm.javaCommand());
    cmd.addAll(List.of("-jar", Swarm.charkhaJar().toString(), "--home", home.resolve("charkha").toString()));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** {@code /usr/bin/python3 test-swarm/peers/lt_peer.py --bind IP:PORT ARGS...}: a libtorrent peer. */
  public List<String> ltPeer(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Swarm.PYTHON, swarm.swarmDir().resolve("peers/lt_peer.py").toString(),
        "--bind", address(port)));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** Lines of one CLI stream copied into the host log; the ExecResult keeps all of it. */
  static final int MAX_EXEC_LINES_LOGGED = 20;

  /** A CLI's output in the log, capped: a `log --json` of a long feed would bury what the nodes did. */
  private void logCapped(String mark, String output) {
    List<String> lines = output.lines().toList();
    lines.stream().limit(MAX_EXEC_LINES_LOGGED).forEach(l -> log("exec", mark + abbreviate(l, 400)));
    if (lines.size() > MAX_EXEC_LINES_LOGGED) {
      log("exec", mark + "... " + (lines.size() - MAX_EXEC_LINES_LOGGED) + " more lines not logged");
    }
  }

  private static String abbreviate(String line, int max) {
    return line.length() <= max ? line : line.substring(0, max) + " ... (" + line.length() + " chars)";
  }

  // ---------------------------------------------------------------------------------------------
  // log

  void log(String source, String line) {
    String stamped = swarm.stamp() + " " + source + ": " + line;
    synchronized (logWriter) {
      try {
        logWriter.write(stamped);
        logWriter.newLine();
        logWriter.flush();
      } catch (IOException e) {
        // the log is best effort; the test's own assertions still run
      }
    }
    swarm.timeline(name(), stamped);
  }

  void closeLog() {
    synchronized (logWriter) {
      try {
        logWriter.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }

  String status() {
    StringBuilder sb = new StringBuilder(name() + " " + ip() + (cut ? " [CUT]" : ""));
    for (HostProcess p : processes()) {
      sb.append("\n    ").append(p.status());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return name() + "(" + ip() + ")";
  }
}
