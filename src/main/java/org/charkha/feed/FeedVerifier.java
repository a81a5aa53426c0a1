package org.charkha.feed;

import static org.charkha.feed.FeedVerificationException.Reason.BAD_SIGNATURE;
import static org.charkha.feed.FeedVerificationException.Reason.BROKEN_CHAIN;
import static org.charkha.feed.FeedVerificationException.Reason.EQUIVOCATION;
import static org.charkha.feed.FeedVerificationException.Reason.MALFORMED;
import static org.charkha.feed.FeedVerificationException.Reason.OVERSIZE;
import static org.charkha.feed.FeedVerificationException.Reason.ROLLBACK;
import static org.charkha.feed.FeedVerificationException.Reason.SEQUENCE_GAP;
import static org.charkha.feed.FeedVerificationException.Reason.WRONG_INDEX;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.charkha.bencode.BencodeException;

/**
 * Turns the pieces of a feed torrent into a verified {@link FeedLog}, or says precisely why not.
 * This is the one place where a peer's bytes become feed values: nothing after it re-checks.
 * Nothing is partly accepted; any failure rejects the whole version.
 */
public final class FeedVerifier {
  /** Below this many segments, parsing and checking on the calling thread is faster than forking. */
  private static final int PARALLEL_THRESHOLD = 8;

  private FeedVerifier() {}

  /** Verifies a whole feed version from its pieces. */
  public static FeedLog verify(FeedId feed, List<byte[]> pieces) throws FeedVerificationException {
    return verify(feed, pieces, null);
  }

  /**
   * Verifies a new version of a feed against the version already held: besides everything
   * {@link #verify(FeedId, List)} checks, it must not drop entries (rollback) and must not sign a
   * different entry for a sequence number already held (equivocation). Redacted bodies are fine.
   */
  public static FeedLog verify(FeedId feed, List<byte[]> pieces, FeedLog held) throws FeedVerificationException {
    return verify(feed, pieces, held, i -> false);
  }

  /**
   * As {@link #verify(FeedId, List, FeedLog)}, where a null piece {@code i} for which
   * {@code sameAsHeld} is true stands for the held version's segment {@code i}: the caller has
   * checked that its SHA-1 equals the held piece's, so it is reused without parsing or signature
   * checks. An update then costs what changed, not the whole feed.
   */
  public static FeedLog verify(FeedId feed, List<byte[]> pieces, FeedLog held, java.util.function.IntPredicate sameAsHeld)
      throws FeedVerificationException {
    if (held != null && !held.feed().equals(feed)) {
      throw new IllegalArgumentException("held log is of feed " + held.feed().shortName() + ", not " + feed.shortName());
    }
    if (pieces.isEmpty()) {
      throw new FeedVerificationException(MALFORMED, prefix(feed) + "a feed version has at least one segment");
    }
    if (pieces.size() > Limits.MAX_SEGMENTS) {
      throw new FeedVerificationException(OVERSIZE,
          prefix(feed) + pieces.size() + " segments, more than " + Limits.MAX_SEGMENTS);
    }
    List<Integer> toParse = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      if (pieces.get(i) != null) {
        toParse.add(i);
      } else if (held == null || i >= held.segments().size() || !sameAsHeld.test(i)) {
        throw new IllegalArgumentException("piece " + i + " is missing and not the same as a held one");
      }
    }
    Segment[] parsed = parseAll(feed, pieces, toParse);
    List<Segment> segments = new ArrayList<>(pieces.size());
    List<Segment> fresh = new ArrayList<>(toParse.size());
    for (int i = 0; i < pieces.size(); i++) {
      if (parsed[i] == null) {
        segments.add(held.segments().get(i));
      } else {
        segments.add(parsed[i]);
        fresh.add(parsed[i]);
      }
    }
    checkSignatures(feed, fresh);
    checkChain(feed, segments);
    FeedLog log = FeedLog.ofVerified(feed, segments);
    if (held != null) {
      checkContinues(feed, held, log, fresh);
    }
    return log;
  }

  /**
   * Parses the pieces at {@code indexes}, on all cores when there are many (parsing hashes every
   * entry, most of a verification's cost). A failure is reported for the lowest failing index,
   * as a sequential parse would.
   */
  private static Segment[] parseAll(FeedId feed, List<byte[]> pieces, List<Integer> indexes)
      throws FeedVerificationException {
    Segment[] parsed = new Segment[pieces.size()];
    FeedVerificationException[] failed = new FeedVerificationException[pieces.size()];
    IntStream range = IntStream.range(0, indexes.size());
    if (indexes.size() >= PARALLEL_THRESHOLD) {
      range = range.parallel();
    }
    range.forEach(k -> {
      int i = indexes.get(k);
      try {
        parsed[i] = parsePiece(feed, i, pieces.get(i), i == pieces.size() - 1);
      } catch (FeedVerificationException e) {
        failed[i] = e;
      }
    });
    for (FeedVerificationException e : failed) {
      if (e != null) {
        throw e;
      }
    }
    return parsed;
  }

  private static Segment parsePiece(FeedId feed, int i, byte[] piece, boolean last) throws FeedVerificationException {
    if (piece.length > Limits.SEGMENT_SIZE) {
      throw new FeedVerificationException(OVERSIZE,
          prefix(feed) + "segment " + i + " is " + piece.length + " bytes, more than " + Limits.SEGMENT_SIZE);
    }
    if (!last && piece.length != Limits.SEGMENT_SIZE) {
      throw new FeedVerificationException(MALFORMED, prefix(feed) + "segment " + i
          + " is not the last but is " + piece.length + " bytes, not " + Limits.SEGMENT_SIZE);
    }
    if (last && (piece.length == 0 || piece[piece.length - 1] != 'e')) {
      throw new FeedVerificationException(MALFORMED, prefix(feed) + "last segment " + i + " must not be padded");
    }
    try {
      return Segment.parse(feed, i, piece, 0, piece.length);
    } catch (SegmentException e) {
      throw new FeedVerificationException(e.reason(), prefix(feed) + "segment " + i + ": " + e.getMessage());
    } catch (BencodeException e) {
      throw new FeedVerificationException(MALFORMED, prefix(feed) + "segment " + i + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new FeedVerificationException(MALFORMED, prefix(feed) + "segment " + i + ": " + e.getMessage());
    }
  }

  private static void checkSignatures(FeedId feed, List<Segment> segments) throws FeedVerificationException {
    IntStream range = IntStream.range(0, segments.size());
    if (segments.size() >= PARALLEL_THRESHOLD) {
      range = range.parallel();
    }
    int bad = range.filter(i -> !segments.get(i).signatureValid()).findFirst().orElse(-1);
    if (bad >= 0) {
      throw new FeedVerificationException(BAD_SIGNATURE,
          prefix(feed) + "segment " + segments.get(bad).index() + ": signature does not verify");
    }
  }

  private static void checkChain(FeedId feed, List<Segment> segments) throws FeedVerificationException {
    long expectedFirst = 0;
    byte[] prevHash = Entry.NO_PREVIOUS;
    for (Segment s : segments) {
      if (s.first() != expectedFirst) {
        throw new FeedVerificationException(SEQUENCE_GAP, prefix(feed) + "segment " + s.index()
            + " starts at entry " + s.first() + ", expected " + expectedFirst);
      }
      if (!Arrays.equals(s.entries().get(0).prev(), prevHash)) {
        throw new FeedVerificationException(BROKEN_CHAIN, prefix(feed) + "entry " + s.first()
            + " does not chain to the entry before it");
      }
      expectedFirst = s.next();
      prevHash = s.last().hashUnsafe();
    }
  }

  /**
   * No rollback, no equivocation. Only the fresh segments can differ from the held version: the
   * others are its very segments, so an update costs what changed.
   */
  private static void checkContinues(FeedId feed, FeedLog held, FeedLog next, List<Segment> fresh)
      throws FeedVerificationException {
    if (next.size() < held.size()) {
      throw new FeedVerificationException(ROLLBACK, prefix(feed) + "version holds " + next.size()
          + " entries but " + held.size() + " were already verified");
    }
    for (Segment s : fresh) {
      for (Entry e : s.entries()) {
        if (e.seq() < held.size() && !Arrays.equals(held.entry(e.seq()).hashUnsafe(), e.hashUnsafe())) {
          throw new FeedVerificationException(EQUIVOCATION, prefix(feed) + "entry " + e.seq()
              + " was signed with two different contents");
        }
      }
    }
  }

  private static String prefix(FeedId feed) {
    return "feed " + feed.shortName() + ": ";
  }
}
