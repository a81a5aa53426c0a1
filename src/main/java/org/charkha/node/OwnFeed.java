package org.charkha.node;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.feed.Identity;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/**
 * The owner's feed: appends entries and turns each change into a stored torrent version and the
 * signed BEP 44 item that points at it. An entry is acknowledged only after its version is on
 * disk and current, so an acknowledged post survives a crash.
 */
public final class OwnFeed {
  private final DataDir data;
  private final Identity identity;
  private final FeedStore store;
  private final LongSupplier clock;
  private FeedLog cached; // the verified log of cachedVersion; guarded by this
  private long cachedVersion = -1;

  public OwnFeed(DataDir data, Identity identity, LongSupplier clock) {
    this.data = data;
    this.identity = identity;
    this.store = data.feed(identity.feed());
    this.clock = clock;
  }

  public static OwnFeed open(DataDir data) throws IOException {
    return new OwnFeed(data, data.identity(), System::currentTimeMillis);
  }

  public FeedId feed() {
    return identity.feed();
  }

  public Identity identity() {
    return identity;
  }

  public FeedStore store() {
    return store;
  }

  /** The data directory this feed lives in, with the other feeds held there. */
  public DataDir data() {
    return data;
  }

  /**
   * The current log (empty before the first entry). Loaded and verified from disk once per stored
   * version: a node appending many entries does not re-read its whole feed for each.
   */
  public FeedLog log() throws IOException {
    return copyOf(current());
  }

  private synchronized FeedLog current() throws IOException {
    long version = store.currentVersion().orElse(0);
    if (cached == null || cachedVersion != version) {
      try {
        if (cached == null) {
          sweepQuietly(); // what a write cut short by a crash left
        }
        cached = store.load().orElseGet(() -> FeedLog.empty(feed()));
        cachedVersion = version;
      } catch (FeedVerificationException e) {
        throw new IOException("own feed on disk does not verify: " + e.getMessage(), e);
      }
    }
    return cached;
  }

  private void sweepQuietly() {
    try {
      store.sweep();
    } catch (IOException e) {
      // left for the next start; nothing depends on it
    }
  }

  private static FeedLog copyOf(FeedLog log) {
    return log.copy();
  }

  /**
   * Pins a reference to the exact entry by its hash when this data directory holds that feed, so
   * a later equivocation cannot swap what a comment or reaction answers.
   */
  public org.charkha.feed.EntryRef pin(org.charkha.feed.EntryRef ref) {
    try {
      Optional<FeedLog> log = ref.feed().equals(feed()) ? Optional.of(log()) : data.feed(ref.feed()).load();
      if (log.isPresent() && ref.seq() < log.get().size()) {
        return log.get().entry(ref.seq()).ref(ref.feed());
      }
    } catch (IOException | FeedVerificationException e) {
      // an unverifiable copy gives no hash: the reference stays unpinned
    }
    return ref;
  }

  /**
   * What a comment or reaction answers, checked and pinned where this data directory holds its
   * feed: it must exist and be a post or comment that was not deleted (note 0002, author rules),
   * since a published entry can never be taken back. A feed not held cannot be checked; the
   * reference is taken as given.
   */
  public org.charkha.feed.EntryRef replyTarget(org.charkha.feed.EntryRef ref) {
    Optional<FeedLog> log;
    try {
      log = ref.feed().equals(feed()) ? Optional.of(log()) : data.feed(ref.feed()).load();
    } catch (IOException | FeedVerificationException e) {
      return ref; // an unverifiable copy can neither confirm nor refute the target
    }
    if (log.isEmpty()) {
      return ref;
    }
    if (ref.seq() >= log.get().size()) {
      throw new IllegalArgumentException("entry " + ref.seq() + " does not exist in feed " + ref.feed().shortName()
          + " (it has " + log.get().size() + " entries)");
    }
    Entry target = log.get().entry(ref.seq());
    if (target.type() != org.charkha.feed.EntryType.POST && target.type() != org.charkha.feed.EntryType.COMMENT) {
      throw new IllegalArgumentException("only posts and comments can be answered; " + ref.withoutHash()
          + " is a " + target.wireType());
    }
    if (target.isRedacted()) {
      throw new IllegalArgumentException(ref.withoutHash() + " was deleted");
    }
    return target.ref(ref.feed());
  }

  /** The result of one append: the entry, the new version's torrent and its signed item. */
  public record Published(Entry entry, FeedTorrent torrent, MutableItem item) {}

  public Published append(Content content) throws IOException {
    return append(content, clock.getAsLong());
  }

  public Published append(Content content, long timestampMillis) throws IOException {
    try (DataDir.WriteLock lock = data.lock()) {
      FeedLog log = log();
      Entry entry = log.append(identity, content, timestampMillis);
      return writeAndSign(log, entry);
    }
  }

  /**
   * Follows {@code feed}: checked and appended under the write lock, so two callers cannot both
   * add it. Empty if it is already followed.
   */
  public Optional<Published> follow(FeedId feed) throws IOException {
    if (feed.equals(feed())) {
      throw new IllegalArgumentException("that is your own feed");
    }
    try (DataDir.WriteLock lock = data.lock()) {
      FeedLog log = log();
      if (org.charkha.sync.Follows.of(log).contains(feed)) {
        return Optional.empty();
      }
      return Optional.of(writeAndSign(log, log.append(identity, new Content.Follow(feed), clock.getAsLong())));
    }
  }

  /** Unfollows {@code feed}; refused if it is not followed. */
  public Published unfollow(FeedId feed) throws IOException {
    try (DataDir.WriteLock lock = data.lock()) {
      FeedLog log = log();
      if (!org.charkha.sync.Follows.of(log).contains(feed)) {
        throw new IllegalArgumentException("not following " + feed.shortName());
      }
      return writeAndSign(log, log.append(identity, new Content.Unfollow(feed), clock.getAsLong()));
    }
  }

  /** Appends many entries as one new version (imports): one write and one signature per segment. */
  public Published appendAll(List<? extends Content> contents, List<Long> timestamps) throws IOException {
    if (contents.isEmpty()) {
      throw new IllegalArgumentException("nothing to append");
    }
    try (DataDir.WriteLock lock = data.lock()) {
      FeedLog log = log();
      List<Entry> added = log.appendAll(identity, contents, timestamps);
      return writeAndSign(log, added.get(added.size() - 1));
    }
  }

  private Published writeAndSign(FeedLog log, Entry entry) throws IOException {
    Published p = writeAndSignUncached(log, entry);
    synchronized (this) {
      cached = log.copy();
      cachedVersion = p.item().seq();
    }
    return p;
  }

  private Published writeAndSignUncached(FeedLog log, Entry entry) throws IOException {
    long version = store.currentVersion().orElse(0) + 1;
    Optional<MutableItem> held = store.readItem();
    if (held.isPresent() && held.get().seq() >= version) {
      version = held.get().seq() + 1; // never reuse a seq the DHT may have seen
    }
    FeedTorrent torrent = FeedTorrent.of(log);
    MutableItem item = MutableItem.signInfohash(identity, feed(), version, torrent.infohash());
    store.writeVersion(version, log, item);
    // Older versions may still hold bodies this change deleted: only the current one stays.
    store.prune();
    return new Published(entry, torrent, item);
  }

  /**
   * The signed item for the current version, signed again if the stored one does not name it (a
   * store from before items moved into versions, where a crash could come between the two; the
   * item must always name a version this node can serve).
   */
  public Optional<MutableItem> currentItem() throws IOException {
    if (!store.exists()) {
      return Optional.empty();
    }
    long version = store.currentVersion().getAsLong();
    Optional<MutableItem> item = store.readItem();
    FeedTorrent torrent = FeedTorrent.of(log());
    if (item.isPresent() && item.get().seq() == version
        && java.util.Arrays.equals(item.get().infohash(), torrent.infohash())) {
      return item;
    }
    try (DataDir.WriteLock lock = data.lock()) {
      MutableItem fresh = MutableItem.signInfohash(identity, feed(), version, torrent.infohash());
      store.writeItem(fresh);
      return Optional.of(fresh);
    }
  }
}
