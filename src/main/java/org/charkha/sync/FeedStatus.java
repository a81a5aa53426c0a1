package org.charkha.sync;

import java.util.OptionalDouble;
import org.charkha.feed.FeedId;

/**
 * What the node knows about one followed feed, for {@code charkha status} and the UI.
 * {@code progress} is empty while a download waits for the torrent's metadata.
 */
public record FeedStatus(
    FeedId feed,
    long knownSeq,
    long heldSeq,
    long entries,
    OptionalDouble progress,
    String state,
    String rejected,
    boolean equivocation,
    long lastUpdateMillis,
    IgnoredItems ignored) {

  /** How many versions behind the newest seen the held copy is. */
  public long lag() {
    return Math.max(0, knownSeq - heldSeq);
  }
}
