package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower fetching an old version that nobody serves any more (the author restarted and seeds only
 * its current version) must move on to the newer version as soon as it is known, not wait for the
 * download timeout. Seen in test-swarm's ChurnSwarmIT.
 */
class SyncEngineSupersedeTest {
  @TempDir Path tmp;

  @Test
  void newerItemReplacesAFetchThatHasNoPieceYet() throws Exception {
    OwnFeed author = own("author");
    OwnFeed.Published v1 = author.append(new Content.Post("one"));
    OwnFeed.Published v2 = author.append(new Content.Post("two"));
    FeedLog log2 = author.log();

    FakeFeedNetwork net = FakeFeedNetwork.hangingUnserved();
    net.serve(v2.torrent(), log2); // only the newest version can be downloaded
    DataDir followerData = DataDir.open(tmp.resolve("follower"));
    followerData.initialize();
    SyncEngine sync = new SyncEngine(followerData, OwnFeed.open(followerData), net,
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(1)));
    try {
      sync.follow(author.feed());
      sync.offer(v1.item(), List.of());
      assertEquals(1, net.downloads.size(), "the fetch of seq 1 started");

      sync.offer(v2.item(), List.of());

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sync.status().get(0).heldSeq() != 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      FeedStatus s = sync.status().get(0);
      assertEquals(2, s.heldSeq(), "holds seq 2 long before the 10-minute download timeout: " + s);
      assertEquals(2, s.entries());
      assertTrue(net.cancelled.contains(hex(v1.torrent().infohash())), "the stuck fetch of seq 1 was cancelled");
    } finally {
      sync.close();
    }
  }

  private OwnFeed own(String name) throws IOException {
    DataDir data = DataDir.open(tmp.resolve(name));
    data.initialize();
    return OwnFeed.open(data);
  }

  private static String hex(byte[] b) {
    return org.charkha.feed.Hex.encode(b);
  }
}
