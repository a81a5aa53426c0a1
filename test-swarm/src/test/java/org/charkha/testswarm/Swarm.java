package org.charkha.testswarm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A private network of {@link Host}s, one Linux network namespace each, on one bridge with no uplink
 * (built by {@code test-swarm/net.sh}; see test-swarm/README.md). Create one per test, use it in
 * try-with-resources or through {@link SwarmExtension}, and every process it started is stopped and the
 * network removed on {@link #close()} and, should the JVM die first, in a shutdown hook.
 *
 * <pre>{@code
 * try (Swarm swarm = Swarm.create("followerSeesPost", 3)) {
 *   Host a = swarm.host(1), b = swarm.host(2);
 *   a.start(a.charkha("run", "--port", "7000", "--no-public-bootstrap", "--bootstrap", b.address(7000)));
 *   ...
 * }
 * }</pre>
 *
 * System properties: {@code charkha.jar} (the fat jar), {@code charkha.swarm.prefix} (default
 * {@code chk-}), {@code charkha.swarm.subnet} (default {@code 198.18.1}), {@code charkha.swarm.dir}
 * (default {@code test-swarm}), {@code charkha.swarm.work} (homes, default {@code target/swarm}).
 */
public final class Swarm implements AutoCloseable {
  static final String PYTHON = "/usr/bin/python3";
  private static final List<String> IP_PATHS = List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip");

  private final String testName;
  private final String prefix;
  private final String subnet;
  private final Path swarmDir;
  private final Path logDir;
  private final long t0 = System.nanoTime();
  private final List<Host> hosts = new ArrayList<>();
  private final List<HostProcess> started = new CopyOnWriteArrayList<>();
  private final BufferedWriter timeline;
  private final Thread shutdownHook;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private volatile Duration stopTimeout = Duration.ofSeconds(5);
  private boolean closed;

  private Swarm(String testName, int hostCount) {
    if (hostCount < 1 || hostCount > 250) {
      throw new IllegalArgumentException("hosts must be 1..250, got " + hostCount);
    }
    if (!testName.matches("[A-Za-z0-9_.-]{1,120}")) {
      throw new IllegalArgumentException("test name must be [A-Za-z0-9_.-]{1,120} (it names a log directory): " + testName);
    }
    this.testName = testName;
    this.prefix = System.getProperty("charkha.swarm.prefix", "chk-");
    this.subnet = System.getProperty("charkha.swarm.subnet", "198.18.1");
    this.swarmDir = Path.of(System.getProperty("charkha.swarm.dir", "test-swarm")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(swarmDir.resolve("net.sh"))) {
      throw new IllegalStateException("no net.sh in " + swarmDir + "; set -Dcharkha.swarm.dir to the test-swarm directory");
    }
    Path work = Path.of(System.getProperty("charkha.swarm.work", "target/swarm")).toAbsolutePath().resolve(testName);
    this.logDir = swarmDir.resolve("logs").resolve(testName);
    try {
      deleteTree(work);
      deleteTree(logDir);
      Files.createDirectories(logDir);
      // One swarm per prefix at a time on this machine: the network names are fixed by the prefix.
      Path lockFile = Path.of("/run/lock").toFile().isDirectory() ? Path.of("/run/lock/charkha-swarm-" + prefix + "lock")
          : Path.of("/tmp/charkha-swarm-" + prefix + "lock");
      lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = acquire(lockChannel, lockFile, Duration.ofMinutes(10));
      timeline = Files.newBufferedWriter(logDir.resolve("timeline.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("swarm " + testName + ": cannot prepare " + logDir, e);
    }
    shutdownHook = new Thread(this::closeQuietly, "swarm-shutdown-" + testName);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      // We hold the prefix lock, so anything already there under our prefix is left over from a crash.
      net("down", prefix);
      net("up", Integer.toString(hostCount), prefix);
      for (int i = 1; i <= hostCount; i++) {
        hosts.add(new Host(this, i, work.resolve("n" + i), logDir.resolve("n" + i + ".log")));
      }
      timeline("swarm", stamp() + " swarm: " + hostCount + " hosts up, prefix " + prefix + ", subnet " + subnet + ".0/24");
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /** Builds the network with {@code hosts} hosts (addresses subnet.1 .. subnet.hosts). */
  public static Swarm create(String testName, int hosts) {
    assumeCanRun();
    return new Swarm(testName, hosts);
  }

  /**
   * Skips the calling test, with a reason, when this machine cannot run swarm tests: not root, or no
   * iproute2. Everything else that is missing is a failure, not a skip. Where swarm tests are required
   * (CI, which sets {@code CI}, or {@code -Dcharkha.tools.required=true}) those are failures too: a CI
   * that is not root must not turn green without them.
   */
  public static void assumeCanRun() {
    assumeCanRun(isRoot(), ipCommandOrNull() != null, required(System.getenv("CI"), System.getProperty("charkha.tools.required")));
  }

  static void assumeCanRun(boolean root, boolean hasIp, boolean required) {
    String notRoot = "swarm tests need root (network namespaces); run as root, or pass -DskipSwarm";
    String noIp = "swarm tests need iproute2 (`ip`); apt-get install iproute2";
    if (required) {
      String why = " (swarm tests are required here: CI is set or -Dcharkha.tools.required=true)";
      if (!root) {
        throw new IllegalStateException(notRoot + why);
      }
      if (!hasIp) {
        throw new IllegalStateException(noIp + why);
      }
    }
    assumeTrue(root, notRoot);
    assumeTrue(hasIp, noIp);
  }

  /** Whether swarm tests must run: the CI variable set (anything but "false"), or the property true. */
  static boolean required(String ciVariable, String property) {
    boolean ci = ciVariable != null && !ciVariable.isBlank() && !ciVariable.equalsIgnoreCase("false");
    return ci || Boolean.parseBoolean(property);
  }

  // ---------------------------------------------------------------------------------------------
  // accessors

  public Host host(int index) {
    if (index < 1 || index > hosts.size()) {
      throw new IllegalArgumentException("host index must be 1.." + hosts.size() + ", got " + index);
    }
    return hosts.get(index - 1);
  }

  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  public String testName() {
    return testName;
  }

  public String prefix() {
    return prefix;
  }

  /** First three octets, e.g. "198.18.1". */
  public String subnet() {
    return subnet;
  }

  public Path swarmDir() {
    return swarmDir;
  }

  public Path logDir() {
    return logDir;
  }

  public Duration stopTimeout() {
    return stopTimeout;
  }

  /** How long {@link HostProcess#stop()} waits after SIGTERM before SIGKILL (default 5 s). */
  public Swarm stopTimeout(Duration timeout) {
    this.stopTimeout = timeout;
    return this;
  }

  public static Path charkhaJar() {
    String jar = System.getProperty("charkha.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property charkha.jar must name the packaged jar (mvn verify sets it), got " + jar);
    }
    return Path.of(jar).toAbsolutePath();
  }

  /** The running JVM's java with flags for small nodes (2 shared cores, many JVMs). */
  public List<String> javaCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
  }

  // ---------------------------------------------------------------------------------------------
  // waiting

  /** Polls {@code condition} every 100 ms; AssertionError naming {@code what} after {@code timeout}. */
  public static void waitUntil(String what, Duration timeout, BooleanSupplier condition) {
    waitFor(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /** Polls until {@code probe} yields a value, and returns it. */
  public static <T> T waitFor(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // failure report

  /**
   * Prints what every host did: the status of each process, the last lines of the swarm's timeline (all
   * hosts, interleaved by time), each host's key events ({@link KeyEvents}: start, stop, kill, cut, heal,
   * post, follow, announced, now at seq) and the last {@code linesPerHost} lines of each host's log.
   */
  public void dumpLogs(PrintStream out, int linesPerHost) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n======== swarm ").append(testName).append(": what each host did (logs in ").append(logDir).append(")\n");
    for (Host h : hosts) {
      sb.append("  ").append(h.status()).append('\n');
    }
    sb.append("-------- timeline, last ").append(linesPerHost * 2).append(" lines --------\n");
    tail(logDir.resolve("timeline.log"), linesPerHost * 2).forEach(l -> sb.append(l).append('\n'));
    for (Host h : hosts) {
      List<String> events = KeyEvents.of(tail(h.log(), Integer.MAX_VALUE));
      sb.append("-------- ").append(h.name()).append(" ").append(h.ip()).append(", key events (")
          .append(events.size()).append(") --------\n");
      events.subList(Math.max(0, events.size() - linesPerHost), events.size()).forEach(l -> sb.append(l).append('\n'));
    }
    for (Host h : hosts) {
      sb.append("-------- ").append(h.name()).append(" ").append(h.ip()).append(", last ").append(linesPerHost)
          .append(" lines of ").append(h.log()).append(" --------\n");
      tail(h.log(), linesPerHost).forEach(l -> sb.append(l).append('\n'));
    }
    sb.append("======== end of swarm ").append(testName).append('\n');
    out.print(sb);
    out.flush();
  }

  private static List<String> tail(Path file, int n) {
    try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
      List<String> all = s.toList();
      return all.subList(Math.max(0, all.size() - n), all.size());
    } catch (IOException | UncheckedIOException e) {
      return List.of("(cannot read " + file + ": " + e + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // teardown

  /** Stops every process this swarm started (SIGTERM, then SIGKILL) and removes the network. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: we are running inside the hook
    }
    teardown();
  }

  private void closeQuietly() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    teardown();
  }

  private void teardown() {
    // SIGTERM to all at once, so that the grace periods overlap.
    List<HostProcess> live = started.stream().filter(HostProcess::isAlive).toList();
    live.forEach(HostProcess::signalTerm);
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    for (HostProcess p : live) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      p.stop(Duration.ofMillis(left));
    }
    RuntimeException failure = null;
    try {
      net("down", prefix);
    } catch (RuntimeException e) {
      failure = e;
    }
    timeline("swarm", stamp() + " swarm: torn down");
    hosts.forEach(Host::closeLog);
    synchronized (timeline) {
      try {
        timeline.close();
      } catch (IOException e) {
        // ignore
      }
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // ignore: the lock goes with the process anyway
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // internals

  void track(HostProcess p) {
    if (!started.contains(p)) {
      started.add(p);
    }
  }

  long elapsedMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  String stamp() {
    return String.format("[+%8.3fs]", elapsedMillis() / 1000.0);
  }

  void timeline(String host, String stampedLine) {
    synchronized (timeline) {
      try {
        timeline.write(host.equals("swarm") ? stampedLine : stampedLine.replaceFirst("] ", "] " + host + "/"));
        timeline.newLine();
        timeline.flush();
      } catch (IOException e) {
        // best effort
      }
    }
  }

  /** Runs net.sh; throws with its output if it fails. */
  String net(String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", swarmDir.resolve("net.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CHK_SUBNET", subnet);
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("net.sh " + String.join(" ", args) + " hung");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("net.sh " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run net.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in net.sh", e);
    }
  }

  static String ipCommand() {
    String ip = ipCommandOrNull();
    if (ip == null) {
      throw new IllegalStateException("iproute2 `ip` not found in " + IP_PATHS);
    }
    return ip;
  }

  private static String ipCommandOrNull() {
    return IP_PATHS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
  }

  private static boolean isRoot() {
    try (Stream<String> s = Files.lines(Path.of("/proc/self/status"))) {
      return s.filter(l -> l.startsWith("Uid:")).findFirst()
          .map(l -> l.split("\\s+")[2].equals("0")).orElse(false); // effective uid
    } catch (IOException e) {
      return false;
    }
  }

  private static FileLock acquire(FileChannel ch, Path file, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      FileLock l = ch.tryLock();
      if (l != null) {
        return l;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("another swarm holds " + file + " for " + timeout.toMinutes()
            + " min; use -Dcharkha.swarm.prefix=chk-xx- -Dcharkha.swarm.subnet=198.18.N to run beside it");
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + file, e);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public String toString() {
    return "Swarm(" + testName + ", " + hosts.size() + " hosts, " + prefix + ")";
  }
}
