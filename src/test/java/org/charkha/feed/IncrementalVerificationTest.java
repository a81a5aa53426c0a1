package org.charkha.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;

/** A follower re-checks only the pieces whose hash changed; the rest are the segments it holds. */
class IncrementalVerificationTest {
  private final Identity author = Identity.generate();

  private FeedLog logOf(int posts) {
    FeedLog log = FeedLog.empty(author.feed());
    for (int i = 0; i < posts; i++) {
      log.append(author, new Content.Post("post " + i + " " + "x".repeat(300)), i);
    }
    return log;
  }

  @Test
  void unchangedPiecesAreTheHeldSegmentsAndOnlyTheTailIsParsed() throws Exception {
    FeedLog held = FeedVerifier.verify(author.feed(), logOf(600).pieces());
    FeedLog next = held.copy();
    next.append(author, new Content.Post("one more"), 1000);
    FeedTorrent before = FeedTorrent.of(held);
    FeedTorrent after = FeedTorrent.of(next);
    List<byte[]> pieces = new ArrayList<>();
    List<byte[]> all = next.pieces();
    for (int i = 0; i < all.size(); i++) {
      boolean same = i < before.pieceCount() && Arrays.equals(before.pieceHash(i), after.pieceHash(i));
      pieces.add(same ? null : all.get(i));
    }
    FeedLog verified = FeedVerifier.verify(author.feed(), pieces, held,
        i -> i < before.pieceCount() && Arrays.equals(before.pieceHash(i), after.pieceHash(i)));
    assertEquals(601, verified.size());
    assertSame(held.segments().get(0), verified.segments().get(0), "the held segment is reused, not re-parsed");
  }

  @Test
  void aMissingPieceThatIsNotTheSameAsHeldIsRefused() throws Exception {
    FeedLog held = FeedVerifier.verify(author.feed(), logOf(10).pieces());
    List<byte[]> pieces = new ArrayList<>();
    pieces.add(null);
    assertThrows(IllegalArgumentException.class, () -> FeedVerifier.verify(author.feed(), pieces, held, i -> false));
  }

  @Test
  void aChangedTailStillHasItsSignatureChecked() throws Exception {
    FeedLog held = FeedVerifier.verify(author.feed(), logOf(600).pieces());
    FeedLog next = held.copy();
    next.append(author, new Content.Post("one more"), 1000);
    List<byte[]> all = next.pieces();
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; i < all.size() - 1; i++) {
      pieces.add(null);
    }
    byte[] tail = all.get(all.size() - 1).clone();
    int sig = indexOf(tail, "1:s64:".getBytes()) + 6;
    tail[sig] ^= 1;
    pieces.add(tail);
    var e = assertThrows(FeedVerificationException.class,
        () -> FeedVerifier.verify(author.feed(), pieces, held, i -> i < all.size() - 1));
    assertEquals(FeedVerificationException.Reason.BAD_SIGNATURE, e.reason());
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
