package org.charkha.sync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Segment;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the owner's feed published and every followed feed current: polls the DHT, takes pushed
 * items, downloads newer versions through the swarm, verifies them against what it holds, stores
 * them, hands the changed entries to listeners (the index) and seeds them on. A version that does
 * not verify is rejected and shown in status; the last good version stays and is still served.
 */
public final class SyncEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

  /** Receives verified entries: every entry of a segment that changed in the new version. */
  public interface Listener {
    void onVerified(FeedId feed, List<Entry> changedEntries, FeedLog log);
  }

  /**
   * Told when a feed has a new signed item, and of each held feed's item when it is loaded at
   * start, so it can be pushed to that feed's peers.
   */
  public interface ItemListener {
    void onNewItem(MutableItem item);
  }

  /** Told when the own feed's new version replies to {@code target}, so its author can learn of it. */
  public interface MentionListener {
    void onMention(FeedId target, MutableItem ownItem);
  }

  /**
   * Told when a feed's stored copy was deleted (an unfollow, or one made while no node ran), so
   * that what was derived from it (the index) can go too.
   */
  public interface DropListener {
    void onDropped(FeedId feed);
  }

  /** Downloads that found no peer are retried this many times, with growing delays, before the next poll. */
  private static final int MAX_RETRIES = 4;
  /** Longest wait for bt to serve a new own version (its check of unchanged files takes ms). */
  private static final long SERVABLE_WAIT_MILLIS = 2_000;
  /** Rejected versions remembered per feed, so they are not downloaded again. */
  private static final int MAX_REFUSED = 16;
  /** Feeds fetched only because they replied to the own feed: at most this many at once. */
  private static final int MAX_REPLY_SOURCES = 256;

  /**
   * @param oldVersionGrace how long an older version keeps seeding after a new one, so the push
   *     for the new version can still travel on its connections
   */
  public record Config(Duration pollInterval, Duration republishInterval, Duration downloadTimeout,
      Duration oldVersionGrace, FeedQuota quota, double backgroundLookupsPerSecond) {
    /** Background DHT lookups (polls, republishing followed feeds) per second: see {@link DhtPacer}. */
    public static final double DEFAULT_BACKGROUND_LOOKUPS_PER_SECOND = 4;

    public Config(Duration pollInterval, Duration republishInterval, Duration downloadTimeout, Duration oldVersionGrace) {
      this(pollInterval, republishInterval, downloadTimeout, oldVersionGrace, FeedQuota.DEFAULT);
    }

    public Config(Duration pollInterval, Duration republishInterval, Duration downloadTimeout, Duration oldVersionGrace,
        FeedQuota quota) {
      this(pollInterval, republishInterval, downloadTimeout, oldVersionGrace, quota, DEFAULT_BACKGROUND_LOOKUPS_PER_SECOND);
    }

    public static Config defaults() {
      return new Config(Duration.ofSeconds(60), Duration.ofMinutes(60), Duration.ofMinutes(10), Duration.ofSeconds(30));
    }
  }

  /**
   * Background lookups (polls, republishing) in flight at once: mldht runs 7 lookups at a time,
   * and the rest stay free for what a person is waiting for and for peer lookups.
   */
  private static final int BACKGROUND_IN_FLIGHT = 3;

  /** Puts of the own item that reached no DHT node are tried again this many times. */
  private static final int PUT_RETRIES = 4;

  /** DHT gets of one feed that may run at once (mldht ends a task after 2 min at the latest). */
  private static final int MAX_GETS_PER_FEED = 2;

  private final DataDir data;
  private final OwnFeed own;
  private final FeedNetwork net;
  private final Config config;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<ItemListener> itemListeners = new CopyOnWriteArrayList<>();
  private final List<MentionListener> mentionListeners = new CopyOnWriteArrayList<>();
  private final List<DropListener> dropListeners = new CopyOnWriteArrayList<>();
  private final Map<FeedId, Tracked> replySources = new ConcurrentHashMap<>();
  private long ownPublishedSize = -1;
  private final Map<FeedId, Tracked> tracked = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final DhtPacer pacer;
  private volatile MutableItem ownItem;
  private volatile byte[] ownSeeding;
  private FeedTorrent ownTorrent; // guarded by this

  public SyncEngine(DataDir data, OwnFeed own, FeedNetwork net, Config config) {
    this.data = data;
    this.own = own;
    this.net = net;
    this.config = config;
    this.scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "charkha-sync");
      t.setDaemon(true);
      return t;
    });
    this.pacer = new DhtPacer(config.backgroundLookupsPerSecond(), BACKGROUND_IN_FLIGHT, scheduler);
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void addItemListener(ItemListener l) {
    itemListeners.add(l);
  }

  public void addMentionListener(MentionListener l) {
    mentionListeners.add(l);
  }

  public void addDropListener(DropListener l) {
    dropListeners.add(l);
  }

  /**
   * Publishes the own feed, deletes stored feeds it no longer needs (unfollowed while no node ran:
   * see {@link StoredFeeds}), and starts following every feed the own log follows.
   */
  public void start() throws IOException {
    publishOwn();
    for (FeedId f : StoredFeeds.unneeded(data, own.log())) {
      log.info("{} is no longer followed: deleting its stored copy", f.shortName());
      drop(f);
    }
    for (FeedId f : Follows.of(own.log())) {
      follow(f, false);
    }
    long republish = config.republishInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::republishAll, republish, republish, TimeUnit.MILLISECONDS);
  }

  /** Seeds the own feed's current version and announces its item; call after every append. */
  public synchronized void publishOwn() throws IOException {
    Optional<MutableItem> item = own.currentItem();
    if (item.isEmpty()) {
      return;
    }
    FeedLog current = own.log();
    FeedTorrent torrent = FeedTorrent.of(current);
    byte[] previous = null;
    if (ownSeeding == null || !Arrays.equals(ownSeeding, torrent.infohash())) {
      awaitServable(net.seed(torrent, own.store().segmentsDir()));
      previous = ownSeeding;
      ownSeeding = torrent.infohash();
    }
    boolean changed = ownItem == null || ownItem.seq() != item.get().seq();
    ownItem = item.get();
    if (changed) {
      for (ItemListener l : itemListeners) {
        l.onNewItem(ownItem);
      }
      mentionRepliedFeeds(current);
      List<Entry> changedEntries = changedEntries(ownTorrent, torrent, current);
      for (Listener l : listeners) {
        l.onVerified(own.feed(), changedEntries, current);
      }
    }
    ownTorrent = torrent;
    announce(ownItem);
    if (previous != null) {
      stopLater(previous);
    }
  }

  /**
   * Waits, briefly, until peers can fetch a new own version, before anyone hears of it: a
   * follower that connects while bt still checks the files is refused and tries again only
   * later (on loopback 0.3-0.5 s later). The check takes milliseconds: longer means something
   * is wrong with the files, and bt's own error handling takes over.
   */
  private void awaitServable(CompletableFuture<Void> servable) {
    try {
      servable.get(SERVABLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("own feed: the new version is not served yet: {}", e.toString());
    }
  }

  /** Tells mention listeners about every other feed that the own feed's new entries reply to. */
  private void mentionRepliedFeeds(FeedLog current) {
    long from = ownPublishedSize < 0 ? Math.max(0, current.size() - 50) : ownPublishedSize;
    ownPublishedSize = current.size();
    java.util.Set<FeedId> targets = new java.util.HashSet<>();
    for (long seq = from; seq < current.size(); seq++) {
      Content c = current.entry(seq).content();
      EntryRef on = c instanceof Content.Comment cm ? cm.on() : c instanceof Content.Reaction r ? r.on() : null;
      if (on != null && !on.feed().equals(own.feed())) {
        targets.add(on.feed());
      }
    }
    for (FeedId target : targets) {
      for (MentionListener l : mentionListeners) {
        l.onMention(target, ownItem);
      }
    }
  }

  /**
   * Stops an older version's torrent after a grace period: its connections are where the push
   * message for the new version travels to the peers that have not yet heard of it.
   */
  private void stopLater(byte[] infohash) {
    scheduler.schedule(() -> net.stop(infohash), config.oldVersionGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts following {@code feed}; its first DHT poll runs at once. */
  public void follow(FeedId feed) {
    follow(feed, true);
  }

  /**
   * Feeds followed at start-up are polled at a random point of the first interval (and through
   * the pacer), so that a node following many feeds does not look them all up at the same moment;
   * one not held yet, or followed just now, at once.
   */
  private void follow(FeedId feed, boolean pollNow) {
    if (feed.equals(own.feed())) {
      return;
    }
    tracked.computeIfAbsent(feed, f -> {
      Tracked reused = replySources.remove(f);
      Tracked t = reused != null ? reused : new Tracked(f, data.feed(f));
      if (reused == null) {
        t.loadHeld();
      }
      long poll = config.pollInterval().toMillis();
      long first = poll;
      if (pollNow || t.heldItem == null) {
        scheduler.execute(() -> poll(t));
      } else {
        first = java.util.concurrent.ThreadLocalRandom.current().nextLong(poll);
      }
      t.poll = scheduler.scheduleWithFixedDelay(() -> pacer.submit(new PollOf(f), () -> poll(t)), first, poll,
          TimeUnit.MILLISECONDS);
      return t;
    });
  }

  /** Keys of the pacer's jobs: one waiting poll and one waiting republish per feed. */
  private record PollOf(FeedId feed) {}

  private record RepublishOf(FeedId feed) {}

  public void unfollow(FeedId feed) throws IOException {
    Tracked t = tracked.remove(feed);
    if (t != null) {
      t.stop();
    }
    drop(feed);
  }

  private void drop(FeedId feed) throws IOException {
    data.feed(feed).deleteAll();
    for (DropListener l : dropListeners) {
      try {
        l.onDropped(feed);
      } catch (RuntimeException e) {
        log.error("drop listener failed for feed {}", feed.shortName(), e);
      }
    }
  }

  public Set<FeedId> followed() {
    return Set.copyOf(tracked.keySet());
  }

  /**
   * An item learned from a push message (from its sender) or from the DHT ({@code from} empty);
   * ignored unless it is newer and verifies. An older item of a followed feed is counted in its
   * status as ignored.
   */
  public void offer(MutableItem item, Collection<InetSocketAddress> from) {
    offer(item, from, item.feed(), ItemSource.OTHER);
  }

  /**
   * Counts, in a followed feed's status, an item that claimed to be of {@code feed} and did not
   * verify (the network layer drops it before it becomes a {@link MutableItem}).
   *
   * @param from {@code "DHT"} or {@code "push from <address>"}
   */
  public void ignoreInvalid(FeedId feed, String from, String reason) {
    Tracked t = tracked.get(feed);
    if (t != null) {
      t.ignoreInvalid(from, reason);
    }
  }

  private static String origin(Collection<InetSocketAddress> from) {
    return from.isEmpty() ? "DHT" : "push from " + from.iterator().next();
  }

  /**
   * As {@link #offer(MutableItem, Collection)}, for an item that arrived in the swarm of feed
   * {@code via}, learned as {@code source} says. An item of a feed not followed that arrives in the own feed's swarm is a reply
   * notice: that feed is fetched (not followed), so its comments on the own feed can be verified
   * and carried on.
   */
  public void offer(MutableItem item, Collection<InetSocketAddress> from, FeedId via, ItemSource source) {
    Tracked t = tracked.get(item.feed());
    if (t != null) {
      t.offer(item, from, source);
      return;
    }
    if (via != null && via.equals(own.feed()) && !item.feed().equals(own.feed())) {
      Tracked r = replySources.get(item.feed());
      if (r == null) {
        if (replySources.size() >= MAX_REPLY_SOURCES) {
          log.debug("reply notice from {} dropped: {} reply sources already", item.feed().shortName(), MAX_REPLY_SOURCES);
          return;
        }
        r = replySources.computeIfAbsent(item.feed(), f -> {
          Tracked n = new Tracked(f, data.feed(f));
          n.loadHeld();
          n.state = "replies only";
          return n;
        });
      }
      r.offer(item, from, source);
    }
  }

  /** How the version of {@code feed} held now was learned (logged on its "now at seq" line), if one is held. */
  Optional<ItemSource> heldVersionSource(FeedId feed) {
    Tracked t = tracked.get(feed);
    return t == null ? Optional.empty() : Optional.ofNullable(t.heldSource);
  }

  public List<FeedStatus> status() {
    List<FeedStatus> out = new ArrayList<>();
    for (Tracked t : tracked.values()) {
      out.add(t.status());
    }
    out.sort((a, b) -> a.feed().compareTo(b.feed()));
    return out;
  }

  public Optional<MutableItem> ownItem() {
    return Optional.ofNullable(ownItem);
  }

  /** Polls every followed feed now (tests, and the "refresh" action). */
  public void pollAll() {
    for (Tracked t : tracked.values()) {
      scheduler.execute(() -> poll(t));
    }
  }

  /** Looks the feed up in the DHT; the stage completes when the lookup ends. */
  private CompletableFuture<?> poll(Tracked t) {
    t.supersedeIfStuck();
    // At most two DHT gets per feed at a time. A get lasts until every queried node answered or timed
    // out (10 s each in mldht), and mldht runs 7 tasks at once and queues the rest: a new get every
    // poll interval while the network was cut off piled up, and after the heal the node's own puts
    // and gets waited behind minutes of stale ones (test-swarm PartitionSwarmIT). The second slot
    // keeps one slow get (a dropped packet) from delaying the next poll.
    long poll = t.polls.incrementAndGet();
    if (t.resolving.incrementAndGet() > MAX_GETS_PER_FEED) {
      t.resolving.decrementAndGet();
      log.debug("poll {} #{}: skipped, {} DHT gets in flight", t.feed.shortName(), poll, MAX_GETS_PER_FEED);
      return CompletableFuture.completedFuture(null);
    }
    // 0009 §1: ask for items above the one held, not the highest seen. A version whose download
    // failed must come back on later polls, or a follower stays behind until the author's next post.
    long above = t.heldSeq();
    long started = System.nanoTime();
    // debug lines with the poll's number: test-swarm's PollingSwarmIT checks that no poll round is missed
    log.debug("poll {} #{}: DHT get above seq {}", t.feed.shortName(), poll, above);
    return net.resolve(t.feed, above).whenComplete((item, err) -> {
      t.resolving.decrementAndGet();
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (err != null) {
        log.debug("poll {} #{}: DHT get failed after {} ms: {}", t.feed.shortName(), poll, millis, err.toString());
      } else {
        log.debug("poll {} #{}: DHT get took {} ms, found {}", t.feed.shortName(), poll, millis,
            item.map(i -> "seq " + i.seq()).orElse("nothing"));
        item.ifPresent(i -> t.offer(i, List.of(), ItemSource.POLL));
      }
    });
  }

  private void republishAll() {
    if (ownItem != null) {
      announce(ownItem);
    }
    for (Tracked t : tracked.values()) {
      republishLater(t);
    }
  }

  /**
   * BEP 44: anyone may replay a signed item, which keeps a feed resolvable while its author is
   * away. One attempt: retries for a thousand followed feeds after a cut would come back as the
   * burst the pacer is there to prevent, and the author's own put or the next hour's covers it.
   */
  private void republishLater(Tracked t) {
    pacer.submit(new RepublishOf(t.feed), () -> {
      MutableItem item = t.heldItem;
      return item != null ? announce(item, PUT_RETRIES) : CompletableFuture.completedFuture(0);
    });
  }

  private CompletableFuture<Integer> announce(MutableItem item) {
    return announce(item, 0);
  }

  /**
   * A put that reached no node (a partition, a DHT still forming) is tried again after 15, 30, 60
   * and 120 s instead of waiting for the hourly republish; a newer item stops the retries. A
   * follower's republish starts at {@code attempt} = {@link #PUT_RETRIES}: no retries.
   */
  private CompletableFuture<Integer> announce(MutableItem item, int attempt) {
    return net.announce(item).whenComplete((n, err) -> {
      if (err != null) {
        log.debug("DHT put of {} seq {} failed: {}", item.feed().shortName(), item.seq(), err.toString());
      } else {
        log.info("announced {} seq {} to {} DHT nodes", item.feed().shortName(), item.seq(), n);
      }
      boolean reachedNone = err != null || n == 0;
      if (reachedNone && attempt < PUT_RETRIES && !scheduler.isShutdown() && isLatest(item)) {
        try {
          scheduler.schedule(() -> announce(item, attempt + 1), 15_000L << attempt, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          // the node is stopping
        }
      }
    });
  }

  private boolean isLatest(MutableItem item) {
    if (item.feed().equals(own.feed())) {
      return ownItem != null && ownItem.seq() == item.seq();
    }
    Tracked t = tracked.get(item.feed());
    return t != null && t.heldItem != null && t.heldItem.seq() == item.seq();
  }

  @Override
  public void close() {
    pacer.close();
    scheduler.shutdownNow();
    for (Tracked t : tracked.values()) {
      t.stop();
    }
    for (Tracked t : replySources.values()) {
      t.stop();
    }
  }

  /** One followed feed's state. Guarded by its own monitor. */
  private final class Tracked {
    final FeedId feed;
    final FeedStore store;
    ScheduledFuture<?> poll;
    /** Polls so far, to tell their log lines apart. */
    final java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();
    /** DHT gets of this feed in flight. */
    final java.util.concurrent.atomic.AtomicInteger resolving = new java.util.concurrent.atomic.AtomicInteger();
    FeedLog held;
    volatile MutableItem heldItem;
    MutableItem known;
    MutableItem fetching;
    ItemSource fetchingSource;
    MutableItem pending;
    ItemSource pendingSource;
    /** How the held version was learned: the "now at seq" line says it (test-swarm checks polling alone works). */
    volatile ItemSource heldSource;
    List<InetSocketAddress> pendingPeers = List.of();
    /** Peers seen holding this feed (bounded): re-seeding connects to them. */
    final java.util.LinkedHashSet<InetSocketAddress> peers = new java.util.LinkedHashSet<>();
    FeedNetwork.Transfer transfer;
    byte[] seeding;
    FeedTorrent heldTorrent;
    int retries;
    /** The seq that {@link #retries} counts for: each new version gets its own retries. */
    long retriesOf = -1;
    String state = "resolving";
    String rejected;
    boolean equivocation;
    long lastUpdate;
    IgnoredItems ignored = IgnoredItems.NONE;
    /**
     * Values ({@code {ih}}, hex) of items whose version failed verification or the quota
     * (bounded). A thief's or a forked device's item stays in the DHT and is offered again on
     * every poll; fetching it again would fail the same way, so it is refused without a download.
     */
    final java.util.LinkedHashSet<String> refused = new java.util.LinkedHashSet<>();

    Tracked(FeedId feed, FeedStore store) {
      this.feed = feed;
      this.store = store;
    }

    synchronized void loadHeld() {
      try {
        Optional<FeedLog> logOpt = store.load();
        if (logOpt.isEmpty()) {
          return;
        }
        held = logOpt.get();
        pruneQuietly(); // what a crash or a rejected download left: nothing is fetched yet
        sweepQuietly();
        heldItem = store.readItem().orElse(null);
        known = heldItem;
        // The torrent as received: with media files (0004 section 2) it is not the one the log alone makes.
        FeedTorrent torrent = store.currentTorrent().orElseGet(() -> FeedTorrent.of(held));
        net.seed(torrent, store.segmentsDir());
        seeding = torrent.infohash();
        heldTorrent = torrent;
        state = "current";
        // A crash between storing a version and indexing it must not leave the index behind:
        // hand the whole held log to the listeners once (ingest is idempotent). The item goes to
        // the item listeners too: 0009 §3, a node pushes the newest item it holds, also after a restart.
        FeedLog loaded = held;
        MutableItem loadedItem = heldItem;
        scheduler.execute(() -> {
          for (Listener l : listeners) {
            try {
              l.onVerified(feed, loaded.entries(), loaded);
            } catch (RuntimeException e) {
              log.error("listener failed for feed {}", feed.shortName(), e);
            }
          }
          if (loadedItem != null) {
            for (ItemListener l : itemListeners) {
              l.onNewItem(loadedItem);
            }
          }
        });
      } catch (IOException | FeedVerificationException | RuntimeException e) {
        rejected = "stored copy unusable: " + e.getMessage();
        log.warn("feed {}: {}", feed.shortName(), rejected);
      }
    }

    synchronized long knownSeq() {
      return known == null ? -1 : known.seq();
    }

    long heldSeq() {
      MutableItem h = heldItem;
      return h == null ? -1 : h.seq();
    }

    /** An item learned as {@code source} says, from the peers {@code from} (none: the DHT). */
    void offer(MutableItem item, Collection<InetSocketAddress> from, ItemSource source) {
      offer(item, from, source, true);
    }

    /** @param countIgnored false for the engine's own retries: an item not newer is not news */
    private synchronized void offer(MutableItem item, Collection<InetSocketAddress> from, ItemSource source,
        boolean countIgnored) {
      for (InetSocketAddress a : from) {
        if (peers.size() >= 16) {
          peers.remove(peers.iterator().next());
        }
        peers.add(a);
      }
      if (heldItem != null && item.seq() <= heldItem.seq()) {
        // The held item coming back (a DHT copy, a peer's push of what we hold) is normal.
        boolean same = item.seq() == heldItem.seq() && Arrays.equals(item.value(), heldItem.value());
        if (!same && countIgnored) {
          String reason = "seq " + item.seq() + " is not newer than the held seq " + heldItem.seq();
          log.debug("feed {}: ignoring item from {}: {}", feed.shortName(), origin(from), reason);
          ignored = ignored.withNotNewer(reason, origin(from), System.currentTimeMillis());
        }
        return;
      }
      if (known == null || item.seq() > known.seq()) {
        known = item;
      }
      if (refused.contains(org.charkha.feed.Hex.encode(item.value()))) {
        log.debug("feed {}: seq {} names a version already rejected", feed.shortName(), item.seq());
        return;
      }
      if (fetching != null) {
        if (item.seq() > fetching.seq() && (pending == null || item.seq() > pending.seq())) {
          pending = item;
          pendingSource = source;
          pendingPeers = List.copyOf(from);
        }
        supersedeIfStuck();
        return;
      }
      startFetch(item, from, source);
    }

    /**
     * Drops the fetch of an older version that has no piece yet once a newer one is known; finish()
     * then starts the newer one. Nobody may ever serve the older version again: the author and the
     * followers seed only their current version (the author re-seeds only that after a restart), so
     * the fetch would otherwise hold back every newer version until the download timeout. A fetch
     * with pieces keeps going: it is nearly done, and the newer one starts right after it.
     */
    synchronized void supersedeIfStuck() {
      if (fetching != null && pending != null && transfer != null && transfer.progress().orElse(0) == 0) {
        log.info("feed {}: seq {} is known, dropping the unfinished fetch of seq {}", feed.shortName(),
            pending.seq(), fetching.seq());
        transfer.cancel(); // completes the transfer exceptionally: complete() and finish() run as for a failure
      }
    }

    private void startFetch(MutableItem item, Collection<InetSocketAddress> from, ItemSource source) {
      byte[] ih;
      try {
        ih = item.infohash();
      } catch (IllegalArgumentException e) {
        rejected = "seq " + item.seq() + ": " + e.getMessage();
        return;
      }
      fetching = item;
      fetchingSource = source;
      state = "downloading";
      Path staging = store.versionDir(item.seq());
      // Whoever sent the item first, then the peers seen holding this feed before: an item found
      // by a DHT poll names no peer, and the new version's DHT announce may still be on its way.
      Set<InetSocketAddress> candidates = new java.util.LinkedHashSet<>(from);
      candidates.addAll(peers);
      try {
        Files.createDirectories(store.dir());
        if (store.currentVersion().orElse(-1) != item.seq()) {
          // A half-done download of this version. The current version itself stays (a store
          // from before items moved into versions may hold it without its item): bt finds it complete.
          deleteQuietly(staging);
        }
        transfer = net.download(feed, ih, store.segmentsDir(), List.copyOf(candidates),
            torrent -> stage(item.seq(), torrent));
      } catch (IOException | RuntimeException e) {
        finish(item, "download could not start: " + e.getMessage());
        return;
      }
      transfer.done()
          .orTimeout(config.downloadTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenCompleteAsync((torrent, err) -> complete(item, staging, torrent, err), scheduler);
    }

    /**
     * Checks the quota and records the version's torrent in the store, before bt asks for data or
     * opens a file: from then on a prune keeps the segment files it names. A version over the
     * quota, or one that cannot be recorded, stops here: no piece of it is downloaded.
     */
    private void stage(long seq, FeedTorrent torrent) {
      config.quota().checkMetadata(torrent);
      try {
        store.beginDownload(seq, torrent);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("could not record the download of seq " + seq, e);
      }
    }

    private void complete(MutableItem item, Path staging, FeedTorrent torrent, Throwable err) {
      String failure = null;
      boolean committed = false;
      List<Entry> changed = List.of();
      FeedLog verified = null;
      Throwable cause = rootCause(err);
      if (cause instanceof FeedQuota.Exceeded) {
        failure = "rejected seq " + item.seq() + ": " + cause.getMessage();
        refuse(item);
      } else if (err != null) {
        failure = "download of seq " + item.seq() + " failed: " + rootMessage(err);
      } else {
        try {
          FeedLog previous;
          FeedTorrent previousTorrent;
          MutableItem previousItem;
          synchronized (this) {
            previous = held;
            previousTorrent = heldTorrent;
            previousItem = heldItem;
          }
          // Only pieces whose hash changed are read and checked; the rest are the held segments.
          // Segment pieces only: media files (0004 section 2) are no feed data.
          List<byte[]> pieces = new ArrayList<>(torrent.segmentCount());
          for (int i = 0; i < torrent.segmentCount(); i++) {
            pieces.add(samePiece(previousTorrent, torrent, i) && previous != null
                ? null : torrent.segmentBytes(i, store.readPiece(torrent, i)));
          }
          verified = FeedVerifier.verify(feed, pieces, previous, i -> samePiece(previousTorrent, torrent, i));
          config.quota().checkEntries(verified);
          changed = changedEntries(previousTorrent, torrent, verified);
          store.commit(item.seq(), item); // in place: the download goes on seeding as it is
          committed = true; // from here on the directory is the current version: never deleted
          byte[] oldSeed;
          synchronized (this) {
            oldSeed = seeding;
            held = verified;
            heldItem = item;
            heldSource = fetchingSource;
            seeding = torrent.infohash();
            heldTorrent = torrent;
            lastUpdate = System.currentTimeMillis();
            rejected = null;
          }
          // Housekeeping, after the listeners (this runs on the scheduler): the new version
          // reaches the index first.
          if (oldSeed != null && !Arrays.equals(oldSeed, torrent.infohash())) {
            // The old version keeps seeding (for the push) a little longer; its files go after.
            long oldVersion = previousItem == null ? -1 : previousItem.seq();
            scheduler.execute(() -> pruneQuietly(oldVersion));
            scheduler.schedule(() -> {
              net.stop(oldSeed);
              pruneQuietly();
            }, config.oldVersionGrace().toMillis(), TimeUnit.MILLISECONDS);
          } else {
            scheduler.execute(() -> pruneQuietly());
          }
        } catch (FeedVerificationException e) {
          failure = "rejected seq " + item.seq() + ": " + e.reason() + ": " + e.getMessage();
          refuse(item);
          if (e.reason() == FeedVerificationException.Reason.EQUIVOCATION) {
            synchronized (this) {
              equivocation = true; // stays: a key that signed two histories is never trusted again
              rejected = failure;
            }
          }
        } catch (FeedQuota.Exceeded e) {
          failure = "rejected seq " + item.seq() + ": " + e.getMessage();
          refuse(item);
        } catch (IOException | RuntimeException e) {
          failure = "storing seq " + item.seq() + " failed: " + e;
        }
      }
      if (failure != null) {
        log.warn("feed {}: {}", feed.shortName(), failure);
        if (!committed) {
          if (torrent != null) {
            net.stop(torrent.infohash());
          }
          deleteQuietly(staging);
          sweepQuietly(); // the pieces it fetched
        }
      } else {
        log.info("feed {}: now at seq {} ({} entries, {} changed, learned by {})", feed.shortName(), item.seq(),
            verified.size(), changed.size(), heldSource);
        for (Listener l : listeners) {
          try {
            l.onVerified(feed, changed, verified);
          } catch (RuntimeException e) {
            log.error("listener failed for feed {}", feed.shortName(), e);
          }
        }
        for (ItemListener l : itemListeners) {
          l.onNewItem(item);
        }
        republishLater(this);
      }
      finish(item, failure);
    }

    /** Remembers a version that can never be accepted, so its item does not start a download again. */
    private synchronized void refuse(MutableItem item) {
      if (refused.size() >= MAX_REFUSED) {
        refused.remove(refused.iterator().next());
      }
      refused.add(org.charkha.feed.Hex.encode(item.value()));
    }

    private synchronized void finish(MutableItem item, String failure) {
      ItemSource source = fetchingSource;
      fetching = null;
      fetchingSource = null;
      transfer = null;
      if (failure != null) {
        rejected = failure;
      }
      state = held == null ? "failed" : "current";
      MutableItem next = pending;
      ItemSource nextSource = pendingSource;
      pending = null;
      pendingSource = null;
      if (next != null && (heldItem == null || next.seq() > heldItem.seq())) {
        startFetch(next, pendingPeers, nextSource);
        return;
      }
      if (item.seq() != retriesOf) {
        retriesOf = item.seq();
        retries = 0;
      }
      if (failure != null && failure.startsWith("download") && retries < MAX_RETRIES) {
        // Nobody served it in time: try again soon rather than at the next poll. A version that
        // failed verification is not retried (it would fail again).
        long delay = Math.min(config.pollInterval().toMillis(), 2_000L << retries);
        retries++;
        List<InetSocketAddress> again = List.copyOf(peers);
        scheduler.schedule(() -> offer(item, again, source, false), delay, TimeUnit.MILLISECONDS);
      } else if (failure == null) {
        retries = 0;
      }
    }

    /** Removes segment files no version names; a failure only leaves them for the next sweep. */
    private void sweepQuietly() {
      try {
        store.sweep();
      } catch (IOException e) {
        log.debug("sweep of {} failed: {}", feed.shortName(), e.toString());
      }
    }

    /** Removes older versions; a failure only leaves them for the next prune. */
    private void pruneQuietly(long... keep) {
      try {
        store.prune(keep);
      } catch (IOException e) {
        log.debug("prune of {} failed: {}", feed.shortName(), e.toString());
      }
    }

    synchronized void ignoreInvalid(String from, String reason) {
      log.debug("feed {}: ignoring item from {}: {}", feed.shortName(), from, reason);
      ignored = ignored.withBadSignature(reason, from, System.currentTimeMillis());
    }

    synchronized FeedStatus status() {
      OptionalDouble progress = transfer != null ? transfer.progress() : OptionalDouble.of(held != null ? 1.0 : 0.0);
      return new FeedStatus(feed, knownSeq(), heldItem == null ? -1 : heldItem.seq(),
          held == null ? 0 : held.size(), progress, state, rejected, equivocation, lastUpdate, ignored);
    }

    synchronized void stop() {
      if (poll != null) {
        poll.cancel(false);
      }
      if (transfer != null) {
        transfer.cancel();
      }
      if (seeding != null) {
        net.stop(seeding);
      }
    }
  }

  static boolean samePiece(FeedTorrent previous, FeedTorrent next, int i) {
    return previous != null && next.samePiece(previous, i);
  }

  /** Entries of every segment whose piece hash differs from the previous version's. */
  static List<Entry> changedEntries(FeedTorrent previous, FeedTorrent next, FeedLog log) {
    if (previous == null) {
      return log.entries();
    }
    List<Entry> changed = new ArrayList<>();
    List<Segment> segments = log.segments();
    for (int i = 0; i < segments.size(); i++) {
      if (!next.samePiece(previous, i)) {
        changed.addAll(segments.get(i).entries());
      }
    }
    return changed;
  }

  private static Throwable rootCause(Throwable t) {
    while (t != null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String rootMessage(Throwable t) {
    t = rootCause(t);
    return t instanceof java.util.concurrent.TimeoutException ? "timed out" : String.valueOf(t.getMessage());
  }

  private static void deleteQuietly(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (var walk = Files.walk(dir)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    } catch (IOException e) {
      log.debug("could not delete {}: {}", dir, e.toString());
    }
  }
}
