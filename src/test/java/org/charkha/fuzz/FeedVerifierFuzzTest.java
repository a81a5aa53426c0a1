package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Limits;
import org.charkha.feed.TestFeeds;
import org.charkha.torrent.FeedTorrent;

/**
 * The verifier is where a peer's torrent pieces become a feed. The input is the torrent's content
 * as a peer serves it, cut into 64 KiB pieces exactly as BitTorrent cuts it.
 */
class FeedVerifierFuzzTest {
  private static final FeedId FEED = TestFeeds.alice().feed();

  @FuzzTest
  void verifyAcceptsOnlyASignedChain(byte[] data) throws Exception {
    List<byte[]> pieces = new ArrayList<>();
    for (int off = 0; off < data.length; off += Limits.SEGMENT_SIZE) {
      pieces.add(Arrays.copyOfRange(data, off, Math.min(data.length, off + Limits.SEGMENT_SIZE)));
    }
    Expected.onlyThrows(() -> {
      FeedLog log = FeedVerifier.verify(FEED, pieces);
      // A verified version continues itself and can be published as a torrent.
      FeedLog again = FeedVerifier.verify(FEED, pieces, log);
      assertEquals(log.size(), again.size());
      assertEquals(pieces.size(), FeedTorrent.of(log).pieceCount());
    }, FeedVerificationException.class);
  }
}
