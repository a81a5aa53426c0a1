package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.charkha.bencode.BencodeException;
import org.charkha.feed.FeedId;
import org.charkha.feed.TestFeeds;
import org.charkha.torrent.FeedTorrent;

/** BEP 9 metadata from a peer: it must have exactly the feed torrent layout or be refused. */
class FeedTorrentFuzzTest {
  private static final FeedId FEED = TestFeeds.alice().feed();

  @FuzzTest
  void parseInfoAcceptsOnlyTheFeedLayout(byte[] data) throws Exception {
    Expected.onlyThrows(() -> {
      FeedTorrent t = FeedTorrent.parseInfo(FEED, data);
      assertArrayEquals(data, t.infoDict());
      assertTrue(t.segmentCount() >= 1 && t.pieceCount() >= t.segmentCount());
      for (int i = 0; i < t.segmentCount(); i++) {
        assertTrue(t.fileLength(i) >= 1 && t.pieceHash(i).length == 20);
      }
    }, BencodeException.class);
  }
}
