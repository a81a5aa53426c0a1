package org.charkha.feed;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.charkha.feed.TestFeeds.T0;
import static org.charkha.feed.TestFeeds.contains;
import static org.charkha.feed.TestFeeds.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;

/** The author's log: how entries pack into 64 KiB segments, what an append changes, what a delete removes. */
class FeedLogTest {
  private static final Identity ALICE = TestFeeds.alice();

  @Test
  void sealsASegmentExactlyWhenTheNextEntryWouldNotFit() {
    FeedLog log = FeedLog.empty(ALICE.feed());
    int i = 0;
    while (log.segments().size() < 4) {
      // varying sizes so that segments end at different slack
      log.append(ALICE, new Content.Post(text("p" + i + " ", 500 + (i * 977) % 7000)), T0 + i);
      i++;
    }
    List<Segment> segs = log.segments();
    List<byte[]> pieces = log.pieces();
    for (int s = 0; s < segs.size(); s++) {
      byte[] encoded = segs.get(s).encode();
      assertTrue(encoded.length <= Limits.SEGMENT_SIZE);
      assertEquals(s == segs.size() - 1 ? encoded.length : Limits.SEGMENT_SIZE, pieces.get(s).length);
      assertEquals(s, segs.get(s).index());
      if (s + 1 < segs.size()) {
        List<Entry> plusOne = new ArrayList<>(segs.get(s).entries());
        plusOne.add(segs.get(s + 1).entries().get(0));
        int wouldBe = Segment.sign(ALICE, ALICE.feed(), s, plusOne).encode().length;
        assertTrue(wouldBe > Limits.SEGMENT_SIZE, "segment " + s + " was sealed although the next entry fit: " + wouldBe);
      }
    }
  }

  @Test
  void aSegmentOfExactly64KiBIsOneFullUnpaddedLastPiece() throws Exception {
    FeedLog log = TestFeeds.posts(ALICE, 14, 4000);
    Segment last = log.segments().get(0);
    long seq = log.size();
    byte[] prev = last.last().hash();
    // find the text length that makes the segment exactly one piece long
    int length = -1;
    for (int l = 0; l <= Limits.MAX_TEXT; l++) {
      Entry candidate = Entry.create(seq, prev, T0 + seq * 1000, new Content.Post(text("fill ", l)));
      if (last.encodedSizeWith(candidate) == Limits.SEGMENT_SIZE) {
        length = l;
        break;
      }
    }
    assertTrue(length > 0, "no text length fills the segment exactly");
    log.append(ALICE, new Content.Post(text("fill ", length)), T0 + seq * 1000);
    assertEquals(1, log.segments().size());
    byte[] full = log.pieces().get(0);
    assertEquals(Limits.SEGMENT_SIZE, full.length);
    assertEquals('e', full[full.length - 1]);
    assertEquals(log.size(), FeedVerifier.verify(ALICE.feed(), log.pieces()).size());

    log.append(ALICE, new Content.Post("x"), T0 + (seq + 1) * 1000);
    assertEquals(2, log.segments().size());
    assertArrayEquals(full, log.pieces().get(0), "the exactly-full piece needs no padding and must not change");
    assertEquals(log.size(), FeedVerifier.verify(ALICE.feed(), log.pieces()).size());
  }

  @Test
  void predictedSegmentSizeMatchesTheEncodingWithAndWithoutSalt() {
    for (FeedId feed : List.of(ALICE.feed(), FeedId.of(ALICE.publicKey(), "n".getBytes(UTF_8)),
        FeedId.of(ALICE.publicKey(), new byte[64]))) {
      FeedLog log = FeedLog.empty(feed);
      for (int i = 0; i < 120; i++) {
        Segment before = log.isEmpty() ? null : log.segments().get(log.segments().size() - 1);
        int segsBefore = log.segments().size();
        Entry e = log.append(ALICE, new Content.Post(text("p" + i, 1 + (i * 331) % 3000)), T0 + 1000L * i);
        Segment after = log.segments().get(log.segments().size() - 1);
        if (before != null && segsBefore == log.segments().size()) {
          assertEquals(after.encode().length, before.encodedSizeWith(e), "entry " + i + " of " + feed);
        }
      }
      assertTrue(log.segments().size() > 2);
    }
  }

  @Test
  void appendingLeavesEarlierFullPiecesByteIdentical() {
    FeedLog log = TestFeeds.withSegments(ALICE, 3);
    List<byte[]> before = TestFeeds.copy(log.pieces());
    for (int i = 0; i < 40; i++) {
      log.append(ALICE, new Content.Post(text("more " + i + " ", 3000)), T0 + 100_000 + i);
    }
    List<byte[]> after = log.pieces();
    assertTrue(after.size() > before.size() + 1);
    for (int i = 0; i < before.size() - 1; i++) {
      assertArrayEquals(before.get(i), after.get(i), "full piece " + i + " changed on append");
    }
  }

  @Test
  void sameLogGivesSameBytesAndSameInfohash() throws Exception {
    FeedLog a = TestFeeds.withSegments(ALICE, 2);
    FeedLog b = TestFeeds.withSegments(TestFeeds.alice(), 2);
    assertEquals(a.pieces().size(), b.pieces().size());
    for (int i = 0; i < a.pieces().size(); i++) {
      assertArrayEquals(a.pieces().get(i), b.pieces().get(i));
    }
    byte[] ih = FeedTorrent.of(a).infohash();
    assertArrayEquals(ih, FeedTorrent.of(b).infohash());
    FeedLog followers = FeedVerifier.verify(ALICE.feed(), a.pieces());
    assertArrayEquals(ih, FeedTorrent.of(followers).infohash(), "a follower re-seeds the same torrent");

    a.append(ALICE, new Content.Post("one more"), T0 + 999_999);
    assertFalse(java.util.Arrays.equals(ih, FeedTorrent.of(a).infohash()));
  }

  @Test
  void deleteRemovesBodyBytesOfTargetAndItsEditsFromThePieces() throws Exception {
    FeedLog log = FeedLog.empty(ALICE.feed());
    long t = T0;
    log.append(ALICE, new Content.Post("keep me: marmalade"), t += 1000);
    Entry secret = log.append(ALICE, new Content.Post("secret XYLOPHONE-0001"), t += 1000);
    while (log.segments().size() < 2) {
      log.append(ALICE, new Content.Post(text("filler " + log.size() + " ", 6000)), t += 1000);
    }
    Entry edit1 = log.append(ALICE, new Content.Edit(secret.seq(), "secret XYLOPHONE-0002"), t += 1000);
    while (log.segments().size() < 3) {
      log.append(ALICE, new Content.Post(text("filler " + log.size() + " ", 6000)), t += 1000);
    }
    Entry edit2 = log.append(ALICE, new Content.Edit(secret.seq(), "secret XYLOPHONE-0003"), t += 1000);
    log.append(ALICE, new Content.Comment(secret.ref(ALICE.feed()), "a comment quoting nothing"), t += 1000);
    FeedLog held = FeedVerifier.verify(ALICE.feed(), log.pieces());
    assertTrue(log.pieces().stream().anyMatch(p -> contains(p, "XYLOPHONE")));

    Entry del = log.append(ALICE, new Content.Delete(secret.seq()), t += 1000);

    for (byte[] p : log.pieces()) {
      assertFalse(contains(p, "XYLOPHONE"), "deleted text is still in a piece");
    }
    assertTrue(log.pieces().stream().anyMatch(p -> contains(p, "marmalade")), "other posts must stay");
    assertTrue(log.entry(secret.seq()).isRedacted());
    assertTrue(log.entry(edit1.seq()).isRedacted());
    assertTrue(log.entry(edit2.seq()).isRedacted());
    assertEquals(new Content.Delete(secret.seq()), log.entry(del.seq()).content());
    assertFalse(log.entry(0).isRedacted());
    assertEquals(3, java.util.stream.IntStream.of(log.segmentOf(secret.seq()), log.segmentOf(edit1.seq()),
        log.segmentOf(edit2.seq())).distinct().count(), "the test wants the three bodies in three segments");

    // A follower verifies the new version on its own and against what it held before.
    FeedLog fresh = FeedVerifier.verify(ALICE.feed(), log.pieces());
    FeedLog updated = FeedVerifier.verify(ALICE.feed(), log.pieces(), held);
    assertTrue(updated.entry(secret.seq()).isRedacted());
    assertEquals(log.size(), fresh.size());
    assertNotEquals(FeedTorrent.of(held).infohashHex(), FeedTorrent.of(updated).infohashHex());
  }

  @Test
  void authorRulesForEditsAndDeletes() {
    FeedLog log = FeedLog.empty(ALICE.feed());
    log.append(ALICE, new Content.Post("p0"), T0);
    log.append(ALICE, new Content.Follow(TestFeeds.bob().feed()), T0 + 1);
    log.append(ALICE, new Content.Delete(0), T0 + 2);
    assertThrows(IllegalArgumentException.class, () -> log.append(ALICE, new Content.Edit(0, "x"), T0 + 3),
        "editing a deleted post");
    assertThrows(IllegalArgumentException.class, () -> log.append(ALICE, new Content.Edit(1, "x"), T0 + 3),
        "editing a follow");
    assertThrows(IllegalArgumentException.class, () -> log.append(ALICE, new Content.Edit(9, "x"), T0 + 3),
        "editing a future entry");
    assertThrows(IllegalArgumentException.class, () -> log.append(ALICE, new Content.Delete(3), T0 + 3),
        "deleting itself");
    assertThrows(IllegalArgumentException.class, () -> log.append(ALICE, new Content.Delete(2), T0 + 3),
        "deleting a delete");
    assertThrows(IllegalArgumentException.class, () -> log.append(TestFeeds.bob(), new Content.Post("x"), T0 + 3),
        "someone else's key");
    assertEquals(3, log.size(), "refused appends leave the log unchanged");
  }

  @Test
  void findsEntriesAndTheirSegmentsAcrossTheLog() {
    FeedLog log = TestFeeds.withSegments(ALICE, 3);
    long seq = 0;
    for (Segment s : log.segments()) {
      assertEquals(seq, s.first());
      for (Entry e : s.entries()) {
        assertEquals(seq, e.seq());
        assertEquals(s.index(), log.segmentOf(seq));
        assertArrayEquals(e.hash(), log.entry(seq).hash());
        seq++;
      }
    }
    assertEquals(seq, log.size());
    assertThrows(IllegalArgumentException.class, () -> log.segmentOf(log.size()));
    assertThrows(IllegalArgumentException.class, () -> log.segmentOf(-1));
  }
}
