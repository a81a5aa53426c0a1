package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Four nodes follow each other while posts flow and nodes stop (SIGTERM), crash (SIGKILL) and start at
 * random. Once every node runs again, every follower holds every post of every feed it follows. The
 * schedule ({@link ChurnSchedule}) comes from a seeded Random and always churns: every node stops at least
 * once, at least 6 stop/start events, at least 2 SIGKILLs. The schedule is printed, and
 * {@code -Dcharkha.churn.seed=N} replays it.
 */
@ExtendWith(SwarmExtension.class)
class ChurnSwarmIT {
  private static final int POLL = 2;
  private static final int ROUNDS = 12;

  @Test
  void followersHoldEveryPostAfterRandomStopsAndStarts(@Hosts(4) Swarm swarm) {
    long seed = Long.getLong("charkha.churn.seed", System.nanoTime());
    List<CharkhaNode> nodes = new ArrayList<>();
    for (Host h : swarm.hosts()) {
      nodes.add(new CharkhaNode(h));
    }
    ChurnSchedule schedule = ChurnSchedule.generate(seed, nodes.size(), ROUNDS);
    List<String> names = nodes.stream().map(CharkhaNode::name).toList();
    System.out.println("ChurnSwarmIT: " + schedule.describe(names));
    CharkhaNode.startAll(nodes, POLL);
    for (CharkhaNode n : nodes) {
      for (CharkhaNode other : nodes) {
        if (other != n) {
          n.follow(other);
        }
      }
    }

    // Posts flow while nodes stop, crash and start: a post on a stopped node is written offline and goes
    // out when it runs again. At least two nodes keep running at any time.
    int posts = 0;
    for (int i = 0; i < schedule.rounds().size(); i++) {
      ChurnSchedule.Round round = schedule.rounds().get(i);
      CharkhaNode author = nodes.get(round.author());
      author.post("churn post " + ++posts + " by " + author.name());
      CharkhaNode victim = nodes.get(round.victim());
      switch (round.action()) {
        case STOP -> victim.stop();
        case KILL -> victim.host().kill();
        case START -> victim.launch().awaitRunning();
        case NONE -> { }
      }
      if (round.action() != ChurnSchedule.Action.NONE) {
        assertEquals(round.action() == ChurnSchedule.Action.START, victim.isRunning(),
            "round " + (i + 1) + " left " + victim.name() + " as the schedule says: " + round.describe(names));
      }
      System.out.printf("ChurnSwarmIT: round %d done: %s%n", i + 1, round.describe(names));
      CharkhaNode.sleep(round.pauseMillis());
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
