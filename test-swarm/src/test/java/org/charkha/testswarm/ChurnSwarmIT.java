package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Four nodes follow each other while posts flow and nodes stop and start at random. Once every node runs
 * again, every follower holds every post of every feed it follows. The schedule comes from a seeded
 * Random: the seed is printed, and {@code -Dcharkha.churn.seed=N} replays it.
 */
@ExtendWith(SwarmExtension.class)
class ChurnSwarmIT {
  private static final int POLL = 2;
  private static final int ROUNDS = 12;

  @Test
  void followersHoldEveryPostAfterRandomStopsAndStarts(@Hosts(4) Swarm swarm) {
    long seed = Long.getLong("charkha.churn.seed", System.nanoTime());
    System.out.println("ChurnSwarmIT: seed " + seed + " (replay with -Dcharkha.churn.seed=" + seed + ")");
    Random random = new Random(seed);
    List<CharkhaNode> nodes = new ArrayList<>();
    for (Host h : swarm.hosts()) {
      nodes.add(new CharkhaNode(h));
    }
    CharkhaNode.startAll(nodes, POLL);
    for (CharkhaNode n : nodes) {
      for (CharkhaNode other : nodes) {
        if (other != n) {
          n.follow(other);
        }
      }
    }

    // Posts flow while nodes stop and start: a post on a stopped node is written offline and goes out
    // when it runs again. At least two nodes keep running at any time.
    int posts = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      CharkhaNode author = nodes.get(random.nextInt(nodes.size()));
      author.post("churn post " + ++posts + " by " + author.name());
      CharkhaNode victim = nodes.get(random.nextInt(nodes.size()));
      long running = nodes.stream().filter(CharkhaNode::isRunning).count();
      String action;
      if (victim.isRunning() && running > 2 && random.nextBoolean()) {
        action = "stop " + victim.name();
        victim.stop();
      } else if (!victim.isRunning()) {
        action = "start " + victim.name();
        victim.launch().awaitRunning();
      } else {
        action = "none";
      }
      int pause = 1000 + random.nextInt(4000);
      System.out.printf("ChurnSwarmIT: round %d: %s posted, %s, then %d ms%n", round, author.name(), action, pause);
      CharkhaNode.sleep(pause);
    }
    for (CharkhaNode n : nodes) {
      if (!n.isRunning()) {
        n.launch();
      }
    }
    nodes.forEach(CharkhaNode::awaitRunning);

    // Then every follower converges on every author's whole feed
    long t0 = System.nanoTime();
    for (CharkhaNode author : nodes) {
      long version = author.ownLog().get("version").asLong();
      for (CharkhaNode f : nodes) {
        if (f != author) {
          f.awaitHolds(author, version, Duration.ofSeconds(120));
        }
      }
    }
    System.out.printf("ChurnSwarmIT: converged %.1f s after every node ran again%n", (System.nanoTime() - t0) / 1e9);
    int total = 0;
    for (CharkhaNode author : nodes) {
      List<String> own = FollowSwarmIT.texts(author.ownLog());
      total += own.size();
      for (CharkhaNode f : nodes) {
        if (f != author) {
          assertEquals(own, FollowSwarmIT.texts(f.heldOrFail(author)), f.name() + " holds every post of " + author.name());
        }
      }
    }
    assertEquals(posts, total, "every post was written");
  }
}
