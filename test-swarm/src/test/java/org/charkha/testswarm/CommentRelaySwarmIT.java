package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * (g) A comment from someone A's followers do not follow reaches them through A: C's node tells
 * A's node of the reply on A's swarm, A's node verifies it and carries it as a relay entry in A's
 * feed, and B, who follows only A, sees it in the thread.
 */
@ExtendWith(SwarmExtension.class)
class CommentRelaySwarmIT {
  private static final int POLL = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aCommentFromANodeTheFollowerDoesNotFollowReachesThemThroughTheAuthor(@Hosts(3) Swarm swarm) throws Exception {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2)), c = new CharkhaNode(swarm.host(3));
    CharkhaNode.startAll(List.of(a, b, c), POLL);

    String post = a.post("what should we spin next?");
    long seq = a.awaitAnnounced(1, Duration.ofSeconds(30));
    b.follow(a);
    c.follow(a);
    b.awaitHolds(a, seq, Duration.ofSeconds(60));
    c.awaitHolds(a, seq, Duration.ofSeconds(60));

    c.cli("comment", post, "a shawl for the winter");
    Swarm.waitUntil("n2 (B) holds A's feed with a relay of C's comment", Duration.ofSeconds(120), () ->
        b.held(a).map(log -> hasRelay(log)).orElse(false));
    Swarm.waitUntil("n2 (B) shows C's comment in the thread of A's post", Duration.ofSeconds(30), () -> {
      try {
        JsonNode thread = JSON.readTree(b.cli("thread", post, "--json").stdout());
        for (JsonNode r : thread.get("replies")) {
          if (r.get("post").get("text").asText().equals("a shawl for the winter")) {
            assertEquals(c.key(), r.get("post").get("feed").asText(), "the comment is C's, signed by C");
            return true;
          }
        }
        return false;
      } catch (Exception e) {
        return false;
      }
    });
    assertFalse(JSON.readTree(b.cli("following", "--json").stdout()).toString().contains(c.key()),
        "n2 (B) never followed C");
  }

  private static boolean hasRelay(JsonNode log) {
    for (JsonNode e : log.get("entries")) {
      if (e.path("type").asText().equals("relay")
          && e.path("relayed").path("text").asText().equals("a shawl for the winter")) {
        return true;
      }
    }
    return false;
  }
}
