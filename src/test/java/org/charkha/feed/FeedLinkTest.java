package org.charkha.feed;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Follow links are BEP 46 magnets; we accept what other BEP 46 tools write and reject the rest clearly. */
class FeedLinkTest {
  private static final String PK = "8543d3e6115f0f98c944077a4493dcd543e49c739fd998550a1f614ab36ed63e";
  private static final FeedId FEED = FeedId.of(Hex.decode(PK, "pk"));

  private static void assertRejected(String link, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeedLink.parse(link));
    assertTrue(e.getMessage().contains(messagePart), () -> link + " gave: " + e.getMessage());
  }

  @Test
  void printsTheBep46MagnetForm() {
    assertEquals("magnet:?xs=urn:btpk:" + PK, FeedLink.of(FEED).toString());
    assertEquals(FeedLink.of(FEED), FeedLink.parse(FeedLink.of(FEED).toString()));
  }

  @Test
  void acceptsEitherHexCaseAndPrintsLowerCase() {
    FeedLink upper = FeedLink.parse("magnet:?xs=urn:btpk:" + PK.toUpperCase());
    assertEquals(FEED, upper.feed());
    assertEquals("magnet:?xs=urn:btpk:" + PK, upper.toString());
    assertEquals(FEED, FeedLink.parse("MAGNET:?XS=URN:BTPK:" + PK.toUpperCase()).feed());
  }

  @Test
  void acceptsParametersInAnyOrderAndIgnoresUnknownOnes() {
    FeedLink link = FeedLink.parse("magnet:?dn=Alice&tr=udp%3A%2F%2Ftracker.example%3A80&x.pe=10.0.0.1:6881"
        + "&xt=urn:btih:0123456789abcdef0123456789abcdef01234567&flag&&xs=urn:btpk:" + PK + "&s=6e");
    assertEquals(FeedId.of(FEED.publicKey(), "n".getBytes(US_ASCII)), link.feed());
    assertEquals(Optional.of("Alice"), link.displayName());
  }

  @Test
  void ignoresExactSourcesThatAreNotFeedKeys() {
    FeedLink link = FeedLink.parse("magnet:?xs=http%3A%2F%2Fexample.org%2Fx.torrent&xs=urn:btpk:" + PK);
    assertEquals(FEED, link.feed());
  }

  @Test
  void decodesPercentEncodedValues() {
    FeedLink link = FeedLink.parse("magnet:?xs=urn%3Abtpk%3A" + PK + "&s=%36%65&dn=Ana%20%26%20Bo%20%C3%BC");
    assertEquals(FeedId.of(FEED.publicKey(), "n".getBytes(US_ASCII)), link.feed());
    assertEquals(Optional.of("Ana & Bo \u00fc"), link.displayName());
  }

  @Test
  void toleratesSurroundingWhitespaceAsPastedFromChat() {
    assertEquals(FEED, FeedLink.parse("  magnet:?xs=urn:btpk:" + PK + "\n").feed());
  }

  @Test
  void saltRoundTripsThroughTheLink() {
    FeedId salted = FeedId.of(FEED.publicKey(), "n".getBytes(US_ASCII));
    String text = FeedLink.of(salted).toString();
    assertEquals("magnet:?xs=urn:btpk:" + PK + "&s=6e", text);
    assertEquals(salted, FeedLink.parse(text).feed());

    byte[] longest = new byte[64];
    for (int i = 0; i < 64; i++) {
      longest[i] = (byte) (0xc0 + i);
    }
    FeedId maxSalt = FeedId.of(FEED.publicKey(), longest);
    assertEquals(maxSalt, FeedLink.parse(FeedLink.of(maxSalt).toString()).feed());
  }

  @Test
  void emptySaltIsTheSameAsNoSalt() {
    FeedLink link = FeedLink.parse("magnet:?xs=urn:btpk:" + PK + "&s=");
    assertEquals(FEED, link.feed());
    assertEquals("magnet:?xs=urn:btpk:" + PK, link.toString());
  }

  @Test
  void displayNameRoundTripsWithReservedCharacters() {
    FeedLink link = new FeedLink(FEED, Optional.of("Ana & Bo + = ? \u00fc \ud83c\udf3b"));
    String text = link.toString();
    assertTrue(text.startsWith("magnet:?xs=urn:btpk:" + PK + "&dn="), text);
    assertTrue(!text.contains(" ") && text.indexOf('&', 10) == text.indexOf("&dn="), text);
    assertEquals(link, FeedLink.parse(text));
  }

  @Test
  void blankDisplayNameIsDropped() {
    assertEquals(Optional.empty(), FeedLink.parse("magnet:?xs=urn:btpk:" + PK + "&dn=%20").displayName());
  }

  @Test
  void rejectsTextThatIsNotAMagnet() {
    assertRejected("", "not a magnet link");
    assertRejected("https://example.org/?xs=urn:btpk:" + PK, "not a magnet link");
    assertRejected(PK, "not a magnet link");
  }

  @Test
  void rejectsMagnetsWithoutAFeedKey() {
    assertRejected("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", "no 'xs=urn:btpk:");
    assertRejected("magnet:?", "no 'xs=urn:btpk:");
    assertRejected("magnet:?xs=urn:btih:" + PK, "no 'xs=urn:btpk:");
  }

  @Test
  void rejectsKeysOfTheWrongLengthOrAlphabet() {
    assertRejected("magnet:?xs=urn:btpk:" + PK.substring(1), "must be 64 hex digits, got 63");
    assertRejected("magnet:?xs=urn:btpk:" + PK + "00", "must be 64 hex digits, got 66");
    assertRejected("magnet:?xs=urn:btpk:" + PK.substring(1) + "g", "urn:btpk key is not valid hex");
  }

  @Test
  void rejectsTwoDifferentFeedKeys() {
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&xs=urn:btpk:" + PK, "more than one urn:btpk key");
  }

  @Test
  void rejectsTwoSalts() {
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&s=6e&s=6f", "more than one salt 's'");
    assertRejected("magnet:?s=&xs=urn:btpk:" + PK + "&S=6e", "more than one salt 's'");
  }

  @Test
  void rejectsBadSalts() {
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&s=6", "salt 's' is not valid hex");
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&s=zz", "salt 's' is not valid hex");
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&s=" + "ab".repeat(65), "salt 's' is 65 bytes, more than 64");
  }

  @Test
  void rejectsBrokenPercentEncoding() {
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&dn=%zz", "bad percent-encoding");
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&dn=abc%", "bad percent-encoding");
  }

  @Test
  void rejectsAbsurdlyLongLinks() {
    assertRejected("magnet:?xs=urn:btpk:" + PK + "&dn=" + "a".repeat(5000), "more than 4096");
  }

  @Test
  void theExampleLinksOfProtocolNote0001ParseToTheSaltedTestFeed() {
    FeedId expected = FeedId.of(TestFeeds.alice().publicKey(), "n".getBytes(US_ASCII));
    assertEquals(expected, FeedLink.parse("MAGNET:?dn=Alice&S=6E&xs=urn%3Abtpk%3A"
        + "79B5562E8FE654F94078B112E8A98BA7901F853AE695BED7E0E3910BAD049664").feed());
    assertEquals(expected, FeedLink.parse("magnet:?tr=udp%3A%2F%2Ftracker.example%3A80&xs=urn:btpk:"
        + "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664&s=6e").feed());
  }

  @Test
  void feedIdTextFormRoundTrips() {
    FeedId salted = FeedId.of(FEED.publicKey(), new byte[] {0x6e});
    assertEquals(PK + ":6e", salted.toString());
    assertEquals(salted, FeedId.parse(salted.toString()));
    assertEquals(FEED, FeedId.parse(PK.toUpperCase()));
    assertEquals("8543d3e6:6e", salted.shortName());
    assertThrows(IllegalArgumentException.class, () -> FeedId.parse(PK.substring(2)));
    assertThrows(IllegalArgumentException.class, () -> FeedId.of(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> FeedId.of(new byte[32], new byte[65]));
  }

  @Test
  void entryRefTextFormRoundTrips() {
    EntryRef ref = EntryRef.of(FeedId.of(FEED.publicKey(), new byte[] {0x6e}), 42);
    assertEquals(PK + ":6e/42", ref.toString());
    assertEquals(ref, EntryRef.parse(ref.toString()));
    assertThrows(IllegalArgumentException.class, () -> EntryRef.parse(PK + "/x"));
    assertThrows(IllegalArgumentException.class, () -> EntryRef.parse(PK + "/-1"));
    assertThrows(IllegalArgumentException.class, () -> EntryRef.parse("42"));
  }
}
