package org.charkha.feed;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.charkha.bencode.BencodeException;
import org.junit.jupiter.api.Test;

/** One entry carried anywhere (a relay, a notification) proves itself with the feed key alone. */
class EntryProofTest {
  private static final Identity ALICE = TestFeeds.alice();

  private static EntryProof decode(byte[] b) {
    return EntryProof.decode(b, 0, b.length);
  }

  @Test
  void everyEntryOfEverySegmentProvesItselfAfterARoundTrip() {
    FeedLog log = TestFeeds.posts(ALICE, 37, 2000);
    assertTrue(log.segments().size() >= 2);
    for (long seq = 0; seq < log.size(); seq++) {
      EntryProof proof = log.prove(seq);
      byte[] wire = proof.encode();
      EntryProof back = decode(wire);
      assertEquals(ALICE.feed(), back.feed());
      assertEquals(log.entry(seq), back.entry());
      assertEquals(log.entry(seq).ref(ALICE.feed()), back.ref());
      assertArrayEquals(wire, back.encode(), "re-encoding is byte-identical");
    }
  }

  @Test
  void proofOfASaltedFeedCarriesTheSalt() {
    FeedId salted = FeedId.of(ALICE.publicKey(), "n".getBytes(ISO_8859_1));
    FeedLog log = TestFeeds.posts(ALICE, salted, 5, 10);
    EntryProof back = decode(log.prove(3).encode());
    assertEquals(salted, back.feed());
    assertEquals(salted, back.ref().feed());
  }

  @Test
  void proofOfADeletedEntryStillVerifiesWithoutTheBody() {
    FeedLog log = TestFeeds.posts(ALICE, 4, 10);
    log.append(ALICE, new Content.Delete(2), TestFeeds.T0 + 10_000);
    EntryProof back = decode(log.prove(2).encode());
    assertTrue(back.entry().isRedacted());
    assertNull(back.entry().content());
  }

  @Test
  void rejectsAnEmptySaltKeyThatTheSignatureDoesNotCover() {
    // The signed header of an unsalted feed has no salt key: the signature alone would let
    // "4:salt0:" through, and the proof would re-encode to other bytes.
    FeedLog log = TestFeeds.posts(ALICE, 3, 10);
    String wire = new String(log.prove(1).encode(), ISO_8859_1);
    decode(wire.getBytes(ISO_8859_1));
    byte[] withEmptySalt = wire.replace("1:vi1ee", "4:salt0:1:vi1ee").getBytes(ISO_8859_1);
    BencodeException e = assertThrows(BencodeException.class, () -> decode(withEmptySalt));
    assertTrue(e.getMessage().contains("entry proof has an empty 'salt'"), e.getMessage());
  }

  @Test
  void everySingleByteChangeOfAProofIsRejected() {
    FeedLog log = TestFeeds.posts(ALICE, 11, 20);
    byte[] wire = log.prove(6).encode();
    for (int i = 0; i < wire.length; i++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] bad = wire.clone();
        bad[i] ^= (byte) mask;
        try {
          decode(bad);
          fail("accepted a proof with byte " + i + " ^ " + mask);
        } catch (BencodeException expected) {
          // the only way a proof fails
        } catch (RuntimeException e) {
          fail("byte " + i + " ^ " + mask + " threw " + e, e);
        }
      }
    }
  }

  @Test
  void aProofCannotBeReassignedToAnotherFeedOrEntry() {
    FeedLog log = TestFeeds.posts(ALICE, 6, 20);
    String wire = new String(log.prove(2).encode(), ISO_8859_1);
    String alice = new String(ALICE.publicKey(), ISO_8859_1);
    String bob = new String(TestFeeds.bob().publicKey(), ISO_8859_1);
    BencodeException e = assertThrows(BencodeException.class,
        () -> decode(wire.replace("1:k32:" + alice, "1:k32:" + bob).getBytes(ISO_8859_1)));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());

    // Another entry of the same segment with this entry's path.
    String other = new String(TestFeeds.RawEntry.of(log.entry(3)).encode(), ISO_8859_1);
    String mine = new String(TestFeeds.RawEntry.of(log.entry(2)).encode(), ISO_8859_1);
    BencodeException e2 = assertThrows(BencodeException.class,
        () -> decode(wire.replace(mine, other).getBytes(ISO_8859_1)));
    assertTrue(e2.getMessage().contains("audit path"), e2.getMessage());
  }

  @Test
  void boundsAreCheckedBeforeWork() {
    FeedLog log = TestFeeds.posts(ALICE, 2, 20);
    String wire = new String(log.prove(1).encode(), ISO_8859_1);
    assertThrows(BencodeException.class, () -> decode(wire.replace("1:vi1ee", "1:vi2ee").getBytes(ISO_8859_1)));
    assertThrows(BencodeException.class, () -> decode((wire + "x").getBytes(ISO_8859_1)));
    String longPath = wire.replaceFirst("1:pl", "1:pl" + ("32:" + "x".repeat(32)).repeat(40));
    BencodeException e = assertThrows(BencodeException.class, () -> decode(longPath.getBytes(ISO_8859_1)));
    assertTrue(e.getMessage().contains("audit path longer than 32"), e.getMessage());
    byte[] truncated = Arrays.copyOf(wire.getBytes(ISO_8859_1), wire.length() - 5);
    assertThrows(BencodeException.class, () -> decode(truncated));
  }
}
