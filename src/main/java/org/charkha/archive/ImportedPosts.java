package org.charkha.archive;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.FeedLog;

/**
 * The own feed's posts and comments, looked up as an archive import would have written them: by
 * original date and text. An import keeps both exactly, so a second run of the same archive finds
 * every earlier import without any new field on the wire, including imports made by earlier
 * versions. An edited post still matches (an edit leaves the original entry's text in the log); a
 * deleted one matches by its date alone, so a re-import does not bring back what its author deleted.
 */
final class ImportedPosts {
  private final Map<String, Long> seqOfDateAndText = new HashMap<>();
  private final Set<Long> deletedAt = new HashSet<>();

  private ImportedPosts() {}

  static ImportedPosts none() {
    return new ImportedPosts();
  }

  static ImportedPosts of(FeedLog own) {
    ImportedPosts found = new ImportedPosts();
    for (Entry e : own.entries()) {
      if (e.isRedacted()) {
        if ("post".equals(e.wireType()) || "comment".equals(e.wireType())) {
          found.deletedAt.add(e.timestamp());
        }
      } else if (e.content() instanceof Content.Post p) {
        found.seqOfDateAndText.putIfAbsent(key(e.timestamp(), p.text()), e.seq());
      } else if (e.content() instanceof Content.Comment c) {
        found.seqOfDateAndText.putIfAbsent(key(e.timestamp(), c.text()), e.seq());
      }
    }
    return found;
  }

  /** The sequence number of the live entry that {@code post} was imported as, or null. */
  Long seqOf(ArchivePost post) {
    return seqOfDateAndText.get(key(post.timestampMillis(), post.text()));
  }

  /** Whether {@code post} was imported and its entry deleted since (its text is gone, its date is not). */
  boolean wasDeleted(ArchivePost post) {
    return deletedAt.contains(post.timestampMillis());
  }

  private static String key(long timestamp, String text) {
    return timestamp + "\n" + text;
  }
}
