package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node says how it learned each version it now holds (push, poll, other): test-swarm's PollingSwarmIT
 * relies on it to show that with push off, polling alone brought every version.
 */
class SyncEngineItemSourceTest {
  @TempDir Path tmp;

  @Test
  void heldVersionRemembersWhetherAPollOrAPushBroughtIt() throws Exception {
    DataDir authorData = DataDir.open(tmp.resolve("author"));
    authorData.initialize();
    OwnFeed author = OwnFeed.open(authorData);
    OwnFeed.Published v1 = author.append(new org.charkha.feed.Content.Post("one"));
    FeedLog log1 = author.log().copy();
    OwnFeed.Published v2 = author.append(new org.charkha.feed.Content.Post("two"));
    FeedLog log2 = author.log();

    FakeFeedNetwork net = new FakeFeedNetwork();
    net.serve(v1.torrent(), log1);
    net.serve(v2.torrent(), log2);
    net.putInDht(v1.item());
    DataDir followerData = DataDir.open(tmp.resolve("follower"));
    followerData.initialize();
    SyncEngine sync = new SyncEngine(followerData, OwnFeed.open(followerData), net,
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofSeconds(1)));
    try {
      sync.follow(author.feed()); // polls at once: the lookup finds seq 1
      awaitHeld(sync, 1);
      assertEquals(Optional.of(ItemSource.POLL), sync.heldVersionSource(author.feed()), "seq 1 came by a DHT poll");

      sync.offer(v2.item(), List.of(), author.feed(), ItemSource.PUSH);
      awaitHeld(sync, 2);
      assertEquals(Optional.of(ItemSource.PUSH), sync.heldVersionSource(author.feed()), "seq 2 came by a push");
    } finally {
      sync.close();
    }
  }

  private static void awaitHeld(SyncEngine sync, long seq) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while ((sync.status().isEmpty() || sync.status().get(0).heldSeq() != seq) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(seq, sync.status().get(0).heldSeq(), "held seq: " + sync.status());
  }
}
