package org.charkha.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.charkha.feed.FeedId;
import org.charkha.node.LoopbackNode;
import org.charkha.node.Node;
import org.charkha.node.SwarmNetwork;
import org.charkha.swarm.TorrentHandle;
import org.charkha.sync.FeedQuota;

/**
 * Real nodes in this JVM on 127.0.0.1 ({@link LoopbackNode}, as the loopback tests use): real bt,
 * real files, SQLite and the push extension; no DHT (the first item is handed over as a DHT get would).
 */
final class Loopback implements AutoCloseable {
  private final Path root;
  private final List<Peer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();

  Loopback(Path root) {
    this.root = root;
  }

  /** A node, with the time each feed's log size was first seen indexed. */
  static final class Peer {
    final Node node;
    final SwarmNetwork net;
    final int port;
    /** feed -> (log size -> nanoTime when that version was committed to the index). */
    final Map<FeedId, Map<Long, Long>> indexedAt = new ConcurrentHashMap<>();

    Peer(Node node, SwarmNetwork net, int port) {
      this.node = node;
      this.net = net;
      this.port = port;
      // Added after the node's own index listener, so this runs once the ingest has committed.
      node.sync().addListener((feed, changed, log) ->
          indexedAt.computeIfAbsent(feed, f -> new ConcurrentHashMap<>()).putIfAbsent(log.size(), System.nanoTime()));
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Waits until {@code feed} is indexed at {@code size} entries; returns that nanoTime. */
    long awaitIndexed(FeedId feed, long size, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Long t = indexedAt.getOrDefault(feed, Map.of()).get(size);
        if (t != null) {
          return t;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out after " + timeout + " waiting for " + feed.shortName()
              + " at " + size + " entries; status " + node.sync().status());
        }
        Thread.sleep(2);
      }
    }

    /**
     * What the follower's fetch of the torrent {@code infohash} did: {bytes bt downloaded, read
     * when it completes; nanoTime when the fetch began; nanoTime when its metadata was in}, times
     * to within 0.2 ms. Counts {@code done} down when the fetch completes.
     */
    long[] watchDownload(byte[] infohash, CountDownLatch done) {
      long[] watched = {-1, -1, -1};
      Thread t = new Thread(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
          TorrentHandle h = net.engine().torrents().stream()
              .filter(x -> Arrays.equals(x.infohash(), infohash)).findFirst().orElse(null);
          if (h != null) {
            watched[1] = System.nanoTime();
            h.completion().whenComplete((x, err) -> {
              watched[0] = h.progress().bytesDownloaded();
              done.countDown();
            });
            while (h.torrent().isEmpty() && !h.completion().isDone() && System.nanoTime() < deadline) {
              LockSupport.parkNanos(200_000);
            }
            watched[2] = System.nanoTime();
            return;
          }
          LockSupport.parkNanos(200_000);
        }
        done.countDown();
      }, "bench-watch");
      t.setDaemon(true);
      t.start();
      return watched;
    }
  }

  Peer start(String name) throws IOException {
    LoopbackNode n = LoopbackNode.start(root.resolve(name), Duration.ofSeconds(120), Duration.ofSeconds(30),
        FeedQuota.DEFAULT);
    Peer p = new Peer(n.node(), n.network(), n.port());
    peers.add(p);
    return p;
  }

  void stop(Peer p) {
    peers.remove(p);
    p.node.close();
  }

  @Override
  public void close() {
    for (Peer p : peers) {
      p.node.close();
    }
    peers.clear();
  }
}
