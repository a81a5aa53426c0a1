package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.index.Cursor;
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

  @Test
  void unfollowingAFeedTakesItsPostsOutOfTheIndex() throws Exception {
    LoopbackNode started = LoopbackNode.start(home, Duration.ofSeconds(10));
    try (Node node = started.node()) {
      Identity alice = Identity.generate();
      FeedLog log = FeedLog.empty(alice.feed());
      log.append(alice, new Content.Profile(Optional.of("Alice"), Optional.of("spins marigoldyarn")), 1_700_000_000_000L);
      log.append(alice, new Content.Post("a post about tamarindloom"), 1_700_000_001_000L);
      node.own().follow(alice.feed());
      node.checkOwnFeed();
      node.index().ingest(alice.feed(), log.entries()); // as a sync of her feed would
      node.index().awaitSearch();
      assertEquals(1, node.index().search("tamarindloom", 5).size());

      node.own().unfollow(alice.feed());
      node.checkOwnFeed();
      node.index().awaitSearch();

      assertEquals(List.of(), node.index().search("tamarindloom", 5));
      assertEquals(List.of(), node.index().search("marigoldyarn", 5));
      assertEquals(List.of(), node.index().authorTimeline(alice.feed(), Cursor.LATEST, 5).items());
      assertEquals(Optional.empty(), node.index().profile(alice.feed()).flatMap(p -> p.name()));
    }
  }

  @Test
  void anUnfollowMadeWhileNoNodeRanLeavesStoreAndSearchAtTheNextStart() throws Exception {
    Identity alice = Identity.generate();
    org.charkha.store.DataDir data = org.charkha.store.DataDir.open(home);
    data.initialize();
    org.charkha.feed.FeedLog log = org.charkha.feed.FeedLog.empty(alice.feed());
    log.appendAll(alice, java.util.List.of(new Content.Post("zanzibar")), java.util.List.of(1_700_000_000_000L));
    org.charkha.store.FeedStore store = data.feed(alice.feed());
    store.writeVersion(1, log);
    store.writeItem(org.charkha.dht.MutableItem.signInfohash(alice, alice.feed(), 1,
        org.charkha.torrent.FeedTorrent.of(log).infohash()));
    OwnFeed.open(data).follow(alice.feed());

    try (Node node = LoopbackNode.start(home, Duration.ofSeconds(10)).node()) {
      awaitSearch(node, "zanzibar", 1);
    }
    OwnFeed.open(data).unfollow(alice.feed()); // `charkha unfollow` with no node running

    try (Node node = LoopbackNode.start(home, Duration.ofSeconds(10)).node()) {
      assertEquals(Set.of(), node.sync().followed());
      assertEquals(java.util.Optional.empty(), store.load(), "the stored copy is gone");
      awaitSearch(node, "zanzibar", 0);
    }
  }

  private static void awaitSearch(Node node, String word, int hits) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int found;
    do {
      node.index().awaitSearch();
      found = node.index().search(word, 10).size();
      if (found == hits) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertEquals(hits, found, "search hits for " + word);
  }
}
