package org.charkha.dht;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import org.charkha.bencode.Bencode;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;
import org.charkha.feed.TestFeeds;
import org.junit.jupiter.api.Test;

/**
 * BEP 44 items: the published test vectors (BEP 44 tests 1 to 3, BEP 46 targets) and our own
 * round trip. The BEP's private key is an expanded ref10 key, not an RFC 8032 seed, so these tests
 * verify the published signatures instead of re-signing.
 */
class MutableItemTest {
  private static final byte[] BEP44_PK = Hex.decode("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548", "pk");
  private static final byte[] HELLO = "12:Hello World!".getBytes(ISO_8859_1);
  private static final byte[] SIG1 = Hex.decode("305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
      + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01", "sig");
  private static final byte[] SIG2 = Hex.decode("6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
      + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08", "sig");
  private static final byte[] FOOBAR = "foobar".getBytes(ISO_8859_1);

  private static final Identity ALICE = TestFeeds.alice();

  @Test
  void bep44Test1SignedBufferTargetAndSignature() {
    FeedId feed = FeedId.of(BEP44_PK);
    assertEquals("3:seqi1e1:v12:Hello World!", new String(MutableItem.signedBuffer(new byte[0], 1, HELLO), ISO_8859_1));
    assertEquals("4a533d47ec9c7d95b1ad75f576cffc641853b750", Hex.encode(MutableItem.target(feed)));
    MutableItem item = MutableItem.verified(feed, 1, HELLO, SIG1);
    assertArrayEquals(HELLO, item.value());
    assertEquals(1, item.seq());
  }

  @Test
  void bep44Test2WithSaltFoobar() {
    FeedId feed = FeedId.of(BEP44_PK, FOOBAR);
    assertEquals("4:salt6:foobar3:seqi1e1:v12:Hello World!",
        new String(MutableItem.signedBuffer(FOOBAR, 1, HELLO), ISO_8859_1));
    assertEquals("411eba73b6f087ca51a3795d9c8c938d365e32c1", Hex.encode(MutableItem.target(feed)));
    MutableItem.verified(feed, 1, HELLO, SIG2);
  }

  @Test
  void bep44Test3ImmutableTargetIsSha1OfTheBencodedValue() throws Exception {
    byte[] v = Bencode.encode("Hello World!");
    assertArrayEquals(HELLO, v);
    assertEquals("e5f96f6f38320f0f33959cb4d3d656452117aadb", Hex.encode(MessageDigest.getInstance("SHA-1").digest(v)));
  }

  @Test
  void publishedSignaturesFailForAnyOtherSeqValueOrSalt() {
    FeedId plain = FeedId.of(BEP44_PK);
    FeedId salted = FeedId.of(BEP44_PK, FOOBAR);
    assertRejected(() -> MutableItem.verified(plain, 2, HELLO, SIG1));
    assertRejected(() -> MutableItem.verified(plain, 1, "12:Hello World?".getBytes(ISO_8859_1), SIG1));
    assertRejected(() -> MutableItem.verified(salted, 1, HELLO, SIG1), "test 1's signature has no salt");
    assertRejected(() -> MutableItem.verified(plain, 1, HELLO, SIG2), "test 2's signature covers the salt");
    assertRejected(() -> MutableItem.verified(FeedId.of(BEP44_PK, "foobaz".getBytes(ISO_8859_1)), 1, HELLO, SIG2));
  }

  private static void assertRejected(Runnable r) {
    assertRejected(r, "");
  }

  private static void assertRejected(Runnable r, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run, why);
    assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
  }

  @Test
  void bep46TargetsOfThePublishedKey() {
    byte[] pk = Hex.decode("8543d3e6115f0f98c944077a4493dcd543e49c739fd998550a1f614ab36ed63e", "pk");
    assertEquals("cc3f9d90b572172053626f9980ce261a850d050b", Hex.encode(MutableItem.target(FeedId.of(pk))));
    assertEquals("59ee7c2cb9b4f7eb1986ee2d18fd2fdb8a56554f",
        Hex.encode(MutableItem.target(FeedId.of(pk, Hex.decode("6e", "salt")))));
    assertArrayEquals(MutableItem.target(FeedId.of(pk)), MutableItem.target(FeedId.of(pk, new byte[0])),
        "an empty salt is no salt");
  }

  @Test
  void signedInfohashItemRoundTripsThroughVerification() {
    byte[] ih = new byte[20];
    for (int i = 0; i < 20; i++) {
      ih[i] = (byte) (0xa0 + i);
    }
    for (FeedId feed : new FeedId[] {ALICE.feed(), FeedId.of(ALICE.publicKey(), "n".getBytes(ISO_8859_1))}) {
      MutableItem item = MutableItem.signInfohash(ALICE, feed, 7, ih);
      assertEquals("d2:ih20:" + new String(ih, ISO_8859_1) + "e", new String(item.value(), ISO_8859_1));
      assertEquals(29, item.value().length); // d 2:ih 20:<20 bytes> e (beps.md says 27; it is 29)
      MutableItem received = MutableItem.verified(feed, item.seq(), item.value(), item.signature());
      assertEquals(item, received);
      assertArrayEquals(ih, received.infohash());
      assertArrayEquals(MutableItem.target(feed), received.target());

      assertRejected(() -> MutableItem.verified(feed, 8, item.value(), item.signature()));
      byte[] otherValue = item.value();
      otherValue[10] ^= 1;
      assertRejected(() -> MutableItem.verified(feed, 7, otherValue, item.signature()));
      FeedId otherSalt = FeedId.of(ALICE.publicKey(), feed.hasSalt() ? new byte[0] : "m".getBytes(ISO_8859_1));
      assertRejected(() -> MutableItem.verified(otherSalt, 7, item.value(), item.signature()));
      assertRejected(() -> MutableItem.verified(TestFeeds.bob().feed(), 7, item.value(), item.signature()));
      byte[] sig = item.signature();
      sig[0] ^= 1;
      assertRejected(() -> MutableItem.verified(feed, 7, item.value(), sig));
    }
  }

  @Test
  void ed25519SignaturesAreDeterministic() {
    byte[] ih = new byte[20];
    assertEquals(MutableItem.signInfohash(ALICE, ALICE.feed(), 1, ih),
        MutableItem.signInfohash(TestFeeds.alice(), ALICE.feed(), 1, ih));
  }

  @Test
  void newerMeansAStrictlyHigherSeq() {
    byte[] ih = new byte[20];
    MutableItem one = MutableItem.signInfohash(ALICE, ALICE.feed(), 1, ih);
    MutableItem two = MutableItem.signInfohash(ALICE, ALICE.feed(), 2, ih);
    assertTrue(two.isNewerThan(one));
    assertFalse(one.isNewerThan(two));
    assertFalse(one.isNewerThan(one));
    assertTrue(one.isNewerThan(null));
  }

  @Test
  void refusesItemsBep44NodesWouldRefuse() {
    byte[] ih = new byte[20];
    assertThrows(IllegalArgumentException.class, () -> MutableItem.signInfohash(ALICE, ALICE.feed(), -1, ih));
    assertThrows(IllegalArgumentException.class, () -> MutableItem.signInfohash(ALICE, ALICE.feed(), 1, new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> MutableItem.signInfohash(TestFeeds.bob(), ALICE.feed(), 1, ih));
    byte[] big = ("996:" + "x".repeat(996)).getBytes(ISO_8859_1); // 1000 bytes: allowed
    MutableItem.sign(ALICE, ALICE.feed(), 1, big);
    byte[] tooBig = ("997:" + "x".repeat(997)).getBytes(ISO_8859_1);
    assertThrows(IllegalArgumentException.class, () -> MutableItem.sign(ALICE, ALICE.feed(), 1, tooBig));
    assertThrows(IllegalArgumentException.class,
        () -> MutableItem.sign(ALICE, ALICE.feed(), 1, "d2:ihi1e1:ai1ee".getBytes(ISO_8859_1)), "non-canonical v");
    assertThrows(IllegalArgumentException.class,
        () -> MutableItem.verified(ALICE.feed(), 1, HELLO, new byte[63]));
  }

  @Test
  void extraValueKeysAreTheBep46ExtensionPoint() {
    byte[] v = "d2:ih20:aaaaaaaaaaaaaaaaaaaa1:xi1ee".getBytes(ISO_8859_1);
    MutableItem item = MutableItem.sign(ALICE, ALICE.feed(), 3, v);
    assertEquals("aaaaaaaaaaaaaaaaaaaa", new String(item.infohash(), ISO_8859_1));
    MutableItem notBep46 = MutableItem.sign(ALICE, ALICE.feed(), 3, "d2:ih3:abce".getBytes(ISO_8859_1));
    assertThrows(IllegalArgumentException.class, notBep46::infohash);
  }
}
