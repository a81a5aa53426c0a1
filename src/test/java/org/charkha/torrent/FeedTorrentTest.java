package org.charkha.torrent;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.List;
import org.charkha.bencode.BencodeException;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;
import org.charkha.feed.Limits;
import org.charkha.feed.TestFeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feed torrent's info dict has one exact layout; a follower accepts only that layout. */
class FeedTorrentTest {
  private static final Identity ALICE = TestFeeds.alice();
  private static final FeedId FEED = ALICE.feed();
  private static FeedLog log;
  private static FeedTorrent torrent;
  private static String info;

  @BeforeAll
  static void build() {
    log = TestFeeds.withSegments(ALICE, 3);
    torrent = FeedTorrent.of(log);
    info = new String(torrent.infoDict(), ISO_8859_1);
  }

  private static void assertRejected(String infoText, String messagePart) {
    assertRejected(FEED, infoText.getBytes(ISO_8859_1), messagePart);
  }

  private static void assertRejected(FeedId feed, byte[] infoBytes, String messagePart) {
    BencodeException e = assertThrows(BencodeException.class, () -> FeedTorrent.parseInfo(feed, infoBytes));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  @Test
  void infoDictHasTheDocumentedLayout() throws Exception {
    FeedLog one = TestFeeds.posts(ALICE, 1, 5);
    byte[] piece = one.pieces().get(0);
    FeedTorrent t = FeedTorrent.of(one);
    String name = "charkha-" + FEED.keyHex();
    String expected = "d5:filesld6:lengthi" + piece.length + "e4:pathl12:00000000.segeee4:name" + name.length() + ":" + name
        + "12:piece lengthi65536e6:pieces20:" + new String(sha1(piece), ISO_8859_1) + "e";
    assertEquals(expected, new String(t.infoDict(), ISO_8859_1));
    assertArrayEquals(sha1(t.infoDict()), t.infohash());
    assertEquals("d4:info" + expected + "e", new String(t.metainfo(), ISO_8859_1));
    assertEquals("magnet:?xt=urn:btih:" + t.infohashHex() + "&dn=" + name, t.magnet());
  }

  @Test
  void piecesAreSegmentsAndFilesArePieces() throws Exception {
    List<byte[]> pieces = log.pieces();
    assertEquals(pieces.size(), torrent.pieceCount());
    long total = 0;
    for (int i = 0; i < pieces.size(); i++) {
      assertArrayEquals(sha1(pieces.get(i)), torrent.pieceHash(i));
      assertEquals(pieces.get(i).length, torrent.fileLength(i));
      total += pieces.get(i).length;
    }
    assertEquals(total, torrent.totalLength());
    assertEquals(Limits.SEGMENT_SIZE * (pieces.size() - 1) + pieces.get(pieces.size() - 1).length, total);
    assertTrue(info.contains("4:pathl12:00000002.segee"));
  }

  @Test
  void aGrowingLogGetsTheTorrentOfItsPiecesEachTime() {
    FeedLog growing = TestFeeds.withSegments(ALICE, 3).copy();
    for (int i = 0; i < 3; i++) {
      FeedTorrent t = FeedTorrent.of(growing); // full segments' hashes come from the first call on
      FeedTorrent fromPieces = FeedTorrent.ofPieces(FEED, growing.pieces());
      assertArrayEquals(fromPieces.infohash(), t.infohash());
      assertArrayEquals(fromPieces.infoDict(), t.infoDict());
      growing.append(ALICE, new org.charkha.feed.Content.Post("one more " + i), 2_000_000_000_000L + i);
    }
    growing.append(ALICE, new org.charkha.feed.Content.Delete(0), 2_000_000_000_100L); // a full segment changes
    assertArrayEquals(FeedTorrent.ofPieces(FEED, growing.pieces()).infohash(), FeedTorrent.of(growing).infohash());
  }

  @Test
  void aGrownFeedSharesItsSealedPieces() {
    FeedLog grown = log.copy();
    grown.append(ALICE, new org.charkha.feed.Content.Post("one more"), 1_800_000_000_000L);
    FeedTorrent next = FeedTorrent.of(grown);
    int last = torrent.pieceCount() - 1;
    for (int i = 0; i < last; i++) {
      assertTrue(next.samePiece(torrent, i), "sealed piece " + i);
    }
    assertFalse(next.samePiece(torrent, last), "the tail changed");
    assertFalse(next.samePiece(torrent, next.pieceCount()), "past the end");
  }

  @Test
  void metadataOfAnUnknownFeedNamesItsFeed() {
    assertEquals(FEED, FeedTorrent.parseInfo(torrent.infoDict()).feed());
    assertEquals(torrent.infohashHex(), FeedTorrent.parseInfo(torrent.infoDict()).infohashHex());
    FeedId salted = FeedId.of(ALICE.publicKey(), "n".getBytes(ISO_8859_1));
    FeedTorrent t = FeedTorrent.of(TestFeeds.posts(ALICE, salted, 2, 5));
    assertEquals(salted, FeedTorrent.parseInfo(t.infoDict()).feed());
    for (String name : List.of("somefile", "charkha-" + FEED.keyHex().substring(2), "charkha-" + FEED.keyHex() + "x6e",
        "charkha-" + FEED.keyHex() + "-zz")) {
      String other = info.replace("4:name72:charkha-" + FEED.keyHex(), "4:name" + name.length() + ":" + name);
      assertThrows(BencodeException.class, () -> FeedTorrent.parseInfo(other.getBytes(ISO_8859_1)), name);
    }
    assertThrows(BencodeException.class, () -> FeedTorrent.parseInfo("d5:filesle6:pieces0:e".getBytes(ISO_8859_1)));
  }

  @Test
  void saltedFeedsGetTheirOwnName() {
    FeedId salted = FeedId.of(ALICE.publicKey(), "n".getBytes(ISO_8859_1));
    assertEquals("charkha-" + FEED.keyHex() + "-6e", FeedTorrent.name(salted));
    FeedTorrent t = FeedTorrent.of(TestFeeds.posts(ALICE, salted, 2, 5));
    assertEquals(t.infohashHex(), FeedTorrent.parseInfo(salted, t.infoDict()).infohashHex());
    assertRejected(FEED, t.infoDict(), "torrent name is not");
  }

  @Test
  void parseInfoAcceptsExactlyWhatOfBuilds() {
    FeedTorrent back = FeedTorrent.parseInfo(FEED, torrent.infoDict());
    assertArrayEquals(torrent.infohash(), back.infohash());
    assertArrayEquals(torrent.infoDict(), back.infoDict());
    assertEquals(torrent.pieceCount(), back.pieceCount());
    for (int i = 0; i < torrent.pieceCount(); i++) {
      assertArrayEquals(torrent.pieceHash(i), back.pieceHash(i));
      assertEquals(torrent.fileLength(i), back.fileLength(i));
    }
    assertEquals(FEED, back.feed());
  }

  @Test
  void rejectsAnotherFeedsName() {
    assertRejected(TestFeeds.bob().feed(), torrent.infoDict(), "torrent name is not charkha-" + TestFeeds.bob().feed().keyHex());
  }

  @Test
  void rejectsAnyOtherPieceLength() {
    assertRejected(info.replace("12:piece lengthi65536e", "12:piece lengthi32768e"), "piece length is 32768, expected 65536");
    assertRejected(info.replace("12:piece lengthi65536e", ""), "piece length is -1");
  }

  @Test
  void rejectsWrongFileNames() {
    assertRejected(info.replace("12:00000001.seg", "12:00000009.seg"), "file 1 must be named 00000001.seg");
    assertRejected(info.replace("12:00000000.seg", "12:/etc/passwd"), "file 0 must be named 00000000.seg");
    assertRejected(info.replace("l12:00000000.sege", "l3:sub12:00000000.sege"), "file 0 must be named");
    assertRejected(info.replace("l12:00000000.sege", "l12:00000000.seg3:extee"), "file 0 must be named");
    assertRejected(info.replace("l12:00000000.sege", "le"), "");
  }

  @Test
  void rejectsAShortFileThatIsNotTheLast() {
    assertRejected(info.replaceFirst("6:lengthi65536e", "6:lengthi65535e"), "segment file 0 is not the last but is 65535 bytes");
  }

  @Test
  void rejectsFileLengthsOutOfRange() {
    int last = torrent.fileLength(torrent.pieceCount() - 1);
    assertRejected(info.replace("6:lengthi" + last + "e", "6:lengthi65537e"), "length of 1 to 65536");
    assertRejected(info.replace("6:lengthi" + last + "e", "6:lengthi0e"), "length of 1 to 65536");
  }

  @Test
  void rejectsExtraKeys() {
    assertRejected(info.replace("6:pieces", "7:privatei1e6:pieces"), "unexpected key 'private'");
    assertRejected(info.replaceFirst("4:pathl", "6:md5sum32:" + "0".repeat(32) + "4:pathl"), "unexpected key 'md5sum'");
    assertRejected(info.replace("5:files", "4:abcdi1e5:files"), "unexpected key 'abcd'");
  }

  @Test
  void rejectsPieceHashesThatDoNotMatchTheFiles() {
    int n = torrent.pieceCount();
    String pieces = "6:pieces" + (20 * n) + ":";
    int at = info.indexOf(pieces);
    String fewer = info.substring(0, at) + "6:pieces" + (20 * (n - 1)) + ":" + info.substring(at + pieces.length() + 20);
    assertRejected(fewer, "one 20-byte piece hash per segment file");
  }

  @Test
  void rejectsNonCanonicalOrTrailingBytes() {
    assertRejected(info + "x", "trailing bytes");
    assertRejected(info.replace("12:piece lengthi65536e", "12:piece lengthi065536e"), "not canonical");
  }

  @Test
  void rejectsOversizeMetadataBeforeParsing() {
    byte[] huge = new byte[FeedTorrent.MAX_INFO_SIZE + 1];
    assertRejected(FEED, huge, "more than " + FeedTorrent.MAX_INFO_SIZE);
  }

  @Test
  void rejectsMoreFilesThanSegmentsAllowed() {
    StringBuilder sb = new StringBuilder("d5:filesl");
    for (int i = 0; i <= Limits.MAX_SEGMENTS; i++) {
      sb.append("d6:lengthi65536e4:pathl12:").append(FeedTorrent.fileName(i)).append("eee".substring(0, 2));
    }
    assertRejected(sb.toString(), "more than " + Limits.MAX_SEGMENTS + " files");
  }

  // ---- media files after the segment files (0004 section 2): read, never written ----

  private static final byte[] PHOTO = TestFeeds.text("photo ", 70_000).getBytes(ISO_8859_1);
  private static final byte[] CLIP = TestFeeds.text("clip ", 10).getBytes(ISO_8859_1);

  private static String mediaInfo() {
    return new String(MediaTorrents.build(log, List.of(PHOTO, CLIP)).info(), ISO_8859_1);
  }

  private static String hexOf(byte[] media) {
    return Hex.encode(org.charkha.feed.Sha256.hash(media));
  }

  @Test
  void aVersion1ReaderAcceptsMediaFilesAfterThePaddedSegments() throws Exception {
    byte[] bytes = MediaTorrents.build(log, List.of(PHOTO, CLIP)).info();
    FeedTorrent t = FeedTorrent.parseInfo(FEED, bytes);
    assertEquals(log.segments().size(), t.segmentCount());
    assertEquals(log.segments().size() + 2, t.pieceCount(), "70010 media bytes are two pieces");
    assertArrayEquals(sha1(bytes), t.infohash(), "the infohash is over the bytes received");
    assertArrayEquals(bytes, t.infoDict());
    List<String> names = List.of(hexOf(PHOTO), hexOf(CLIP)).stream().sorted().toList();
    assertEquals(names, t.mediaFiles().stream().map(FeedTorrent.MediaFile::sha256Hex).toList());
    assertEquals(List.of("media", names.get(0)), t.mediaFiles().get(0).path());
    assertEquals(Limits.SEGMENT_SIZE * (long) t.segmentCount() + PHOTO.length + CLIP.length, t.totalLength());
    assertTrue(t.hasMedia());
    assertFalse(torrent.hasMedia());
    // Segment pieces stay segments: the same hashes as the log's pieces, padded.
    for (int i = 0; i < t.segmentCount(); i++) {
      assertArrayEquals(sha1(java.util.Arrays.copyOf(log.pieces().get(i), Limits.SEGMENT_SIZE)), t.pieceHash(i));
    }
    assertTrue(t.samePiece(torrent, 0), "a sealed segment is the same piece with or without media");
    assertFalse(t.samePiece(torrent, t.segmentCount()), "a media piece is no segment piece");
    assertEquals(t.infohashHex(), FeedTorrent.parseInfo(bytes).infohashHex(), "found by its name as well");
  }

  @Test
  void theLastSegmentOfAMediaTorrentIsVerifiedWithoutItsPadding() {
    MediaTorrents.Built built = MediaTorrents.build(log, List.of(CLIP));
    FeedTorrent t = FeedTorrent.parseInfo(FEED, built.info());
    int last = t.segmentCount() - 1;
    assertArrayEquals(log.pieces().get(last), t.segmentBytes(last, built.segmentPieces().get(last)));
    assertArrayEquals(built.segmentPieces().get(0), t.segmentBytes(0, built.segmentPieces().get(0)));
  }

  @Test
  void rejectsMalformedMediaFiles() {
    String good = mediaInfo();
    String clip = hexOf(CLIP);
    String photo = hexOf(PHOTO);
    String first = clip.compareTo(photo) < 0 ? clip : photo;
    String second = first.equals(clip) ? photo : clip;
    assertRejected(good.replace("64:" + first, "64:" + first.toUpperCase()), "must be named media/<64 lowercase hex");
    assertRejected(good.replace("5:media64:" + first, "5:media63:" + first.substring(1)), "must be named media/<64 lowercase hex");
    assertRejected(good.replace("5:media64:" + first, "5:medio64:" + first), "must be named 00000003.seg or media/<64 lowercase hex>");
    assertRejected(good.replace("5:media64:" + first, "5:media64:" + first + "1:x"), "its path is longer");
    // swap the two names: the list is no longer sorted
    String swapped = good.replace(first, "#").replace(second, first).replace("#", second);
    assertRejected(swapped, "is not after " + second + ": media files are sorted by path, each once");
    assertRejected(good.replace(second, first), "is not after " + first);
    int clipLength = good.indexOf("6:lengthi" + CLIP.length + "e4:pathl5:media");
    assertRejected(good.substring(0, clipLength) + "6:lengthi0e" + good.substring(clipLength + ("6:lengthi" + CLIP.length + "e").length()),
        "needs a length of 1 to");
  }

  @Test
  void rejectsMediaBeforeOrBetweenSegmentsAndAnUnpaddedLastSegment() {
    // log's last segment is shorter than a piece; with media after it, it must be padded.
    int last = torrent.fileLength(torrent.segmentCount() - 1);
    String withUnpaddedLast = mediaInfo().replace(
        "6:lengthi65536e4:pathl12:" + FeedTorrent.fileName(torrent.segmentCount() - 1),
        "6:lengthi" + last + "e4:pathl12:" + FeedTorrent.fileName(torrent.segmentCount() - 1));
    assertRejected(withUnpaddedLast, "last segment file " + (torrent.segmentCount() - 1) + " is " + last
        + " bytes but media files follow: it must be padded to 65536");
    String media = "d6:lengthi" + CLIP.length + "e4:pathl5:media64:" + hexOf(CLIP) + "ee";
    String segmentAfter = info.replace("e4:name", media + "d6:lengthi5e4:pathl12:" + FeedTorrent.fileName(3) + "eee4:name");
    assertRejected(segmentAfter, "file " + (torrent.segmentCount() + 1) + " is a segment file after media files");
    String mediaFirst = info.replace("5:filesl", "5:filesl" + media);
    assertRejected(mediaFirst, "file 0 must be named 00000000.seg");
  }

  @Test
  void rejectsMoreMediaFilesThanAllowed() {
    FeedLog one = TestFeeds.posts(ALICE, 1, 5);
    StringBuilder sb = new StringBuilder("d5:filesld6:lengthi65536e4:pathl12:00000000.segee");
    for (int i = 0; i <= FeedTorrent.MAX_MEDIA_FILES; i++) {
      sb.append("d6:lengthi1e4:pathl5:media64:").append(String.format("%064x", i)).append("ee");
    }
    sb.append("e4:name").append(FeedTorrent.name(one.feed()).length()).append(':').append(FeedTorrent.name(one.feed()))
        .append("12:piece lengthi65536e6:pieces0:e");
    assertRejected(sb.toString(), "more than " + FeedTorrent.MAX_MEDIA_FILES + " media files");
  }

  @Test
  void rejectsPieceHashesThatDoNotCoverTheMedia() {
    String good = mediaInfo();
    int n = torrent.segmentCount() + 2;
    String pieces = "6:pieces" + (20 * n) + ":";
    int at = good.indexOf(pieces);
    String fewer = good.substring(0, at) + "6:pieces" + (20 * (n - 1)) + ":" + good.substring(at + pieces.length() + 20);
    assertRejected(fewer, "one 20-byte piece hash per segment file and per 65536 bytes of media (" + n + " pieces)");
  }

  @Test
  void refusesToPublishAnEmptyFeed() {
    assertThrows(IllegalArgumentException.class, () -> FeedTorrent.of(FeedLog.empty(FEED)));
  }

  private static byte[] sha1(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-1").digest(b);
  }

  @Test
  void fileNamesAreEightDigits() {
    assertEquals("00000000.seg", FeedTorrent.fileName(0));
    assertEquals("00065535.seg", FeedTorrent.fileName(65535));
    assertEquals(Hex.encode(torrent.infohash()), torrent.infohashHex());
  }
}
