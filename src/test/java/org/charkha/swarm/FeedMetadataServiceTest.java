package org.charkha.swarm;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import java.util.ArrayList;
import java.util.List;
import org.charkha.feed.FeedId;
import org.charkha.feed.Identity;
import org.charkha.feed.TestFeeds;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;

/** Our parse of a feed torrent must give bt exactly what bt's own parse gives it. */
class FeedMetadataServiceTest {
  private static final Identity ALICE = TestFeeds.alice();
  private final FeedMetadataService ours = new FeedMetadataService();
  private final MetadataService bts = new MetadataService();

  @Test
  void aFeedTorrentParsesAsBtParsesIt() {
    FeedId salted = FeedId.of(ALICE.publicKey(), "s".getBytes(ISO_8859_1));
    for (FeedTorrent t : List.of(FeedTorrent.of(TestFeeds.withSegments(ALICE, 3)),
        FeedTorrent.of(TestFeeds.posts(ALICE, salted, 1, 5)))) {
      for (byte[] bytes : List.of(t.infoDict(), t.metainfo())) {
        Torrent fast = ours.fromByteArray(bytes);
        assertInstanceOf(FeedBtTorrent.class, fast);
        assertSame(bts.fromByteArray(bytes), fast);
      }
      assertSame(bts.fromByteArray(t.metainfo()), new FeedBtTorrent(t));
    }
  }

  @Test
  void anyOtherTorrentGoesToBtsParser() {
    String single = "d8:announce9:http://x/4:infod6:lengthi5e4:name3:abc12:piece lengthi16384e6:pieces20:"
        + "a".repeat(20) + "ee";
    Torrent t = ours.fromByteArray(single.getBytes(ISO_8859_1));
    assertFalse(t instanceof FeedBtTorrent);
    assertEquals("abc", t.getName());
    // the layout of a feed torrent with one key more: not ours to read
    FeedTorrent feed = FeedTorrent.of(TestFeeds.posts(ALICE, 1, 5));
    String info = new String(feed.infoDict(), ISO_8859_1);
    String extra = info.substring(0, info.length() - 1) + "7:privatei1ee";
    Torrent other = ours.fromByteArray(extra.getBytes(ISO_8859_1));
    assertFalse(other instanceof FeedBtTorrent);
    assertEquals(feed.name(), other.getName());
  }

  private static void assertSame(Torrent expected, Torrent actual) {
    assertEquals(expected.getTorrentId(), actual.getTorrentId());
    assertEquals(expected.getName(), actual.getName());
    assertEquals(expected.getChunkSize(), actual.getChunkSize());
    assertEquals(expected.getSize(), actual.getSize());
    assertEquals(expected.isPrivate(), actual.isPrivate());
    assertEquals(expected.getAnnounceKey(), actual.getAnnounceKey());
    assertArrayEquals(expected.getSource().getExchangedMetadata(), actual.getSource().getExchangedMetadata());
    List<byte[]> a = new ArrayList<>();
    expected.getChunkHashes().forEach(a::add);
    List<byte[]> b = new ArrayList<>();
    actual.getChunkHashes().forEach(b::add);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "piece " + i);
    }
    assertEquals(expected.getFiles().size(), actual.getFiles().size());
    for (int i = 0; i < expected.getFiles().size(); i++) {
      TorrentFile e = expected.getFiles().get(i);
      TorrentFile f = actual.getFiles().get(i);
      assertEquals(e.getSize(), f.getSize(), "file " + i);
      assertEquals(e.getPathElements(), f.getPathElements(), "file " + i);
    }
  }
}
