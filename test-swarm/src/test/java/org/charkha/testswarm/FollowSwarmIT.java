package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Following across real hosts: a follower resolves a feed through the DHT alone (it is given nothing but
 * the link), and once it holds the feed it keeps it resolvable and downloadable after the author leaves.
 */
@ExtendWith(SwarmExtension.class)
class FollowSwarmIT {
  private static final int POLL = 2;

  @Test
  void followerResolvesFeedThroughDhtAndServesItAfterAuthorLeaves(@Hosts(3) Swarm swarm) {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2)), c = new CharkhaNode(swarm.host(3));
    CharkhaNode.startAll(List.of(a, b, c), POLL);

    // (a) Given A posts, when B follows A's link, then B resolves A's item in the DHT and fetches the post.
    a.post("hello from A");
    a.awaitAnnounced(1, Duration.ofSeconds(30));
    b.follow(a);
    b.awaitHolds(a, 1, Duration.ofSeconds(60));
    assertEquals(List.of("hello from A"), texts(b.heldOrFail(a)), "n2 (B) holds A's feed with A's post");

    // (b) Given B holds A's whole feed (two more posts), when A stops and C follows A,
    // then C gets every entry from B alone, the only live peer that holds A's feed. C resolves A's
    // item from the DHT nodes that stored it, B among them (B's hourly re-put of held items is
    // checked by SyncEngineRepublishTest; within this test's minutes the stored copies suffice).
    a.post("second from A");
    a.post("third from A");
    long last = a.awaitAnnounced(3, Duration.ofSeconds(30));
    b.awaitHolds(a, last, Duration.ofSeconds(60));
    JsonNode authors = a.ownLog();
    a.stop();
    c.follow(a);
    c.awaitHolds(a, last, Duration.ofSeconds(90));
    JsonNode fromB = c.heldOrFail(a);
    assertEquals(List.of("hello from A", "second from A", "third from A"), texts(fromB), "n3 (C) holds A's whole feed");
    assertEquals(authors.get("entries"), fromB.get("entries"), "n3 (C) holds exactly the entries A wrote");
    assertEquals(last, fromB.get("version").asLong(), "n3 (C) holds A's latest version");
    assertTrue(!a.isRunning(), "n1 (A) was stopped all along");
  }

  static List<String> texts(JsonNode log) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : log.get("entries")) {
      if (e.path("type").asText().equals("post") && e.has("text")) {
        out.add(e.get("text").asText());
      }
    }
    return out;
  }
}
