package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.torrent.FeedTorrent;
import org.charkha.torrent.MediaTorrents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 0004 section 2: a version 1 follower takes a version whose torrent carries media files after
 * the segments, verifies only the segment pieces, and seeds the torrent as the author made it.
 */
class SyncEngineMediaTest {
  @TempDir Path tmp;

  @Test
  void followerTakesAVersionWithMediaFilesAsItsSegmentsAndSeedsTheTorrentReceived() throws Exception {
    DataDir authorData = DataDir.open(tmp.resolve("author"));
    authorData.initialize();
    OwnFeed author = OwnFeed.open(authorData);
    author.append(new Content.Post("one"));
    author.append(new Content.Post("two"));
    FeedLog log = author.log();
    MediaTorrents.Built built = MediaTorrents.build(log, List.of("a photo".getBytes(StandardCharsets.US_ASCII)));
    FeedTorrent withMedia = FeedTorrent.parseInfo(author.feed(), built.info());
    MutableItem item = MutableItem.signInfohash(author.identity(), author.feed(), 3, withMedia.infohash());

    FakeFeedNetwork net = new FakeFeedNetwork();
    net.serve(withMedia, built.segmentPieces());
    DataDir followerData = DataDir.open(tmp.resolve("follower"));
    followerData.initialize();
    SyncEngine.Config config = new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(10),
        Duration.ofSeconds(1));
    SyncEngine sync = new SyncEngine(followerData, OwnFeed.open(followerData), net, config);
    try {
      sync.follow(author.feed());
      sync.offer(item, List.of());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sync.status().get(0).heldSeq() != 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      FeedStatus s = sync.status().get(0);
      assertEquals(3, s.heldSeq(), s.toString());
      assertEquals(2, s.entries(), s.toString());
    } finally {
      sync.close();
    }

    // After a restart the follower seeds the torrent it received, not one made from the log alone.
    FakeFeedNetwork after = new FakeFeedNetwork();
    SyncEngine restarted = new SyncEngine(followerData, OwnFeed.open(followerData), after, config);
    try {
      restarted.follow(author.feed());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (after.seeded.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(withMedia.infohashHex()), after.seeded);
      assertEquals(2, restarted.status().get(0).entries());
    } finally {
      restarted.close();
    }
  }
}
