package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 0005 section 2: an author raises seq once per signed version but publishes only its current
 * one, so a follower sees gaps (offline writes, several writes inside the publish delay) and must
 * take them; it must never take a lower or equal seq.
 */
class SyncEngineSeqGapTest {
  @TempDir Path tmp;

  @Test
  void followerTakesAVersionWhoseSeqSkipsUnpublishedOnesAndIgnoresEqualOrLowerSeqs() throws Exception {
    DataDir authorData = DataDir.open(tmp.resolve("author"));
    authorData.initialize();
    OwnFeed author = OwnFeed.open(authorData);
    OwnFeed.Published v1 = author.append(new Content.Post("one"));
    FeedLog log1 = author.log();
    author.append(new Content.Post("two, never published"));
    OwnFeed.Published v3 = author.append(new Content.Post("three, never published"));
    OwnFeed.Published v4 = author.append(new Content.Post("four"));
    FeedLog log4 = author.log();
    OwnFeed.Published v5 = author.append(new Content.Post("five"));
    FeedLog log5 = author.log();

    FakeFeedNetwork net = new FakeFeedNetwork();
    net.serve(v1.torrent(), log1.pieces());
    net.serve(v4.torrent(), log4.pieces());
    net.serve(v5.torrent(), log5.pieces());
    DataDir followerData = DataDir.open(tmp.resolve("follower"));
    followerData.initialize();
    SyncEngine sync = new SyncEngine(followerData, OwnFeed.open(followerData), net,
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(1)));
    try {
      sync.follow(author.feed());
      sync.offer(v1.item(), List.of());
      awaitHeld(sync, 1);

      sync.offer(v4.item(), List.of()); // seqs 2 and 3 were never published
      awaitHeld(sync, 4);
      assertEquals(4, sync.status().get(0).entries());

      // A lower seq, and the same seq naming another (longer) version, are not taken.
      MutableItem sameSeqOtherValue = MutableItem.signInfohash(author.identity(), author.feed(), 4,
          v5.torrent().infohash());
      sync.offer(v3.item(), List.of());
      sync.offer(sameSeqOtherValue, List.of());
      assertEquals(List.of(v1.torrent().infohashHex(), v4.torrent().infohashHex()), net.downloads);
      FeedStatus s = sync.status().get(0);
      assertEquals(4, s.heldSeq(), s.toString());
      assertEquals(4, s.entries(), s.toString());
    } finally {
      sync.close();
    }
  }

  private static void awaitHeld(SyncEngine sync, long seq) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sync.status().get(0).heldSeq() != seq && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(seq, sync.status().get(0).heldSeq(), sync.status().get(0).toString());
  }
}
