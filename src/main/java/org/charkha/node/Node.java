package org.charkha.node;

import java.io.IOException;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryType;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.index.FeedIndex;
import org.charkha.web.WebServer;
import org.charkha.store.DataDir;
import org.charkha.sync.FeedNetwork;
import org.charkha.sync.Follows;
import org.charkha.sync.SyncEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Charkha node: the own feed, the sync engine over the network, and a watch on the data
 * directory so that entries written by the CLI directly are published within a second.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final DataDir data;
  private final OwnFeed own;
  private final FeedNetwork network;
  private final SyncEngine sync;
  private final ScheduledExecutorService watcher;
  private final FeedIndex index;
  private final NodeApp app;
  private WebServer web;
  private long publishedVersion = -1;
  private long followsCheckedAt = -1; // own log size at the last follow check

  private Node(DataDir data, OwnFeed own, FeedNetwork network, SyncEngine sync, FeedIndex index) {
    this.data = data;
    this.own = own;
    this.network = network;
    this.sync = sync;
    this.index = index;
    this.app = new NodeApp(own, index, this);
    this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "charkha-watch");
      t.setDaemon(true);
      return t;
    });
  }

  public static Node start(DataDir data, FeedNetwork network, SyncEngine.Config syncConfig) throws IOException {
    if (!data.isInitialized()) {
      data.initialize();
      log.info("created a new identity in {}", data.home());
    }
    OwnFeed own = OwnFeed.open(data);
    SyncEngine sync = new SyncEngine(data, own, network, syncConfig);
    FeedIndex index = FeedIndex.open(data.indexFile());
    Node node = new Node(data, own, network, sync, index);
    if (index.needsRebuild()) {
      Reindex.run(data, index);
    }
    Relayer relayer = new Relayer(own);
    sync.addListener((feed, changed, log) -> {
      index.ingest(feed, changed);
      try {
        if (relayer.onVerified(feed, changed, log)) {
          node.checkOwnFeed();
        }
      } catch (IOException | RuntimeException e) {
        Node.log.warn("could not carry replies from {}: {}", feed.shortName(), e.toString());
      }
      node.app.changed();
    });
    sync.addDropListener(index::clearFeed);
    if (network instanceof SwarmNetwork swarm) {
      // Push: new items go out on the feed's connections; received ones are offered to sync.
      sync.addItemListener(swarm.push()::publish);
      sync.addMentionListener(swarm.push()::mention);
      swarm.push().onItem((item, from, via) ->
          sync.offer(item, java.util.List.of(from), via, org.charkha.sync.ItemSource.PUSH));
      // Items dropped before they reach sync are still counted in the feed's status.
      swarm.push().onInvalidItem((feed, from, reason) -> sync.ignoreInvalid(feed, "push from " + from, reason));
      swarm.engine().bep44().ifPresent(b -> b.onDropped(new org.charkha.dht.Bep44.Dropped() {
        @Override
        public void invalid(FeedId feed, String reason) {
          sync.ignoreInvalid(feed, "DHT", reason);
        }

        @Override
        public void notNewer(MutableItem item) {
          sync.offer(item, java.util.List.of());
        }
      }));
    }
    sync.start();
    node.publishedVersion = own.store().currentVersion().orElse(-1);
    node.watcher.scheduleWithFixedDelay(node::checkOwnFeed, 500, 500, TimeUnit.MILLISECONDS);
    return node;
  }

  public OwnFeed own() {
    return own;
  }

  public SyncEngine sync() {
    return sync;
  }

  public DataDir data() {
    return data;
  }

  /**
   * Publishes the own feed if it has a version not yet published, and follows or unfollows what
   * its follow entries now say. Runs every half second and after every in-process append.
   */
  public synchronized void checkOwnFeed() {
    try {
      OptionalLong v = own.store().currentVersion();
      if (v.isEmpty() || v.getAsLong() == publishedVersion) {
        return;
      }
      sync.publishOwn();
      publishedVersion = v.getAsLong();
      FeedLog ownLog = own.log();
      if (!mayChangeFollows(ownLog)) {
        return;
      }
      followsCheckedAt = ownLog.size();
      Set<FeedId> wanted = Follows.of(ownLog);
      Set<FeedId> current = new HashSet<>(sync.followed());
      for (FeedId f : wanted) {
        if (!current.contains(f)) {
          log.info("following {}", f.shortName());
          sync.follow(f);
        }
      }
      for (FeedId f : current) {
        if (!wanted.contains(f)) {
          log.info("unfollowing {}", f.shortName());
          sync.unfollow(f); // drops its store, and the drop listener clears it from the index
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not publish the own feed: {}", e.toString());
    }
  }

  /**
   * Whether entries since the last follow check may change what the feed follows: deriving the
   * follows reads the whole log, which at 100,000 posts cost each own post milliseconds.
   */
  private boolean mayChangeFollows(FeedLog ownLog) {
    if (followsCheckedAt < 0) {
      return true;
    }
    if (ownLog.size() <= followsCheckedAt) {
      return ownLog.size() < followsCheckedAt; // an unchanged log cannot; a shorter one is re-read
    }
    for (long seq = followsCheckedAt; seq < ownLog.size(); seq++) {
      Entry e = ownLog.entry(seq);
      EntryType type = e.type();
      if (type == EntryType.FOLLOW || type == EntryType.UNFOLLOW || type == EntryType.DELETE || type == null) {
        return true;
      }
    }
    followsCheckedAt = ownLog.size();
    return false;
  }

  /** Serves the web UI and its API on 127.0.0.1:{@code port} (0 = any free port). */
  public synchronized WebServer startWeb(int port) throws IOException {
    if (web == null) {
      web = WebServer.start(app, port, WebServer.newToken());
    }
    return web;
  }

  public NodeApp app() {
    return app;
  }

  public FeedIndex index() {
    return index;
  }

  public int dhtNodes() {
    return network instanceof SwarmNetwork s ? s.dhtNodes() : 0;
  }

  public int peers() {
    return network instanceof SwarmNetwork s ? s.connectedPeers() : 0;
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    if (web != null) {
      web.close();
    }
    sync.close();
    if (network instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("network close: {}", e.toString());
      }
    }
    index.close();
  }
}
