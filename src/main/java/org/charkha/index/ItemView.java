package org.charkha.index;

import java.util.List;
import java.util.Optional;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;

/**
 * A post or comment as the index knows it now: the latest text, or none once deleted (a deleted
 * item stays as a tombstone so replies keep their place in the thread). Text is verbatim author
 * input; escaping it for HTML or a terminal is the caller's job.
 *
 * @param ref the item's reference, with its entry hash
 * @param authorName the author's latest profile name, if any
 * @param timestamp when the author says it was written (milliseconds; not checked)
 * @param replyTo for a comment, what it answers (a post or another comment)
 * @param editedAt when the shown text was written, if it comes from an edit
 * @param reactions counts per emoji, most used first
 * @param replies number of direct comments known to this index
 */
public record ItemView(
    EntryRef ref,
    Optional<String> authorName,
    Kind kind,
    long timestamp,
    Optional<String> text,
    Optional<EntryRef> replyTo,
    Optional<Long> editedAt,
    boolean deleted,
    List<ReactionCount> reactions,
    int replies) {

  public enum Kind { POST, COMMENT }

  public ItemView {
    reactions = List.copyOf(reactions);
  }

  public FeedId author() {
    return ref.feed();
  }

  public boolean edited() {
    return editedAt.isPresent();
  }
}
