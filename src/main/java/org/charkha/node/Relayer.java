package org.charkha.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries replies into the own feed so that everyone who follows the owner sees whole threads,
 * even comments from people they do not follow. A verified comment on an own entry (or on a
 * comment already carried) is appended as a relay entry with its proof, still signed by its author.
 * When the author later deletes it, the relay is deleted too, so the text leaves the own feed.
 */
final class Relayer {
  private static final Logger log = LoggerFactory.getLogger(Relayer.class);
  /** Relays appended for one verified version at most: a flood from one feed stays bounded. */
  private static final int MAX_PER_VERSION = 200;

  private final OwnFeed own;

  Relayer(OwnFeed own) {
    this.own = own;
  }

  /** Relays what {@code changed} (entries of another feed, just verified) holds for the own threads. */
  synchronized boolean onVerified(FeedId feed, List<Entry> changed, FeedLog theirs) throws IOException {
    if (feed.equals(own.feed())) {
      return false;
    }
    FeedLog mine = own.log();
    Map<EntryRef, Long> relayed = relayedRefs(mine);
    List<Content> relays = new ArrayList<>();
    List<Long> withdrawn = new ArrayList<>();
    for (Entry e : changed) {
      EntryRef ref = EntryRef.of(feed, e.seq());
      Long relaySeq = relayed.get(ref);
      if (e.isRedacted()) {
        if (relaySeq != null && !mine.entry(relaySeq).isRedacted()) {
          withdrawn.add(relaySeq); // the author deleted it: so do we
        }
        continue;
      }
      if (relaySeq != null || !(e.content() instanceof Content.Comment c)) {
        continue;
      }
      EntryRef on = c.on().withoutHash();
      boolean onOwnEntry = on.feed().equals(own.feed()) && on.seq() < mine.size()
          && pinsOrIsUnpinned(c.on(), mine.entry(on.seq()).hash());
      Long relayOfTarget = relayed.get(on);
      boolean onRelayed = relayOfTarget != null && pinsOrIsUnpinned(c.on(), relayOfTarget < 0
          ? theirs.entry(on.seq()).hash() // carried a moment ago, from this same version
          : ((Content.Relay) mine.entry(relayOfTarget).content()).proof().entry().hash());
      if ((onOwnEntry || onRelayed) && relays.size() < MAX_PER_VERSION) {
        relays.add(new Content.Relay(theirs.prove(e.seq())));
        relayed.put(ref, -1L);
      }
    }
    if (!relays.isEmpty()) {
      List<Long> now = new ArrayList<>();
      for (int i = 0; i < relays.size(); i++) {
        now.add(System.currentTimeMillis());
      }
      own.appendAll(relays, now);
      log.info("carried {} replies from {} into the own feed", relays.size(), feed.shortName());
    }
    for (long seq : withdrawn) {
      own.append(new Content.Delete(seq));
    }
    return !relays.isEmpty() || !withdrawn.isEmpty();
  }

  /**
   * Whether a reference names the entry whose hash is {@code actual}: a comment that pins another
   * entry at that seq (an equivocating fork's, or a made-up one) is not about this thread.
   */
  private static boolean pinsOrIsUnpinned(EntryRef ref, byte[] actual) {
    return ref.hash().map(h -> java.util.Arrays.equals(h, actual)).orElse(true);
  }

  /** Reference of every carried entry (without hash) to the own seq of its relay entry. */
  private static Map<EntryRef, Long> relayedRefs(FeedLog mine) {
    Map<EntryRef, Long> refs = new HashMap<>();
    for (Entry e : mine.entries()) {
      if (e.content() instanceof Content.Relay r) {
        refs.put(EntryRef.of(r.proof().feed(), r.proof().entry().seq()), e.seq());
      }
    }
    return refs;
  }
}
