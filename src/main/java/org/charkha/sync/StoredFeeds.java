package org.charkha.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.store.DataDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which stored feeds a node no longer needs: an unfollow made while no node ran leaves the feed on
 * disk, in {@code log} and in search. A stored feed is kept while the own feed follows it or while
 * it is a reply source (0009 §3, §4): a feed whose comments the own feed relays, or one that
 * comments on or reacts to an own entry, fetched to carry its replies and to see them deleted.
 */
final class StoredFeeds {
  private static final Logger log = LoggerFactory.getLogger(StoredFeeds.class);

  private StoredFeeds() {}

  /** Stored feeds of {@code data} that are neither the own feed, nor followed, nor reply sources. */
  static List<FeedId> unneeded(DataDir data, FeedLog own) throws IOException {
    Set<FeedId> keep = new HashSet<>(Follows.of(own));
    keep.add(own.feed());
    for (Entry e : own.entries()) {
      if (!e.isRedacted() && e.content() instanceof Content.Relay r) {
        keep.add(r.proof().feed());
      }
    }
    List<FeedId> unneeded = new ArrayList<>();
    for (FeedId feed : data.storedFeeds()) {
      if (!keep.contains(feed) && !repliesTo(data, feed, own.feed())) {
        unneeded.add(feed);
      }
    }
    return unneeded;
  }

  /** Whether {@code feed}'s stored log comments on or reacts to an entry of {@code target}; true if unreadable. */
  private static boolean repliesTo(DataDir data, FeedId feed, FeedId target) {
    Optional<FeedLog> stored;
    try {
      stored = data.feed(feed).load();
    } catch (IOException | FeedVerificationException | RuntimeException e) {
      // Never delete what could not be read: it may be a reply source.
      log.warn("stored feed {} could not be read; kept: {}", feed.shortName(), e.toString());
      return true;
    }
    if (stored.isEmpty()) {
      return false;
    }
    for (Entry e : stored.get().entries()) {
      Content c = e.isRedacted() ? null : e.content();
      EntryRef on = c instanceof Content.Comment cm ? cm.on() : c instanceof Content.Reaction r ? r.on() : null;
      if (on != null && on.feed().equals(target)) {
        return true;
      }
    }
    return false;
  }
}
