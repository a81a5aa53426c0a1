package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Without push messages (--no-push on every node) followers learn of a new version by polling the
 * DHT alone: each post reaches every follower within one poll interval of the author's announce, plus a
 * small allowance for the DHT get and the download, and each follower's log says the version was learned
 * by a poll.
 */
@ExtendWith(SwarmExtension.class)
class PollingSwarmIT {
  private static final int POLL = 8;
  /**
   * Measured on these hosts (3 namespaces, 2 shared cores): a follower's DHT get of the feed plus the
   * download and verification of the new version take about 1-2 s after its poll starts, so a follower
   * that polls right after the announce holds the version about 1-2 s later, and one that just missed it
   * about POLL + 1-2 s later. POLL + 4 s leaves room for a slow get but fails when a whole poll round is
   * missed (that would take at least 2 * POLL = 16 s).
   */
  private static final Duration BOUND = Duration.ofSeconds(POLL + 4);
  private static final Pattern NOW_AT = Pattern.compile("feed (\\S+): now at seq (\\d+) .*learned by (\\w+)");

  @Test
  void dhtPollingAloneConvergesWithinThePollInterval(@Hosts(3) Swarm swarm) {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2)), c = new CharkhaNode(swarm.host(3));
    CharkhaNode.startAll(List.of(a, b, c), POLL, "--no-push");
    a.post("first, before anyone follows");
    a.awaitAnnounced(1, Duration.ofSeconds(30));
    b.follow(a);
    c.follow(a);
    b.awaitHolds(a, 1, Duration.ofSeconds(60));
    c.awaitHolds(a, 1, Duration.ofSeconds(60));

    List<String> timings = new ArrayList<>();
    for (int i = 2; i <= 4; i++) {
      // When A has announced seq i in the DHT (the CLI's post and A's publishing are not counted)
      a.post("post " + i + " travels by DHT polling only");
      a.awaitAnnounced(i, Duration.ofSeconds(30));
      long announced = System.nanoTime();
      // Then each follower holds it within one poll interval plus the lookup allowance
      for (CharkhaNode f : List.of(b, c)) {
        long left = BOUND.toNanos() - (System.nanoTime() - announced);
        f.awaitHolds(a, i, Duration.ofNanos(Math.max(left, 1)));
        double took = (System.nanoTime() - announced) / 1e9;
        timings.add(String.format("seq %d -> %s %.1f s", i, f.name(), took));
      }
    }
    System.out.println("PollingSwarmIT: poll " + POLL + " s, bound " + BOUND.toSeconds()
        + " s after the announce: " + timings);
    for (CharkhaNode f : List.of(b, c)) {
      List<String> sources = learnedBy(f, a);
      assertEquals(List.of("1 poll", "2 poll", "3 poll", "4 poll"), sources,
          f.name() + " learned every version of A by polling (push is off): " + sources);
    }
    List<String> expected = FollowSwarmIT.texts(a.ownLog());
    assertEquals(expected, FollowSwarmIT.texts(b.heldOrFail(a)), "n2 (B) holds every post of A");
    assertEquals(expected, FollowSwarmIT.texts(c.heldOrFail(a)), "n3 (C) holds every post of A");
  }

  /** "seq source" of each "now at seq" line of {@code author}'s feed in {@code follower}'s log. */
  private static List<String> learnedBy(CharkhaNode follower, CharkhaNode author) {
    List<String> out = new ArrayList<>();
    for (String line : follower.host().process().lines()) {
      Matcher m = NOW_AT.matcher(line);
      if (m.find() && m.group(1).equals(author.shortName())) {
        out.add(m.group(2) + " " + m.group(3));
      }
    }
    assertTrue(!out.isEmpty(), follower.name() + " logged no version of " + author.name());
    return out;
  }
}
