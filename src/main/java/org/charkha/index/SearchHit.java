package org.charkha.index;

import java.util.Optional;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;

/**
 * One search result. For a post or comment, {@code ref} and {@code timestamp} name it and
 * {@code text} is its current text; for a profile, {@code ref} is empty, {@code text} is the bio
 * (or empty) and {@code timestamp} is 0. {@code score} is BM25: higher is better.
 */
public record SearchHit(Kind kind, FeedId author, Optional<String> authorName, Optional<EntryRef> ref,
    String text, long timestamp, double score) {
  public enum Kind { POST, COMMENT, PROFILE }
}
