package org.charkha.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.charkha.feed.Content;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;

/**
 * Turns archive posts into entries for the own feed, oldest first with their original dates. A
 * reply to one's own archived post becomes a comment on that post's new entry; a reply to someone
 * outside the archive has nothing to point at in Charkha and becomes a plain post.
 */
public final class ArchiveImport {
  public record Plan(List<Content> contents, List<Long> timestamps, int repliesKept, int repliesFlattened) {}

  private ArchiveImport() {}

  public static Plan plan(List<ArchivePost> posts, FeedId self, long firstSeq) {
    List<ArchivePost> ordered = new ArrayList<>(posts);
    ordered.sort(Comparator.comparingLong(ArchivePost::timestampMillis).thenComparing(ArchivePost::sourceId));
    Map<String, Long> seqOfSource = new HashMap<>();
    List<Content> contents = new ArrayList<>(ordered.size());
    List<Long> timestamps = new ArrayList<>(ordered.size());
    int kept = 0;
    int flattened = 0;
    long seq = firstSeq;
    for (ArchivePost p : ordered) {
      if (seqOfSource.containsKey(p.sourceId())) {
        continue; // the same post twice; ArchiveReport has already reported it
      }
      Long parent = p.inReplyTo() == null ? null : seqOfSource.get(p.inReplyTo());
      if (parent != null) {
        contents.add(new Content.Comment(EntryRef.of(self, parent), p.text()));
        kept++;
      } else {
        contents.add(new Content.Post(p.text()));
        if (p.inReplyTo() != null) {
          flattened++;
        }
      }
      timestamps.add(p.timestampMillis());
      seqOfSource.put(p.sourceId(), seq++);
    }
    return new Plan(contents, timestamps, kept, flattened);
  }
}
