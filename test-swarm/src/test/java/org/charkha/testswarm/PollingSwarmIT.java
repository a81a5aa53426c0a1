package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Without push messages (--no-push on every node) followers learn of a new version by polling the
 * DHT alone; each post must reach every follower within one poll interval plus a bound for the DHT get
 * and the download.
 */
@ExtendWith(SwarmExtension.class)
class PollingSwarmIT {
  private static final int POLL = 3;
  private static final Duration BOUND = Duration.ofSeconds(POLL + 15);

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
      // When A posts (the clock starts once the CLI has written the new version)
      a.post("post " + i + " travels by DHT polling only");
      long posted = System.nanoTime();
      // Then each follower holds it within poll + 15 s
      for (CharkhaNode f : List.of(b, c)) {
        long left = BOUND.toNanos() - (System.nanoTime() - posted);
        f.awaitHolds(a, i, Duration.ofNanos(Math.max(left, 1)));
        double took = (System.nanoTime() - posted) / 1e9;
        timings.add(String.format("seq %d -> %s %.1f s", i, f.name(), took));
      }
    }
    System.out.println("PollingSwarmIT: poll " + POLL + " s, bound " + BOUND.toSeconds() + " s: " + timings);
    List<String> expected = FollowSwarmIT.texts(a.ownLog());
    assertEquals(expected, FollowSwarmIT.texts(b.heldOrFail(a)), "n2 (B) holds every post of A");
    assertEquals(expected, FollowSwarmIT.texts(c.heldOrFail(a)), "n3 (C) holds every post of A");
  }
}
