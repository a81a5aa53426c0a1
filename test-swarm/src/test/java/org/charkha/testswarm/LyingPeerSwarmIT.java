package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hostile peer on its own host ({@link LyingPeer}, its own implementation of the wire protocol)
 * floods A's follower B with push messages that must be ignored (forged signatures, strangers'
 * items, oversized and malformed messages, replays), and offers A's newest follower C corrupt
 * pieces, 64 MiB of metadata and pieces it never sends. Honest nodes keep only A's genuine versions, stay within their
 * memory, and are not slowed beyond {@link #BOUND}.
 */
@ExtendWith(SwarmExtension.class)
class LyingPeerSwarmIT {
  private static final int POLL = 2;
  /** How late a genuine version may arrive while the liar is at work. */
  private static final Duration BOUND = Duration.ofSeconds(30);
  /** Resident memory of a node (it runs with -Xmx128m) under attack. */
  private static final long MAX_RSS_KB = 400 * 1024;
  private static final Pattern TOTALS = Pattern.compile(
      "lying: totals sessions=(\\d+) items=(\\d+) garbageBlocks=(\\d+) metadataRequests=(\\d+) withheldRequests=(\\d+)");

  @Test
  void honestNodesIgnoreTheLiesAndStayCurrent(@Hosts(4) Swarm swarm) throws Exception {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2)), c = new CharkhaNode(swarm.host(3));
    Host liar = swarm.host(4);
    CharkhaNode.startAll(List.of(a, b, c), POLL);
    a.post("genuine one");
    a.awaitAnnounced(1, Duration.ofSeconds(30));
    b.follow(a);
    b.awaitHolds(a, 1, Duration.ofSeconds(60));

    // Given the liar connects to B and C in A's swarm, pushing 20,000 bad items at B
    liar.start("liar", liarCommand(swarm, liar, a, List.of(b, c), 20_000));
    Swarm.waitUntil("the liar flooded n2 (B)", Duration.ofSeconds(60),
        () -> liar.process("liar").lines().stream().anyMatch(l -> l.contains("flooded 20000 push messages")));

    // When A posts, B still takes exactly A's version within the bound, over the same swarm
    long posted = System.nanoTime();
    a.post("genuine two");
    Swarm.waitUntil("n2 (B) holds A's second post", BOUND,
        () -> b.held(a).map(FollowSwarmIT::texts).orElse(List.of()).contains("genuine two"));
    System.out.printf("LyingPeerSwarmIT: A's post reached B in %.1f s under the flood%n", (System.nanoTime() - posted) / 1e9);
    assertEquals(a.ownLog().get("entries"), b.heldOrFail(a).get("entries"), "n2 (B) holds exactly A's entries");
    assertTrue(b.heldSeqFromLog(a) < 1_000_000, "n2 (B) never took a forged seq");
    assertEquals(0, b.host().process().lines().stream().filter(l -> l.contains("rejected seq")).count(),
        "no bad version was even downloaded: forged items die at the signature check");

    // And C, following A while the liar offers it every piece (random bytes) and 64 MiB of metadata,
    // gets A's genuine feed within the bound
    long followed = System.nanoTime();
    c.follow(a);
    Swarm.waitUntil("n3 (C) holds A's two posts", BOUND.multipliedBy(2),
        () -> c.held(a).map(FollowSwarmIT::texts).orElse(List.of()).equals(List.of("genuine one", "genuine two")));
    System.out.printf("LyingPeerSwarmIT: C caught up in %.1f s beside the liar%n", (System.nanoTime() - followed) / 1e9);
    assertEquals(a.ownLog().get("entries"), c.heldOrFail(a).get("entries"), "n3 (C) holds exactly A's entries");

    long[] totals = totals(liar);
    System.out.printf("LyingPeerSwarmIT: liar sessions=%d items=%d garbageBlocks=%d metadataRequests=%d withheldRequests=%d%n",
        totals[0], totals[1], totals[2], totals[3], totals[4]);
    assertTrue(totals[0] >= 3, "the liar had sessions with B and C: " + totals[0]);
    for (CharkhaNode n : List.of(b, c)) {
      assertTrue(n.isRunning(), n.name() + " survived");
      long rss = rssKb(n.host().process().pid());
      assertTrue(rss < MAX_RSS_KB, n.name() + " resident memory " + rss + " kB");
      assertTrue(n.cli("status").ok(), n.name() + " still answers");
    }
  }

  private static List<String> liarCommand(Swarm swarm, Host liar, CharkhaNode author, List<CharkhaNode> targets, int spam) {
    List<String> cmd = new ArrayList<>(swarm.javaCommand());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LyingPeer.class.getName(),
        "--bind", liar.address(CharkhaNode.PORT), "--author-home", author.dataDir().toString(),
        "--feed", author.key(), "--spam", Integer.toString(spam)));
    for (CharkhaNode t : targets) {
      cmd.addAll(List.of("--dial", t.host().address(CharkhaNode.PORT)));
    }
    return cmd;
  }

  private static long[] totals(Host liar) {
    long[] last = new long[5];
    for (String l : liar.process("liar").lines()) {
      Matcher m = TOTALS.matcher(l);
      if (m.find()) {
        for (int i = 0; i < 5; i++) {
          last[i] = Long.parseLong(m.group(i + 1));
        }
      }
    }
    return last;
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new AssertionError("no VmRSS for pid " + pid);
  }
}
