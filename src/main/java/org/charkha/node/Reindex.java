package org.charkha.node;

import java.io.IOException;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.index.FeedIndex;
import org.charkha.store.DataDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rebuilds the index from the stored feeds: they are the truth, the index is derived. */
public final class Reindex {
  private static final Logger log = LoggerFactory.getLogger(Reindex.class);

  private Reindex() {}

  /** Empties the index and ingests every stored feed that verifies; returns the entries ingested. */
  public static long run(DataDir data, FeedIndex index) throws IOException {
    index.clearAll();
    long total = 0;
    for (FeedId feed : data.storedFeeds()) {
      try {
        var stored = data.feed(feed).load();
        if (stored.isPresent()) {
          FeedLog l = stored.get();
          index.ingest(feed, l.entries());
          total += l.size();
        }
      } catch (FeedVerificationException e) {
        log.warn("stored feed {} does not verify, not indexed: {}", feed.shortName(), e.getMessage());
      }
    }
    return total;
  }
}
