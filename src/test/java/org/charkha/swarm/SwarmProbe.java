package org.charkha.swarm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;
import org.charkha.feed.Limits;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/**
 * A swarm node for multi-host tests (test-swarm/ runs one per network namespace). Starts a
 * {@link SwarmEngine}, then reads commands from stdin and answers one line each on stdout
 * (logs go to stderr):
 *
 * <pre>
 * java ... org.charkha.swarm.SwarmProbe --port 6881 --state DIR [--bind 198.18.3.1]
 *     [--bootstrap 198.18.3.2:6881]... [--lsd] [--public-bootstrap]
 * gen SEEDHEX ROOT BYTES            -> "gen FEEDHEX IHHEX"  random segment files in ROOT, seeded
 * seed FEEDHEX ROOT                 -> "seed IHHEX"         seed a torrent's files in ROOT/name/ (as segment files in ROOT)
 * put SEEDHEX SEQ IHHEX             -> "put NODES MS"       sign and store the BEP 46 item
 * get FEEDHEX SEQABOVE [SECONDS]    -> "get SEQ IHHEX MS" | "get none MS"
 * fetch FEEDHEX IHHEX ROOT SECONDS [HOST:PORT]... -> "fetched MS PIECES_DOWNLOADED/TOTAL" | "failed REASON"
 * stop IHHEX                        -> "stopped true|false"
 * stats                             -> "stats table=N peers=N torrents=N"
 * quit
 * </pre>
 * Every engine is started without public bootstrap unless asked for.
 */
public final class SwarmProbe {
  private SwarmProbe() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    Path state = null;
    SwarmConfig.Builder b = null;
    List<String> bootstrap = new ArrayList<>();
    InetAddress bind = null;
    boolean lsd = false;
    boolean publicBootstrap = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--state" -> state = Path.of(args[++i]);
        case "--bind" -> bind = InetAddress.getByName(args[++i]);
        case "--bootstrap" -> bootstrap.add(args[++i]);
        case "--lsd" -> lsd = true;
        case "--public-bootstrap" -> publicBootstrap = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    b = SwarmConfig.builder(port, state).bindAddress(bind).lsd(lsd).publicBootstrap(publicBootstrap)
        .peerDiscoveryInterval(Duration.ofSeconds(2));
    bootstrap.forEach(b::bootstrapNode);
    try (SwarmEngine engine = SwarmEngine.start(b.build());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      System.out.println("ready " + engine.port());
      String line;
      while ((line = in.readLine()) != null) {
        String[] w = line.trim().split("\\s+");
        if (w[0].isEmpty()) {
          continue;
        }
        if (w[0].equals("quit")) {
          break;
        }
        try {
          System.out.println(run(engine, w));
        } catch (Exception e) {
          System.out.println("error " + e.toString().replace('\n', ' '));
        }
      }
    }
  }

  private static String run(SwarmEngine engine, String[] w) throws Exception {
    long t0 = System.nanoTime();
    switch (w[0]) {
      case "gen" -> {
        Identity id = Identity.fromSeed(Hex.decode(w[1], "seed"));
        FeedId feed = id.feed();
        int total = Integer.parseInt(w[3]);
        List<byte[]> pieces = new ArrayList<>();
        Random r = new Random(total);
        for (int left = total; left > 0; left -= Limits.SEGMENT_SIZE) {
          byte[] p = new byte[Math.min(left, Limits.SEGMENT_SIZE)];
          r.nextBytes(p);
          pieces.add(p);
        }
        FeedTorrent t = FeedTorrent.ofPieces(feed, pieces);
        writeSegments(Path.of(w[2]), t, pieces);
        engine.seed(t, Path.of(w[2])).completion().get(30, TimeUnit.SECONDS);
        return "gen " + feed + " " + t.infohashHex();
      }
      case "seed" -> {
        FeedId feed = FeedId.parse(w[1]);
        List<byte[]> pieces = FeedStore.readTorrentLayout(feed, Path.of(w[2]));
        FeedTorrent t = FeedTorrent.ofPieces(feed, pieces);
        writeSegments(Path.of(w[2]), t, pieces);
        engine.seed(t, Path.of(w[2])).completion().get(30, TimeUnit.SECONDS);
        return "seed " + t.infohashHex();
      }
      case "put" -> {
        Identity id = Identity.fromSeed(Hex.decode(w[1], "seed"));
        MutableItem item = MutableItem.signInfohash(id, id.feed(), Long.parseLong(w[2]), Hex.decode(w[3], "infohash"));
        int n = engine.bep44().orElseThrow().put(item).get(60, TimeUnit.SECONDS);
        return "put " + n + " " + ms(t0);
      }
      case "get" -> {
        long limit = w.length > 3 ? Long.parseLong(w[3]) : 30;
        Optional<MutableItem> got = engine.bep44().orElseThrow().get(FeedId.parse(w[1]), Long.parseLong(w[2]))
            .get(limit, TimeUnit.SECONDS);
        return got.map(i -> "get " + i.seq() + " " + Hex.encode(i.infohash()) + " " + ms(t0))
            .orElse("get none " + ms(t0));
      }
      case "fetch" -> {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 5; i < w.length; i++) {
          InetSocketAddress a = SwarmConfig.parseHostPort(w[i]);
          peers.add(new InetSocketAddress(a.getHostString(), a.getPort()));
        }
        Duration limit = Duration.ofSeconds(Long.parseLong(w[4]));
        TorrentHandle h = engine.fetch(FeedId.parse(w[1]), Hex.decode(w[2], "infohash"), Path.of(w[3]), peers, limit);
        try {
          h.completion().join();
        } catch (Exception e) {
          return "failed " + e.getCause();
        }
        TorrentHandle.Progress p = h.progress();
        return "fetched " + ms(t0) + " " + p.piecesDownloaded() + "/" + p.piecesTotal();
      }
      case "stop" -> {
        return "stopped " + engine.stop(Hex.decode(w[1], "infohash"));
      }
      case "stats" -> {
        return "stats table=" + engine.routingTableSize() + " peers=" + engine.connectedPeers()
            + " torrents=" + engine.torrents().size();
      }
      default -> throw new IllegalArgumentException("unknown command " + w[0]);
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void writeSegments(Path segments, FeedTorrent t, List<byte[]> pieces) throws java.io.IOException {
    Files.createDirectories(segments);
    for (int i = 0; i < pieces.size(); i++) {
      Files.write(segments.resolve(FeedStore.segmentFileName(i, t.pieceHash(i))), pieces.get(i));
    }
  }
}
