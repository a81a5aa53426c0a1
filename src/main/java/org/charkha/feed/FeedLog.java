package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A feed's verified log as a list of segments; the author appends to it, a follower gets one from
 * {@link FeedVerifier}. Appending changes only the last segment (or starts a new one once the last
 * is full), so every earlier full piece stays byte-identical; a delete also rewrites the segments
 * that held the removed bodies.
 */
public final class FeedLog {
  private final FeedId feed;
  private final List<Segment> segments;

  private FeedLog(FeedId feed, List<Segment> segments) {
    this.feed = feed;
    this.segments = new ArrayList<>(segments);
  }

  public static FeedLog empty(FeedId feed) {
    return new FeedLog(feed, List.of());
  }

  /** Wraps segments already verified as one chain (by {@link FeedVerifier}). */
  static FeedLog ofVerified(FeedId feed, List<Segment> segments) {
    return new FeedLog(feed, segments);
  }

  public FeedId feed() {
    return feed;
  }

  /** An independent copy: segments are immutable, so this copies only the list. */
  public FeedLog copy() {
    return new FeedLog(feed, segments);
  }

  public List<Segment> segments() {
    return Collections.unmodifiableList(segments);
  }

  public boolean isEmpty() {
    return segments.isEmpty();
  }

  /** Sequence number the next entry will get: the number of entries. */
  public long size() {
    return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).next();
  }

  public List<Entry> entries() {
    List<Entry> all = new ArrayList<>();
    for (Segment s : segments) {
      all.addAll(s.entries());
    }
    return all;
  }

  public Entry entry(long seq) {
    return segments.get(segmentOf(seq)).entries().get((int) (seq - segments.get(segmentOf(seq)).first()));
  }

  /** Index of the segment holding entry {@code seq}. */
  public int segmentOf(long seq) {
    checkArgument(seq >= 0 && seq < size(), "feed %s has no entry %s (it has %s)", feed.shortName(), seq, size());
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).first() <= seq) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  public EntryProof prove(long seq) {
    return segments.get(segmentOf(seq)).proveEntry(seq);
  }

  /** The torrent pieces, in order: every piece but the last padded to the segment size. */
  public List<byte[]> pieces() {
    List<byte[]> pieces = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      pieces.add(segments.get(i).toPiece(i == segments.size() - 1));
    }
    return pieces;
  }

  /**
   * Appends one entry signed by {@code author} and returns it. For a delete, the target's body and
   * the bodies of its edits are removed from the log in the same step.
   */
  public Entry append(Identity author, Content content, long timestampMillis) {
    checkArgument(Arrays.equals(author.publicKey(), feed.publicKey()), "identity does not own feed %s", feed.shortName());
    long seq = size();
    checkOwnTarget(content, seq);
    byte[] prev = segments.isEmpty() ? Entry.NO_PREVIOUS : last().last().hashUnsafe();
    Entry entry = Entry.create(seq, prev, timestampMillis, content);
    if (!segments.isEmpty() && last().encodedSizeWith(entry) <= Limits.SEGMENT_SIZE) {
      List<Entry> grown = new ArrayList<>(last().entries());
      grown.add(entry);
      segments.set(segments.size() - 1, Segment.sign(author, feed, segments.size() - 1, grown));
    } else {
      checkArgument(segments.size() < Limits.MAX_SEGMENTS, "feed %s is full", feed.shortName());
      segments.add(Segment.sign(author, feed, segments.size(), List.of(entry)));
    }
    if (content instanceof Content.Delete d) {
      redactWithEdits(d.of());
    }
    return entry;
  }

  private void checkOwnTarget(Content content, long seq) {
    long target = content instanceof Content.Edit e ? e.of() : content instanceof Content.Delete d ? d.of() : -1;
    if (target < 0) {
      return;
    }
    checkArgument(target < seq, "entry %s does not exist in feed %s", target, feed.shortName());
    Entry t = entry(target);
    checkArgument(t.type() != EntryType.DELETE, "entry %s is a delete and cannot be changed", target);
    if (content instanceof Content.Edit) {
      checkArgument(t.type() == EntryType.POST || t.type() == EntryType.COMMENT,
          "only posts and comments can be edited; entry %s is a %s", target, t.wireType());
      checkArgument(!t.isRedacted(), "entry %s was deleted", target);
    }
  }

  /** Removes the body of {@code seq} and of every edit of it. */
  private void redactWithEdits(long seq) {
    redact(seq);
    for (Entry e : entries()) {
      if (e.content() instanceof Content.Edit edit && edit.of() == seq) {
        redact(e.seq());
      }
    }
  }

  private void redact(long seq) {
    int i = segmentOf(seq);
    segments.set(i, segments.get(i).redact(seq));
  }

  private Segment last() {
    return segments.get(segments.size() - 1);
  }

  /**
   * Appends many posts, comments, reactions or profile entries at once (archive imports), signing
   * each segment once instead of once per entry. Edits and deletes go through {@link #append}.
   */
  public List<Entry> appendAll(Identity author, List<? extends Content> contents, List<Long> timestamps) {
    checkArgument(Arrays.equals(author.publicKey(), feed.publicKey()), "identity does not own feed %s", feed.shortName());
    checkArgument(contents.size() == timestamps.size(), "one timestamp per entry");
    List<Entry> added = new ArrayList<>(contents.size());
    int tailIndex = segments.isEmpty() ? 0 : segments.size() - 1;
    List<Entry> tail = segments.isEmpty() ? new ArrayList<>() : new ArrayList<>(last().entries());
    int tailBytes = 0;
    for (Entry e : tail) {
      tailBytes += e.encodedSize();
    }
    long seq = size();
    byte[] prev = segments.isEmpty() ? Entry.NO_PREVIOUS : last().last().hashUnsafe();
    for (int i = 0; i < contents.size(); i++) {
      Content c = contents.get(i);
      checkArgument(!(c instanceof Content.Edit) && !(c instanceof Content.Delete),
          "edits and deletes are appended one at a time");
      Entry entry = Entry.create(seq, prev, timestamps.get(i), c);
      if (!tail.isEmpty() && Segment.encodedSize(tailBytes + entry.encodedSize(), tail.size() + 1,
          tail.get(0).seq(), tailIndex, feed.salt().length) > Limits.SEGMENT_SIZE) {
        putSegment(Segment.sign(author, feed, tailIndex, tail));
        tailIndex++;
        tail = new ArrayList<>();
        tailBytes = 0;
      }
      checkArgument(tailIndex < Limits.MAX_SEGMENTS, "feed %s is full", feed.shortName());
      tail.add(entry);
      tailBytes += entry.encodedSize();
      added.add(entry);
      prev = entry.hashUnsafe();
      seq++;
    }
    if (!tail.isEmpty()) {
      putSegment(Segment.sign(author, feed, tailIndex, tail));
    }
    return added;
  }

  private void putSegment(Segment s) {
    if (s.index() < segments.size()) {
      segments.set(s.index(), s);
    } else {
      segments.add(s);
    }
  }
}
