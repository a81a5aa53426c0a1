package org.charkha.feed;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.charkha.feed.TestFeeds.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.junit.jupiter.api.Test;

/** Entry heads and bodies have exactly one encoding each; every type survives the trip to a follower. */
class EntryTest {
  private static final Identity ALICE = TestFeeds.alice();
  private static final FeedId BOB = TestFeeds.bob().feed();

  private static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      byte[] b = p instanceof byte[] bytes ? bytes : ((String) p).getBytes(ISO_8859_1);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  @Test
  void headIsTheDocumentedDictionaryAndTheHashIsItsSha256() {
    Entry e = Entry.create(0, new byte[32], T0, new Content.Post("hi"));
    byte[] body = "d4:text2:hie".getBytes(ISO_8859_1);
    assertArrayEquals(body, e.bodyBytes());
    byte[] expectedHead = concat("d1:b32:", Sha256.hash(body), "1:p32:", new byte[32],
        "1:si0e1:ti1700000000000e1:y4:poste");
    assertArrayEquals(expectedHead, e.headBytes());
    assertArrayEquals(Sha256.hash(expectedHead), e.hash());
    assertEquals(0, e.seq());
    assertEquals(T0, e.timestamp());
    assertEquals("post", e.wireType());
    assertEquals(EntryType.POST, e.type());
  }

  @Test
  void eachContentTypeHasItsDocumentedBody() {
    FeedId salted = FeedId.of(BOB.publicKey(), "n".getBytes(ISO_8859_1));
    byte[] h = new byte[32];
    h[0] = 7;
    EntryRef on = EntryRef.of(BOB, 3);
    EntryRef pinned = EntryRef.of(salted, 4, h);
    String bobKey = new String(BOB.publicKey(), ISO_8859_1);
    assertBody("d4:text5:helloe", new Content.Post("hello"));
    assertBody("d2:ond4:feed32:" + bobKey + "3:seqi3ee4:text2:hie", new Content.Comment(on, "hi"));
    assertBody("d2:ond4:feed32:" + bobKey + "4:hash32:" + new String(h, ISO_8859_1) + "4:salt1:n3:seqi4ee4:text2:hie",
        new Content.Comment(pinned, "hi"));
    assertBody("d2:ofi2e4:text3:newe", new Content.Edit(2, "new"));
    assertBody("d2:ofi2ee", new Content.Delete(2));
    assertBody("d5:emoji4:\u00f0\u009f\u0091\u008d2:ond4:feed32:" + bobKey + "3:seqi3eee",
        new Content.Reaction(on, "\ud83d\udc4d"));
    assertBody("d4:feed32:" + bobKey + "e", new Content.Follow(BOB));
    assertBody("d4:feed32:" + bobKey + "4:salt1:ne", new Content.Follow(salted));
    assertBody("d4:feed32:" + bobKey + "e", new Content.Unfollow(BOB));
    assertBody("d3:bio5:hello4:name5:Alicee", new Content.Profile(Optional.of("Alice"), Optional.of("hello")));
    assertBody("d4:name5:Alicee", new Content.Profile(Optional.of("Alice"), Optional.empty()));
    assertBody("de", new Content.Profile(Optional.empty(), Optional.empty()));
  }

  private static void assertBody(String expected, Content c) {
    assertEquals(expected, new String(c.encodeBody(), ISO_8859_1), c.toString());
    assertEquals(normalize(c), normalize(Content.parse(c.type().wireName(), c.encodeBody(), 0, c.encodeBody().length)));
  }

  /** Records holding byte arrays compare by identity; compare their encodings instead. */
  private static String normalize(Content c) {
    return c.type() + ":" + new String(c.encodeBody(), ISO_8859_1);
  }

  @Test
  void everyContentTypeSurvivesTheTripToAFollower() throws Exception {
    Identity bob = TestFeeds.bob();
    FeedLog bobLog = TestFeeds.posts(bob, 3, 20);
    FeedLog log = FeedLog.empty(ALICE.feed());
    List<Content> contents = List.of(
        new Content.Profile(Optional.of("Alice \u00e9"), Optional.of("bio")),
        new Content.Post("hello \u4e16\u754c"),
        new Content.Comment(bobLog.entry(1).ref(bob.feed()), "nice"),
        new Content.Comment(EntryRef.of(bob.feed(), 2), "unpinned"),
        new Content.Edit(1, "hello again"),
        new Content.Reaction(EntryRef.of(bob.feed(), 0), "\u2764"),
        new Content.Follow(bob.feed()),
        new Content.Follow(FeedId.of(bob.publicKey(), "n".getBytes(UTF_8))),
        new Content.Unfollow(bob.feed()),
        new Content.Relay(bobLog.prove(2)),
        new Content.Post("to delete"),
        new Content.Delete(10));
    long ts = T0;
    for (Content c : contents) {
      log.append(ALICE, c, ts += 1000);
    }
    FeedLog seen = FeedVerifier.verify(ALICE.feed(), log.pieces());
    assertEquals(contents.size(), seen.size());
    for (int i = 0; i < contents.size(); i++) {
      Entry e = seen.entry(i);
      assertEquals(contents.get(i).type(), e.type());
      if (i == 10) {
        assertTrue(e.isRedacted());
        assertNull(e.content());
      } else {
        assertEquals(normalize(contents.get(i)), normalize(e.content()), "entry " + i);
      }
    }
    Content.Relay relay = assertInstanceOf(Content.Relay.class, seen.entry(9).content());
    assertEquals(bob.feed(), relay.proof().feed());
    assertArrayEquals(bobLog.entry(2).hash(), relay.proof().entry().hash());
  }

  @Test
  void entriesOfAnUnknownTypeAreKeptInTheChainButNotInterpreted() throws Exception {
    TestFeeds.RawEntry poll = TestFeeds.RawEntry.of(0, new byte[32], T0, "poll", "d1:qi1ee".getBytes(ISO_8859_1));
    byte[] piece = TestFeeds.segment(ALICE, ALICE.feed(), 0, 0, List.of(poll));
    FeedLog seen = FeedVerifier.verify(ALICE.feed(), List.of(piece));
    Entry e = seen.entry(0);
    assertEquals("poll", e.wireType());
    assertNull(e.type());
    assertEquals(new Content.Unknown("poll"), e.content());
    assertArrayEquals(piece, seen.pieces().get(0));
    // The author can still append after it.
    seen.append(ALICE, new Content.Post("after"), T0 + 1000);
    assertEquals(2, FeedVerifier.verify(ALICE.feed(), seen.pieces()).size());
  }

  @Test
  void rejectsAnEntryTypeThatIsEmptyLongOrNotVisibleAscii() {
    for (String type : List.of("", "p\u00f6st", "po st", "post\n", "\u0000", "x".repeat(33))) {
      TestFeeds.RawEntry raw = TestFeeds.RawEntry.of(0, new byte[32], T0, type, "d4:text1:ae".getBytes(ISO_8859_1));
      byte[] piece = TestFeeds.segment(ALICE, ALICE.feed(), 0, 0, List.of(raw));
      FeedVerificationException e = assertThrows(FeedVerificationException.class,
          () -> FeedVerifier.verify(ALICE.feed(), List.of(piece)), "type '" + type + "'");
      assertEquals(FeedVerificationException.Reason.MALFORMED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("not 1 to 32 bytes of visible ASCII"), e.getMessage());
    }
  }

  @Test
  void acceptsAnyVisibleAsciiTypeUpTo32Bytes() throws Exception {
    for (String type : List.of("x", "!~", "x".repeat(32), "future-type_2")) {
      TestFeeds.RawEntry raw = TestFeeds.RawEntry.of(0, new byte[32], T0, type, "d1:qi1ee".getBytes(ISO_8859_1));
      byte[] piece = TestFeeds.segment(ALICE, ALICE.feed(), 0, 0, List.of(raw));
      assertEquals(type, FeedVerifier.verify(ALICE.feed(), List.of(piece)).entry(0).wireType());
    }
  }

  @Test
  void everyTypeTheWriterKnowsIsAValidWireType() {
    for (EntryType t : EntryType.values()) {
      assertTrue(Entry.isWireType(t.wireName().getBytes(UTF_8)), t.wireName());
    }
  }

  @Test
  void redactionDropsTheBodyButKeepsTheHead() {
    Entry e = Entry.create(5, new byte[32], T0, new Content.Post("secret"));
    Entry r = e.redacted();
    assertTrue(r.isRedacted());
    assertNull(r.bodyBytes());
    assertNull(r.content());
    assertArrayEquals(e.hash(), r.hash());
    assertArrayEquals(e.headBytes(), r.headBytes());
    assertEquals(e.encodedSize() - 3 - e.bodyBytes().length, r.encodedSize());
  }

  @Test
  void anEntryWhoseBodyDoesNotMatchItsHeadIsRejected() {
    TestFeeds.RawEntry ok = TestFeeds.RawEntry.post(0, new byte[32], "hello");
    TestFeeds.RawEntry swapped = new TestFeeds.RawEntry(ok.head(), "d4:text5:jelloe".getBytes(ISO_8859_1));
    SegmentException e = assertThrows(SegmentException.class, () -> Entry.read(new BencodeReader(swapped.encode())));
    assertEquals(FeedVerificationException.Reason.BROKEN_CHAIN, e.reason());
  }

  @Test
  void entryHeadsAreStrict() {
    byte[] prev = new byte[32];
    String head = "d1:b32:" + "x".repeat(32) + "1:p32:" + new String(prev, ISO_8859_1) + "1:si0e1:ti0e1:y4:post";
    for (String bad : List.of(
        "d1:h" + head + "1:zi0eee",            // unknown head key
        "d1:h" + head.replace("1:si0e", "") + "ee",   // missing seq
        "d1:h" + head.replace("1:si0e", "1:si-1e") + "ee", // negative seq
        "d1:h" + head.replace("1:b32:", "1:b31:").replace("x".repeat(32), "x".repeat(31)) + "ee", // short hash
        "d1:h" + head + "e1:zi0ee",            // key after head
        "d1:x" + "i0ee")) {                    // no head at all
      assertThrows(BencodeException.class, () -> Entry.read(new BencodeReader(bad.getBytes(ISO_8859_1))), bad);
    }
  }

  @Test
  void bodiesThatBreakTheirTypeAreRejected() {
    assertThrows(BencodeException.class, () -> Content.parse("post", "de".getBytes(ISO_8859_1), 0, 2));
    assertThrows(BencodeException.class, () -> Content.parse("edit", "d4:text1:xe".getBytes(ISO_8859_1), 0, 11));
    assertThrows(BencodeException.class, () -> Content.parse("follow", "d4:feed3:abce".getBytes(ISO_8859_1), 0, 13));
    assertThrows(BencodeException.class, () -> Content.parse("post", "i1e".getBytes(ISO_8859_1), 0, 3));
    byte[] longText = ("d4:text8193:" + "a".repeat(8193) + "e").getBytes(ISO_8859_1);
    assertThrows(BencodeException.class, () -> Content.parse("post", longText, 0, longText.length));
    // unknown keys are skipped, so later versions can add fields
    byte[] extra = "d5:extrai1e4:text1:xe".getBytes(ISO_8859_1);
    assertEquals(new Content.Post("x"), Content.parse("post", extra, 0, extra.length));
  }

  @Test
  void authorsCannotCreateOutOfBoundEntries() {
    assertThrows(IllegalArgumentException.class, () -> new Content.Post("a".repeat(Limits.MAX_TEXT + 1)));
    assertThrows(IllegalArgumentException.class, () -> new Content.Reaction(EntryRef.of(BOB, 0), ""));
    assertThrows(IllegalArgumentException.class, () -> new Content.Edit(-1, "x"));
    assertThrows(IllegalArgumentException.class, () -> Entry.create(-1, new byte[32], T0, new Content.Post("x")));
    assertThrows(IllegalArgumentException.class, () -> Entry.create(0, new byte[31], T0, new Content.Post("x")));
    new Content.Post("a".repeat(Limits.MAX_TEXT)); // the limit itself is allowed
  }
}
