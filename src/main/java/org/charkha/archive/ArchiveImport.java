package org.charkha.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.charkha.feed.Content;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;

/**
 * Turns archive posts into entries for the own feed, oldest first with their original dates. A
 * reply to one's own archived post becomes a comment on that post's new entry; a reply to someone
 * outside the archive has nothing to point at in Charkha and becomes a plain post. A post already
 * in the feed from an earlier import of the same archive is skipped, and replies to it still
 * attach to it, so running an import twice adds nothing the second time.
 */
public final class ArchiveImport {
  public record Plan(List<Content> contents, List<Long> timestamps, int repliesKept, int repliesFlattened) {}

  private ArchiveImport() {}

  /**
   * Plans the import of {@code report}'s posts after the entries of {@code own}, reporting those
   * already imported into it as skipped ("already imported").
   */
  public static Plan plan(ArchiveReport report, FeedLog own) {
    return plan(report.posts(), own.feed(), own.size(), ImportedPosts.of(own), report);
  }

  /** Plans an import into a feed known to hold none of these posts. */
  public static Plan plan(List<ArchivePost> posts, FeedId self, long firstSeq) {
    return plan(posts, self, firstSeq, ImportedPosts.none(), new ArchiveReport());
  }

  private static Plan plan(List<ArchivePost> posts, FeedId self, long firstSeq, ImportedPosts imported,
      ArchiveReport report) {
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
      Long earlier = imported.seqOf(p);
      if (earlier != null || imported.wasDeleted(p)) {
        report.skip("already imported");
        if (earlier != null) {
          seqOfSource.put(p.sourceId(), earlier); // replies imported now still attach to it
        }
        continue;
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
