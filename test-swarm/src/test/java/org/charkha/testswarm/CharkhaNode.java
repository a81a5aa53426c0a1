package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Charkha node ({@code charkha run}) on one {@link Host}, and the CLI calls a scenario makes on its data
 * directory. Every node listens on {@link #PORT} at its host's address and is given every other node of
 * the scenario as a DHT bootstrap node: mldht only keeps nodes that answered its own queries, so the
 * first node started must learn of the later ones too.
 *
 * <p>Waiting is done on the node's own log lines where possible ({@code announced <feed> seq N},
 * {@code feed <feed>: now at seq N}): a CLI call is a JVM start, about a second of one of our two cores.
 */
final class CharkhaNode {
  static final int PORT = 7000;
  static final Duration START_TIMEOUT = Duration.ofSeconds(40);
  static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUNNING = Pattern.compile("Charkha node running\\. Feed: (magnet:\\S+)");
  private static final Pattern NOW_AT = Pattern.compile("feed (\\S+): now at seq (\\d+)");
  private static final Pattern ANNOUNCED = Pattern.compile("announced (\\S+) seq (\\d+) to (\\d+) DHT nodes");

  private final Host host;
  private final List<String> runArgs = new ArrayList<>();
  private final List<String> jvmFlags = new ArrayList<>();
  private String link;
  private String key;

  CharkhaNode(Host host) {
    this.host = host;
  }

  Host host() {
    return host;
  }

  String name() {
    return host.name();
  }

  /** Starts {@code nodes}, each bootstrapped to all the others, and waits until every one runs. */
  static List<CharkhaNode> startAll(Collection<CharkhaNode> nodes, int pollSeconds, String... extra) {
    List<Host> hosts = nodes.stream().map(CharkhaNode::host).toList();
    for (CharkhaNode n : nodes) {
      n.configure(hosts, pollSeconds, extra);
      n.launch();
    }
    for (CharkhaNode n : nodes) {
      n.awaitRunning();
    }
    return List.copyOf(nodes);
  }

  /** Sets the {@code run} arguments: bootstrap to every host in {@code swarm} but this one. */
  CharkhaNode configure(Collection<Host> swarm, int pollSeconds, String... extra) {
    runArgs.clear();
    runArgs.addAll(List.of("run", "--port", Integer.toString(PORT), "--bind", host.ip(), "--no-public-bootstrap",
        "--poll", Integer.toString(pollSeconds), "--no-lsd"));
    for (Host h : swarm) {
      if (h != host) {
        runArgs.addAll(List.of("--bootstrap", h.address(PORT)));
      }
    }
    runArgs.addAll(Arrays.asList(extra));
    return this;
  }

  /** Extra JVM flags for {@code charkha run} (e.g. a debug log level), set before the first launch. */
  CharkhaNode jvmFlags(String... flags) {
    jvmFlags.addAll(Arrays.asList(flags));
    return this;
  }

  /** Starts (or starts again) the node with the configured arguments, without waiting. */
  CharkhaNode launch() {
    if (runs == 0) {
      List<String> cmd = new ArrayList<>(host.charkha(runArgs.toArray(String[]::new)));
      cmd.addAll(host.swarm().javaCommand().size(), jvmFlags);
      host.start(cmd);
    } else {
      host.process().restart(); // same process record: its lines of every run stay for awaitRunning and the log checks
    }
    runs++;
    return this;
  }

  private int runs;

  /** Waits for this run's "Charkha node running" line (lines of earlier runs are kept) and learns the link. */
  CharkhaNode awaitRunning() {
    HostProcess p = host.process();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      List<String> running = p.lines().stream().filter(l -> RUNNING.matcher(l).find()).toList();
      if (running.size() >= runs) {
        Matcher m = RUNNING.matcher(running.get(running.size() - 1));
        assertTrue(m.find());
        link = m.group(1);
        key = link.replaceFirst(".*urn:btpk:([0-9a-f]{64}).*", "$1");
        return this;
      }
      if (!p.isAlive()) {
        throw new AssertionError(name() + ": node exited " + p.exitCode() + " before it ran");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name() + ": node not running after " + START_TIMEOUT.toSeconds() + " s");
      }
      sleep(100);
    }
  }

  /** SIGTERM (then SIGKILL after the swarm's stop timeout). */
  void stop() {
    host.stop();
  }

  boolean isRunning() {
    return host.process().isAlive();
  }

  /** The feed link, e.g. {@code magnet:?xs=urn:btpk:<64 hex>}. */
  String link() {
    if (link == null) {
      throw new IllegalStateException(name() + ": link not known before the node ran");
    }
    return link;
  }

  /** Public key hex. */
  String key() {
    link();
    return key;
  }

  /** The 8 hex digits the node uses for this feed in its log lines. */
  String shortName() {
    return key().substring(0, 8);
  }

  // ---------------------------------------------------------------------------------------------
  // CLI on the node's data directory

  ExecResult cli(String... args) {
    return host.exec(CLI_TIMEOUT, host.charkha(args)).assertOk();
  }

  /** Posts and returns the entry's reference (the CLI prints it last). */
  String post(String text) {
    return lastWord(cli("post", text));
  }

  String edit(String ref, String text) {
    return lastWord(cli("edit", ref, text));
  }

  String delete(String ref) {
    return lastWord(cli("delete", ref));
  }

  void follow(CharkhaNode author) {
    cli("follow", author.link());
  }

  /** The current signed item of the own feed ({@code item --json}). */
  JsonNode item() {
    return json(cli("item", "--json"));
  }

  /** This node's stored copy of {@code author}'s feed ({@code log LINK --json}), empty if it holds none. */
  Optional<JsonNode> held(CharkhaNode author) {
    ExecResult r = host.exec(CLI_TIMEOUT, host.charkha("log", author.link(), "--json"));
    if (!r.ok()) {
      if (r.stderr().contains("no stored copy")) {
        return Optional.empty();
      }
      throw new AssertionError(r.describe());
    }
    return Optional.of(json(r));
  }

  JsonNode heldOrFail(CharkhaNode author) {
    return held(author).orElseThrow(() -> new AssertionError(name() + " holds no copy of " + author.name() + "'s feed"));
  }

  /** The own feed's log ({@code log --json}). */
  JsonNode ownLog() {
    return json(cli("log", "--json"));
  }

  // ---------------------------------------------------------------------------------------------
  // waiting on the node's log

  /** Waits until this node's log says it announced its own feed at seq >= {@code seq}; returns the seq. */
  long awaitAnnounced(long seq, Duration timeout) {
    return awaitSeqLine(ANNOUNCED, shortName(), seq, timeout, "announced seq >= " + seq);
  }

  /** Waits until this node's log says it holds {@code author}'s feed at seq >= {@code seq}. */
  long awaitHolds(CharkhaNode author, long seq, Duration timeout) {
    return awaitSeqLine(NOW_AT, author.shortName(), seq, timeout, "holds " + author.name() + "'s feed at seq >= " + seq);
  }

  /** The highest seq of {@code author}'s feed this node's log says it now holds, or -1. */
  long heldSeqFromLog(CharkhaNode author) {
    return maxSeq(host.process().lines(), NOW_AT, author.shortName());
  }

  private long awaitSeqLine(Pattern p, String feed, long seq, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long max = maxSeq(host.process().lines(), p, feed);
      if (max >= seq) {
        return max;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name() + ": timed out after " + timeout.toSeconds() + " s waiting until it " + what
            + " (log shows " + max + ")");
      }
      sleep(100);
    }
  }

  private static long maxSeq(List<String> lines, Pattern p, String feed) {
    long max = -1;
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find() && m.group(1).equals(feed)) {
        max = Math.max(max, Long.parseLong(m.group(2)));
      }
    }
    return max;
  }

  // ---------------------------------------------------------------------------------------------
  // files

  /** {@code <home>/charkha}: the node's data directory. */
  Path dataDir() {
    return host.home().resolve("charkha");
  }

  /** This node's store of {@code author}'s feed: DIR/feeds/<feed>/. */
  Path feedDir(CharkhaNode author) {
    Path feeds = dataDir().resolve("feeds");
    try (Stream<Path> s = Files.list(feeds)) {
      return s.filter(d -> d.getFileName().toString().startsWith(author.key())).findFirst()
          .orElseThrow(() -> new AssertionError(name() + " has no directory for " + author.name() + " in " + feeds));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  static JsonNode json(ExecResult r) {
    try {
      return JSON.readTree(r.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.describe(), e);
    }
  }

  private static String lastWord(ExecResult r) {
    String[] lines = r.stdout().strip().split("\n");
    String[] words = lines[lines.length - 1].strip().split("\\s+");
    return words[words.length - 1];
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return host.toString();
  }
}
