package org.charkha.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random damage to valid pieces: the verifier either accepts a log identical to the original or
 * throws FeedVerificationException. Any other exception (an index error, an overflow, a stack
 * overflow) would be a crash a hostile peer could trigger, so it fails the test.
 */
class FeedVerifierMutationTest {
  private static final int ROUNDS = 2000;

  @Test
  void randomByteFlipsAreRejectedCleanlyOrLeaveTheLogIdentical() {
    Identity alice = TestFeeds.alice();
    FeedLog log = FeedLog.empty(alice.feed());
    // A mix of every body type keeps many parsers in the path of the damage.
    Identity bob = TestFeeds.bob();
    FeedLog bobLog = TestFeeds.posts(bob, 3, 10);
    long t = TestFeeds.T0;
    while (log.segments().size() < 2) {
      long n = log.size();
      log.append(alice, switch ((int) (n % 6)) {
        case 0 -> new Content.Post(TestFeeds.text("p" + n, 2500));
        case 1 -> new Content.Comment(bobLog.entry(1).ref(bob.feed()), "c" + n);
        case 2 -> new Content.Reaction(EntryRef.of(bob.feed(), 0), "+1");
        case 3 -> new Content.Relay(bobLog.prove(2));
        case 4 -> new Content.Edit(n - 4, "edited " + n);
        default -> new Content.Follow(bob.feed());
      }, t += 1000);
    }
    List<byte[]> original = TestFeeds.copy(log.pieces());
    int[] encodedLength = original.stream().mapToInt(p -> lastNonZero(p) + 1).toArray();
    Random random = new Random(20240607L);
    int accepted = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<byte[]> mutated = TestFeeds.copy(original);
      int flips = 1 + random.nextInt(3);
      StringBuilder what = new StringBuilder();
      for (int f = 0; f < flips; f++) {
        int piece = random.nextInt(mutated.size());
        // Mostly inside the encoded part, where the structure is; sometimes in the padding.
        int bound = random.nextInt(8) == 0 ? mutated.get(piece).length : encodedLength[piece];
        int at = random.nextInt(bound);
        int mask = random.nextBoolean() ? 1 << random.nextInt(8) : 1 + random.nextInt(255);
        mutated.get(piece)[at] ^= (byte) mask;
        what.append(String.format("piece %d byte %d ^= 0x%02x; ", piece, at, mask));
      }
      try {
        FeedLog seen = FeedVerifier.verify(alice.feed(), mutated);
        accepted++;
        assertEquals(original.size(), seen.pieces().size(), what.toString());
        for (int i = 0; i < original.size(); i++) {
          assertArrayEquals(original.get(i), seen.pieces().get(i), what.toString());
          assertArrayEquals(original.get(i), mutated.get(i), "accepted changed bytes: " + what);
        }
      } catch (FeedVerificationException expected) {
        // the only allowed failure
      } catch (Throwable t2) {
        fail("round " + round + " (" + what + ") threw " + t2, t2);
      }
    }
    assertEquals(0, accepted, "a flip of a byte that matters was accepted");
  }

  @Test
  void truncationsAndExtensionsOfTheLastPieceAreRejectedCleanly() {
    Identity alice = TestFeeds.alice();
    byte[] last = TestFeeds.posts(alice, 6, 40).pieces().get(0);
    for (int len = 0; len < last.length; len++) {
      byte[] cut = Arrays.copyOf(last, len);
      try {
        FeedVerifier.verify(alice.feed(), List.of(cut));
        fail("accepted a piece cut to " + len + " bytes");
      } catch (FeedVerificationException expected) {
        // fine
      } catch (RuntimeException e) {
        fail("cut to " + len + " threw " + e, e);
      }
    }
  }

  private static int lastNonZero(byte[] p) {
    int i = p.length - 1;
    while (i > 0 && p[i] == 0) {
      i--;
    }
    return i;
  }
}
