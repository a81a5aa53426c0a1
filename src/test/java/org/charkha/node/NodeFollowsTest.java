package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node follows what its own log says after every change of it, however the change came:
 * follow, unfollow, a deleted follow, and posts in between that change nothing.
 */
class NodeFollowsTest {
  @TempDir Path home;

  @Test
  void theNodeFollowsWhatItsOwnLogSays() throws Exception {
    LoopbackNode started = LoopbackNode.start(home, Duration.ofSeconds(10));
    try (Node node = started.node()) {
      FeedId a = Identity.generate().feed();
      FeedId b = Identity.generate().feed();
      node.own().follow(a);
      node.checkOwnFeed();
      assertEquals(Set.of(a), node.sync().followed());

      for (int i = 0; i < 3; i++) {
        node.own().append(new Content.Post("nothing to do with follows " + i));
        node.checkOwnFeed();
      }
      assertEquals(Set.of(a), node.sync().followed(), "posts leave the follows as they are");

      OwnFeed.Published followB = node.own().follow(b).orElseThrow();
      node.own().append(new Content.Post("after following b"));
      node.checkOwnFeed();
      assertEquals(Set.of(a, b), node.sync().followed());

      node.own().unfollow(a);
      node.checkOwnFeed();
      assertEquals(Set.of(b), node.sync().followed());

      node.own().append(new Content.Delete(followB.entry().seq()));
      node.checkOwnFeed();
      assertEquals(Set.of(), node.sync().followed(), "a deleted follow no longer counts");
    }
  }
}
