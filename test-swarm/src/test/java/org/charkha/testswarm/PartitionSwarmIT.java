package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A and B follow each other (C follows both and stays connected). A is cut off from the network while
 * both keep posting; after the heal every follower converges on every post, nothing lost.
 */
@ExtendWith(SwarmExtension.class)
class PartitionSwarmIT {
  private static final int POLL = 2;

  @Test
  void postsMadeDuringAPartitionArriveAfterTheHeal(@Hosts(3) Swarm swarm) {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2)), c = new CharkhaNode(swarm.host(3));
    CharkhaNode.startAll(List.of(a, b, c), POLL);
    a.post("A before the cut");
    b.post("B before the cut");
    a.awaitAnnounced(1, Duration.ofSeconds(30));
    b.awaitAnnounced(1, Duration.ofSeconds(30));
    a.follow(b);
    b.follow(a);
    c.follow(a);
    c.follow(b);
    for (CharkhaNode[] pair : new CharkhaNode[][] {{a, b}, {b, a}, {c, a}, {c, b}}) {
      pair[0].awaitHolds(pair[1], 1, Duration.ofSeconds(60));
    }
    long aBefore = a.awaitAnnounced(2, Duration.ofSeconds(30)); // A's follow entry
    long bBefore = b.awaitAnnounced(2, Duration.ofSeconds(30));

    // When A is cut off while A posts three times and B twice
    a.host().cut();
    for (int i = 1; i <= 3; i++) {
      a.post("A during the cut " + i);
    }
    b.post("B during the cut 1");
    b.post("B during the cut 2");
    long aAfter = aBefore + 3, bAfter = bBefore + 2;
    // B's posts still reach C, A's cannot reach anyone
    c.awaitHolds(b, bAfter, Duration.ofSeconds(60));
    assertEquals(true, b.heldSeqFromLog(a) < aAfter, "n2 (B) got A's posts through the cut");
    assertEquals(true, a.heldSeqFromLog(b) < bAfter, "n1 (A) got B's posts through the cut");
    CharkhaNode.sleep(5000); // a few more poll rounds fail while cut

    // Then after the heal everything converges
    a.host().heal();
    long healed = System.nanoTime();
    b.awaitHolds(a, aAfter, Duration.ofSeconds(90));
    c.awaitHolds(a, aAfter, Duration.ofSeconds(90));
    a.awaitHolds(b, bAfter, Duration.ofSeconds(90));
    System.out.printf("PartitionSwarmIT: converged %.1f s after the heal%n", (System.nanoTime() - healed) / 1e9);

    List<String> aPosts = FollowSwarmIT.texts(a.ownLog()), bPosts = FollowSwarmIT.texts(b.ownLog());
    assertEquals(List.of("A before the cut", "A during the cut 1", "A during the cut 2", "A during the cut 3"), aPosts);
    assertEquals(aPosts, FollowSwarmIT.texts(b.heldOrFail(a)), "n2 (B) holds every post of A");
    assertEquals(aPosts, FollowSwarmIT.texts(c.heldOrFail(a)), "n3 (C) holds every post of A");
    assertEquals(bPosts, FollowSwarmIT.texts(a.heldOrFail(b)), "n1 (A) holds every post of B");
    assertEquals(bPosts, FollowSwarmIT.texts(c.heldOrFail(b)), "n3 (C) holds every post of B");
  }
}
