package org.charkha.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.charkha.feed.FeedId;
import org.charkha.node.Node;
import org.charkha.node.SwarmNetwork;
import org.charkha.store.DataDir;
import org.charkha.swarm.SwarmConfig;
import org.charkha.swarm.TorrentHandle;
import org.charkha.sync.SyncEngine;

/**
 * Real nodes in this JVM on 127.0.0.1, set up as in {@code TwoNodesLoopbackTest}: real bt, real
 * files, SQLite and the push extension; no DHT (the first item is handed over as a DHT get would).
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
     * Bytes bt downloaded for the torrent {@code infohash}, read when it completes (before the
     * sync engine stops it to move the files). Completes the returned latch's holder.
     */
    long[] watchDownload(byte[] infohash, CountDownLatch done) {
      long[] bytes = {-1};
      Thread t = new Thread(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
          TorrentHandle h = net.engine().torrents().stream()
              .filter(x -> Arrays.equals(x.infohash(), infohash)).findFirst().orElse(null);
          if (h != null) {
            h.completion().whenComplete((x, err) -> {
              bytes[0] = h.progress().bytesDownloaded();
              done.countDown();
            });
            return;
          }
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
        done.countDown();
      }, "bench-watch");
      t.setDaemon(true);
      t.start();
      return bytes;
    }
  }

  Peer start(String name) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    DataDir data = DataDir.open(root.resolve(name));
    SwarmConfig config = SwarmConfig.builder(port, data.home().resolve("swarm"))
        .bindAddress(InetAddress.getLoopbackAddress())
        .dht(false).publicBootstrap(false).lsd(false).pex(true)
        .peerDiscoveryInterval(Duration.ofSeconds(1))
        .build();
    SyncEngine.Config sync = new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1),
        Duration.ofSeconds(120), Duration.ofSeconds(30));
    SwarmNetwork net = SwarmNetwork.start(config, true, Duration.ofSeconds(120));
    Peer p = new Peer(Node.start(data, net, sync), net, port);
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
