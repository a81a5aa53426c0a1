package org.charkha.sync;

import java.util.LinkedHashSet;
import java.util.Set;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;

/** The feeds a log follows: its follow and unfollow entries, the latest for each feed winning. */
public final class Follows {
  private Follows() {}

  public static Set<FeedId> of(FeedLog log) {
    Set<FeedId> follows = new LinkedHashSet<>();
    for (Entry e : log.entries()) {
      if (e.isRedacted()) {
        continue;
      }
      if (e.content() instanceof Content.Follow f) {
        follows.add(f.feed());
      } else if (e.content() instanceof Content.Unfollow u) {
        follows.remove(u.feed());
      }
    }
    // A deleted follow entry no longer counts; re-derive without it was done by skipping redacted.
    follows.remove(log.feed());
    return follows;
  }
}
