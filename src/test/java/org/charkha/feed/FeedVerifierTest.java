package org.charkha.feed;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.charkha.feed.FeedVerificationException.Reason.BAD_SIGNATURE;
import static org.charkha.feed.FeedVerificationException.Reason.BROKEN_CHAIN;
import static org.charkha.feed.FeedVerificationException.Reason.EQUIVOCATION;
import static org.charkha.feed.FeedVerificationException.Reason.MALFORMED;
import static org.charkha.feed.FeedVerificationException.Reason.OVERSIZE;
import static org.charkha.feed.FeedVerificationException.Reason.ROLLBACK;
import static org.charkha.feed.FeedVerificationException.Reason.SEQUENCE_GAP;
import static org.charkha.feed.FeedVerificationException.Reason.WRONG_INDEX;
import static org.charkha.feed.TestFeeds.T0;
import static org.charkha.feed.TestFeeds.chain;
import static org.charkha.feed.TestFeeds.pad;
import static org.charkha.feed.TestFeeds.segment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.charkha.feed.FeedVerificationException.Reason;
import org.charkha.feed.TestFeeds.RawEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A follower's verifier against a hostile publisher: every rule has a crafted input that breaks
 * exactly it, and the verdict names the rule. Nothing is ever partly accepted.
 */
class FeedVerifierTest {
  private static final Identity ALICE = TestFeeds.alice();
  private static final Identity BOB = TestFeeds.bob();
  private static final FeedId FEED = ALICE.feed();
  private static FeedLog log; // three segments
  private static List<byte[]> pieces;

  @BeforeAll
  static void publish() {
    log = TestFeeds.withSegments(ALICE, 3);
    pieces = TestFeeds.copy(log.pieces());
  }

  private static FeedVerificationException rejected(Reason reason, List<byte[]> input) {
    return rejected(reason, FEED, input, null);
  }

  private static FeedVerificationException rejected(Reason reason, FeedId feed, List<byte[]> input, FeedLog held) {
    FeedVerificationException e = assertThrows(FeedVerificationException.class,
        () -> FeedVerifier.verify(feed, input, held));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith("feed " + feed.shortName() + ": "), e.getMessage());
    return e;
  }

  private static List<byte[]> with(int index, byte[] piece) {
    List<byte[]> copy = TestFeeds.copy(pieces);
    copy.set(index, piece);
    return copy;
  }

  private static int indexOf(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(ISO_8859_1);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found: " + needle);
  }

  @Test
  void acceptsTheAuthorsPiecesAsTheSameLog() throws Exception {
    FeedLog seen = FeedVerifier.verify(FEED, pieces);
    assertEquals(log.size(), seen.size());
    for (int i = 0; i < pieces.size(); i++) {
      assertArrayEquals(pieces.get(i), seen.pieces().get(i));
    }
    assertEquals(3, seen.segments().size());
  }

  @Test
  void acceptsANewerVersionThatExtendsTheHeldOne() throws Exception {
    FeedLog held = FeedVerifier.verify(FEED, pieces);
    FeedLog next = TestFeeds.withSegments(ALICE, 3);
    next.append(ALICE, new Content.Post("newer"), T0 + 999_000);
    assertEquals(held.size() + 1, FeedVerifier.verify(FEED, next.pieces(), held).size());
    assertEquals(held.size(), FeedVerifier.verify(FEED, pieces, held).size(), "the same version again is fine");
  }

  // ---- MALFORMED ----

  @Test
  void rejectsAnEmptyVersion() {
    rejected(MALFORMED, List.of());
  }

  @Test
  void rejectsGarbage() {
    rejected(MALFORMED, List.of("not bencode at all".getBytes(ISO_8859_1)));
    rejected(MALFORMED, List.of("de".getBytes(ISO_8859_1)));
    rejected(MALFORMED, List.of("le".getBytes(ISO_8859_1)));
    rejected(MALFORMED, List.of(new byte[] {'e'}));
    rejected(MALFORMED, List.of(new byte[0]));
    rejected(MALFORMED, with(1, new byte[Limits.SEGMENT_SIZE]));
  }

  @Test
  void rejectsDeepNestingHiddenInABody() {
    byte[] body = ("d1:x" + "l".repeat(5000) + "e".repeat(5000) + "e").getBytes(ISO_8859_1);
    RawEntry e = RawEntry.of(0, new byte[32], T0, "post", body);
    FeedVerificationException ex = rejected(MALFORMED, List.of(segment(ALICE, FEED, 0, 0, List.of(e))));
    assertTrue(ex.getMessage().contains("nesting"), ex.getMessage());
  }

  @Test
  void rejectsNonZeroPadding() {
    byte[] p = pieces.get(0).clone();
    p[p.length - 1] = 1;
    FeedVerificationException e = rejected(MALFORMED, with(0, p));
    assertTrue(e.getMessage().contains("padding"), e.getMessage());
  }

  @Test
  void rejectsAPaddedLastPiece() {
    byte[] last = pieces.get(2);
    FeedVerificationException e = rejected(MALFORMED, with(2, Arrays.copyOf(last, last.length + 1)));
    assertTrue(e.getMessage().contains("must not be padded"), e.getMessage());
    rejected(MALFORMED, with(2, pad(last)));
  }

  @Test
  void rejectsAShortPieceThatIsNotTheLast() {
    byte[] unpadded = log.segments().get(0).encode();
    FeedVerificationException e = rejected(MALFORMED, with(0, unpadded));
    assertTrue(e.getMessage().contains("segment 0 is not the last"), e.getMessage());
  }

  @Test
  void rejectsACutLastPiece() {
    byte[] last = pieces.get(2);
    rejected(MALFORMED, with(2, Arrays.copyOf(last, last.length - 1)));
    rejected(MALFORMED, with(2, Arrays.copyOf(last, last.length / 2)));
  }

  @Test
  void rejectsUnknownSegmentKeysAndVersions() {
    byte[] one = segment(ALICE, FEED, 0, 0, chain(0, new byte[32], "a"));
    String s = new String(one, ISO_8859_1);
    rejected(MALFORMED, List.of(s.replace("1:vi1ee", "1:vi2ee").getBytes(ISO_8859_1)));
    rejected(MALFORMED, List.of(s.replace("1:vi1ee", "1:vi1e1:zi0ee").getBytes(ISO_8859_1)));
    rejected(MALFORMED, List.of(s.replace("1:ni1e", "1:ni2e").getBytes(ISO_8859_1)));
  }

  @Test
  void rejectsAnEmptySaltKeyThatTheSignatureDoesNotCover() throws Exception {
    // The signed header of an unsalted feed has no salt key, so inserting "4:salt0:" keeps the
    // signature valid; only 0003's "present if and only if non-empty" rule can reject it.
    byte[] one = segment(ALICE, FEED, 0, 0, chain(0, new byte[32], "a"));
    FeedVerifier.verify(FEED, List.of(one), null);
    byte[] withEmptySalt = new String(one, ISO_8859_1).replace("1:vi1ee", "4:salt0:1:vi1ee").getBytes(ISO_8859_1);
    FeedVerificationException e = rejected(MALFORMED, List.of(withEmptySalt));
    assertTrue(e.getMessage().contains("segment has an empty 'salt'"), e.getMessage());
  }

  // ---- OVERSIZE ----

  @Test
  void rejectsAPieceLargerThanASegment() {
    FeedVerificationException e = rejected(OVERSIZE, with(2, new byte[Limits.SEGMENT_SIZE + 1]));
    assertTrue(e.getMessage().contains("more than 65536"), e.getMessage());
  }

  @Test
  void rejectsMoreSegmentsThanTheLimitBeforeParsingAny() {
    List<byte[]> many = Collections.nCopies(Limits.MAX_SEGMENTS + 1, pieces.get(0));
    rejected(OVERSIZE, many);
  }

  @Test
  void rejectsAnEntryLargerThanTheEntryLimit() {
    byte[] body = ("d4:text" + (Limits.MAX_ENTRY_SIZE) + ":" + "a".repeat(Limits.MAX_ENTRY_SIZE) + "e").getBytes(ISO_8859_1);
    RawEntry big = RawEntry.of(0, new byte[32], T0, "note", body);
    rejected(OVERSIZE, List.of(segment(ALICE, FEED, 0, 0, List.of(big))));
  }

  // ---- WRONG_INDEX ----

  @Test
  void rejectsSwappedSegments() {
    List<byte[]> swapped = TestFeeds.copy(pieces);
    Collections.swap(swapped, 0, 1);
    FeedVerificationException e = rejected(WRONG_INDEX, swapped);
    assertTrue(e.getMessage().contains("segment says index 1 but is piece 0"), e.getMessage());
  }

  @Test
  void rejectsADroppedMiddleSegment() {
    List<byte[]> dropped = new ArrayList<>(List.of(pieces.get(0), pieces.get(2)));
    rejected(WRONG_INDEX, dropped);
  }

  @Test
  void rejectsAWellSignedSegmentPlacedAtTheWrongIndex() {
    byte[] signedAsOne = segment(ALICE, FEED, 1, 0, chain(0, new byte[32], "a"));
    rejected(WRONG_INDEX, List.of(signedAsOne));
  }

  // ---- BAD_SIGNATURE ----

  @Test
  void rejectsAFlippedSignatureBit() {
    byte[] p = pieces.get(1).clone();
    p[indexOf(p, "1:s64:") + 6 + 10] ^= 0x01;
    FeedVerificationException e = rejected(BAD_SIGNATURE, with(1, p));
    assertTrue(e.getMessage().contains("segment 1: signature does not verify"), e.getMessage());
  }

  @Test
  void rejectsPiecesOfAnotherFeedWhoseKeyTheyName() {
    FeedVerificationException e = rejected(BAD_SIGNATURE, BOB.feed(), pieces, null);
    assertTrue(e.getMessage().contains("belongs to feed " + FEED.shortName()), e.getMessage());
  }

  @Test
  void rejectsASegmentThatNamesOurKeyButIsSignedByAForeignKey() {
    rejected(BAD_SIGNATURE, List.of(segment(BOB, FEED, 0, 0, chain(0, new byte[32], "forged"))));
  }

  @Test
  void rejectsASegmentSignedForTheSameKeyWithAnotherSalt() {
    FeedId salted = FeedId.of(ALICE.publicKey(), "n".getBytes(ISO_8859_1));
    byte[] unsalted = segment(ALICE, FEED, 0, 0, chain(0, new byte[32], "a"));
    rejected(BAD_SIGNATURE, salted, List.of(unsalted), null);
    byte[] saltedPiece = segment(ALICE, salted, 0, 0, chain(0, new byte[32], "a"));
    rejected(BAD_SIGNATURE, FEED, List.of(saltedPiece), null);
  }

  @Test
  void rejectsAHeaderFieldChangedAfterSigning() {
    // Change 'f' and 'i' consistently with the entries is impossible without the key; change the
    // index the piece claims while keeping its place: the signature covers the index.
    byte[] one = segment(ALICE, FEED, 0, 0, chain(0, new byte[32], "a"));
    byte[] root = Arrays.copyOfRange(one, indexOf(one, "1:r32:") + 6, indexOf(one, "1:r32:") + 38);
    byte[] sig = ALICE.sign(Segment.signedMessage(Segment.header(FEED, 1, 0, 1, root)));
    byte[] resigned = one.clone();
    System.arraycopy(sig, 0, resigned, indexOf(one, "1:s64:") + 6, 64);
    rejected(BAD_SIGNATURE, List.of(resigned));
  }

  // ---- BROKEN_CHAIN ----

  @Test
  void rejectsATamperedBody() {
    byte[] p = pieces.get(1).clone();
    int at = indexOf(p, "4:textXXXX".substring(0, 6)) + 20;
    p[at] = (byte) (p[at] == 'z' ? 'y' : 'z');
    FeedVerificationException e = rejected(BROKEN_CHAIN, with(1, p));
    assertTrue(e.getMessage().contains("body does not match"), e.getMessage());
  }

  @Test
  void rejectsAnEntryThatDoesNotChainInsideASegment() {
    List<RawEntry> entries = new ArrayList<>(chain(0, new byte[32], "a", "b"));
    entries.add(RawEntry.post(2, new byte[32], "c")); // prev should be entry 1's hash
    rejected(BROKEN_CHAIN, List.of(segment(ALICE, FEED, 0, 0, entries)));
  }

  @Test
  void rejectsAFirstEntryWithAPredecessor() {
    byte[] notZero = new byte[32];
    notZero[31] = 1;
    rejected(BROKEN_CHAIN, List.of(segment(ALICE, FEED, 0, 0, chain(0, notZero, "a"))));
  }

  @Test
  void rejectsASegmentThatDoesNotChainToThePreviousSegment() {
    List<RawEntry> first = chain(0, new byte[32], "a", "b");
    List<RawEntry> second = chain(2, first.get(0).hash(), "c"); // chains to entry 0, not 1
    rejected(BROKEN_CHAIN, List.of(pad(segment(ALICE, FEED, 0, 0, first)), segment(ALICE, FEED, 1, 2, second)));
  }

  @Test
  void rejectsEntriesThatDoNotMatchTheSignedRoot() {
    // Swap two entries' order after signing: same set of hashes, different tree.
    List<RawEntry> entries = chain(0, new byte[32], "a", "b");
    byte[] good = segment(ALICE, FEED, 0, 0, entries);
    String s = new String(good, ISO_8859_1);
    String e0 = new String(entries.get(0).encode(), ISO_8859_1);
    String e1 = new String(entries.get(1).encode(), ISO_8859_1);
    String forged = s.replace(e0 + e1, e1 + e0);
    // seq order now breaks first, so forge a segment with one entry replaced instead:
    RawEntry other = RawEntry.post(1, entries.get(0).hash(), "B");
    String replaced = s.replace(e1, new String(other.encode(), ISO_8859_1));
    rejected(BROKEN_CHAIN, List.of(replaced.getBytes(ISO_8859_1)));
    rejected(SEQUENCE_GAP, List.of(forged.getBytes(ISO_8859_1)));
  }

  // ---- SEQUENCE_GAP ----

  @Test
  void rejectsCutEntriesInsideASegment() {
    List<RawEntry> three = chain(0, new byte[32], "a", "b", "c");
    List<RawEntry> cut = List.of(three.get(0), three.get(2)); // entry 1 removed, re-signed by the author
    FeedVerificationException e = rejected(SEQUENCE_GAP, List.of(segment(ALICE, FEED, 0, 0, cut)));
    assertTrue(e.getMessage().contains("has seq 2, expected 1"), e.getMessage());
  }

  @Test
  void rejectsAGapBetweenSegments() {
    List<RawEntry> first = chain(0, new byte[32], "a", "b");
    List<RawEntry> skipped = chain(3, first.get(1).hash(), "d");
    FeedVerificationException e = rejected(SEQUENCE_GAP,
        List.of(pad(segment(ALICE, FEED, 0, 0, first)), segment(ALICE, FEED, 1, 3, skipped)));
    assertTrue(e.getMessage().contains("starts at entry 3, expected 2"), e.getMessage());
  }

  @Test
  void rejectsALogThatDoesNotStartAtZero() {
    rejected(SEQUENCE_GAP, List.of(segment(ALICE, FEED, 0, 1, chain(1, new byte[32], "a"))));
  }

  // ---- EQUIVOCATION and ROLLBACK ----

  @Test
  void rejectsTwoVersionsThatSignDifferentEntriesForTheSameSeq() throws Exception {
    FeedLog held = FeedVerifier.verify(FEED, TestFeeds.posts(ALICE, 5, 100).pieces());
    FeedLog fork = FeedLog.empty(FEED);
    for (int i = 0; i < 6; i++) {
      fork.append(ALICE, new Content.Post(i == 3 ? "a different post 3" : TestFeeds.text("post " + i + " ", 100)),
          T0 + 1000L * i);
    }
    assertArrayEquals(held.entry(2).hash(), fork.entry(2).hash(), "the fork shares a prefix");
    FeedVerificationException e = rejected(EQUIVOCATION, FEED, fork.pieces(), held);
    assertTrue(e.getMessage().contains("entry 3 was signed with two different contents"), e.getMessage());
    // on its own the fork verifies: equivocation is only visible against what was held
    assertEquals(6, FeedVerifier.verify(FEED, fork.pieces()).size());
  }

  @Test
  void rejectsADifferentTimestampForAnEntryAlreadyHeldAsEquivocation() throws Exception {
    FeedLog held = FeedVerifier.verify(FEED, TestFeeds.posts(ALICE, 2, 10).pieces());
    FeedLog other = FeedLog.empty(FEED);
    other.append(ALICE, new Content.Post(TestFeeds.text("post 0 ", 10)), T0 + 1);
    other.append(ALICE, new Content.Post(TestFeeds.text("post 1 ", 10)), T0 + 1000);
    rejected(EQUIVOCATION, FEED, other.pieces(), held);
  }

  @Test
  void rejectsAnOlderShorterVersionAsRollback() throws Exception {
    FeedLog older = TestFeeds.posts(ALICE, 3, 50);
    FeedLog newer = TestFeeds.posts(ALICE, 5, 50);
    FeedLog held = FeedVerifier.verify(FEED, newer.pieces());
    FeedVerificationException e = rejected(ROLLBACK, FEED, older.pieces(), held);
    assertTrue(e.getMessage().contains("holds 3 entries but 5 were already verified"), e.getMessage());
  }

  @Test
  void rejectsAShorterVersionAcrossSegmentsAsRollback() throws Exception {
    FeedLog held = FeedVerifier.verify(FEED, pieces);
    byte[] unpaddedSecond = Arrays.copyOf(pieces.get(1), lastE(pieces.get(1)) + 1);
    rejected(ROLLBACK, FEED, List.of(pieces.get(0), unpaddedSecond), held);
  }

  private static int lastE(byte[] padded) {
    int i = padded.length - 1;
    while (padded[i] == 0) {
      i--;
    }
    return i;
  }

  @Test
  void acceptsARedactedVersionOfHeldEntries() throws Exception {
    FeedLog a = TestFeeds.posts(ALICE, 4, 30);
    FeedLog held = FeedVerifier.verify(FEED, a.pieces());
    a.append(ALICE, new Content.Delete(1), T0 + 10_000);
    FeedLog next = FeedVerifier.verify(FEED, a.pieces(), held);
    assertTrue(next.entry(1).isRedacted());
  }

  @Test
  void namesTheFirstBadSegmentWhenManyAreParsedInParallel() {
    List<byte[]> many = TestFeeds.copy(TestFeeds.withSegments(ALICE, 40).pieces());
    for (int i : new int[] {31, 17, 25}) {
      byte[] p = many.get(i).clone();
      p[p.length - 1] = 1; // non-zero padding
      many.set(i, p);
    }
    FeedVerificationException e = rejected(MALFORMED, FEED, many, null);
    assertTrue(e.getMessage().contains("segment 17"), e.getMessage());
  }

  // ---- nothing partly accepted ----

  @Test
  void neverAcceptsTheGoodPrefixOfABadVersion() throws Exception {
    FeedLog held = FeedVerifier.verify(FEED, List.of(Arrays.copyOf(pieces.get(0), lastE(pieces.get(0)) + 1)));
    long heldSize = held.size();
    byte[] bad = pieces.get(2).clone();
    bad[indexOf(bad, "1:s64:") + 6] ^= 0x40;
    rejected(BAD_SIGNATURE, FEED, with(2, bad), held);
    assertEquals(heldSize, held.size(), "the held version is untouched by a rejected one");
    assertEquals(1, held.segments().size());
  }
}
