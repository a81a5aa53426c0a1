package org.charkha.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.charkha.dht.Bep44;
import org.charkha.dht.DhtNode;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.node.SwarmNetwork;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import org.charkha.swarm.SwarmConfig;

/**
 * The authors of figure 6's round of updates, as one process on its own test host: it seeds
 * version 1 of the {@code N} bench feeds (the versions the measured node already holds), and when
 * the file {@code DIR/go} appears it appends one post to every feed and publishes version 2 the way
 * a node publishes its own feed: seed it, push the signed item to connected peers, put it in the
 * DHT. Then it keeps seeding until killed.
 *
 * <p>A thousand authors put from a thousand DHT nodes; one mldht runs 7 lookups at a time, so the
 * puts are spread over {@code PUTTERS} further DHT nodes on the addresses {@code SUBNET.FIRST}
 * onwards (aliases the caller added to this host).
 *
 * <pre>ScalePublisher DIR IP PORT N SUBNET FIRST PUTTERS BOOTSTRAP...</pre>
 */
public final class ScalePublisher {
  static final long FIRST_SEED = 10_000;
  static final int POSTS = 20;

  private ScalePublisher() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    InetAddress ip = InetAddress.getByName(args[1]);
    int port = Integer.parseInt(args[2]);
    int feeds = Integer.parseInt(args[3]);
    String subnet = args[4];
    int first = Integer.parseInt(args[5]);
    int putters = Integer.parseInt(args[6]);
    SwarmConfig.Builder config = SwarmConfig.builder(port, dir.resolve("swarm")).bindAddress(ip)
        .publicBootstrap(false).lsd(false)
        // one process stands in for 1,000 authors' machines: bt's 500 connections of one runtime
        // would be the test's limit, not the node's
        .maxConnections(10 * feeds);
    List<InetSocketAddress> bootstrap = new ArrayList<>();
    for (int i = 7; i < args.length; i++) {
      config.bootstrapNode(args[i]);
      bootstrap.add(SwarmConfig.parseHostPort(args[i]));
    }
    List<Bep44> puts = new ArrayList<>();
    for (int k = 0; k < putters; k++) {
      DhtNode node = DhtNode.start(dir.resolve("putter-" + k), InetAddress.getByName(subnet + "." + (first + k)), port,
          false, bootstrap);
      puts.add(new Bep44(node.dht()));
    }
    DataDir data = DataDir.open(dir.resolve("home"));
    data.initialize();
    try (SwarmNetwork net = SwarmNetwork.start(config.build(), true, Duration.ofMinutes(10))) {
      for (int i = 0; i < feeds; i++) {
        Identity author = BenchFeeds.identity(FIRST_SEED + i);
        FeedLog log = BenchFeeds.log(author, POSTS, i);
        FeedStore store = data.feed(author.feed());
        store.writeVersion(1, log);
        net.seed(FeedTorrent.of(log), store.segmentsDir());
      }
      System.out.println("publisher: seeding " + feeds + " feeds");
      while (!Files.exists(dir.resolve("go"))) {
        Thread.sleep(100);
      }
      long t0 = System.nanoTime();
      List<CompletableFuture<Integer>> stored = new ArrayList<>(feeds);
      for (int i = 0; i < feeds; i++) {
        Identity author = BenchFeeds.identity(FIRST_SEED + i);
        FeedLog log = BenchFeeds.log(author, POSTS, i);
        log.appendAll(author, List.of(new Content.Post("round of updates, post for feed " + i)),
            List.of(1_700_000_000_000L + 1000L * POSTS));
        FeedTorrent torrent = FeedTorrent.of(log);
        FeedStore store = data.feed(author.feed());
        store.writeVersion(2, log);
        net.seed(torrent, store.segmentsDir());
        MutableItem item = MutableItem.signInfohash(author, author.feed(), 2, torrent.infohash());
        net.push().publish(item);
        stored.add(puts.get(i % puts.size()).put(item));
      }
      System.out.printf("publisher: published %d versions in %d ms%n", feeds, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      Thread watch = new Thread(() -> {
        int most = 0;
        while (true) {
          int now = net.engine().connectedPeers();
          if (now > most) {
            most = now;
            System.out.println("publisher: most connections so far " + most);
          }
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "publisher-connections");
      watch.setDaemon(true);
      watch.start();
      int reached = 0;
      for (CompletableFuture<Integer> put : stored) {
        try {
          reached += put.get(5, TimeUnit.MINUTES) > 0 ? 1 : 0;
        } catch (Exception e) {
          // counted as not stored
        }
      }
      System.out.printf("publisher: %d of %d DHT puts stored after %d ms%n", reached, feeds,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
