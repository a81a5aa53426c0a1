package org.charkha.testswarm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.charkha.bencode.Bencode;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.swarm.ItemMessage;
import org.charkha.torrent.FeedTorrent;

/**
 * A hostile BitTorrent peer for the adversarial scenarios, speaking the wire protocol itself (BEP 3,
 * BEP 10, BEP 9 and our {@code charkha_item}) so that it can lie in ways no honest client does. It
 * learns the author's current version from the author's store (public data: anyone can fetch it)
 * and, on every connection to a target that holds or fetches that version:
 *
 * <ul>
 *   <li>claims to have every piece and answers every request with random bytes (corrupt pieces);
 *   <li>on every other connection claims metadata of 64 MiB (oversized metadata, BEP 9) and every
 *       piece, and never answers a request (a withholding seeder);
 *   <li>floods the push extension with items that must all be ignored: forged signatures with a huge
 *       seq, valid items of unknown keys, oversized and malformed messages, and replays of the
 *       author's current item.
 * </ul>
 *
 * <p>It prints one line per session and a running total, which the scenario reads:
 * {@code lying: totals sessions=S items=I garbageBlocks=G metadataRequests=M withheldRequests=W}.
 *
 * <pre>
 * java -cp ... org.charkha.testswarm.LyingPeer --bind IP:PORT --author-home DIR --feed HEX
 *     [--dial IP:PORT]... [--spam N]
 * </pre>
 */
public final class LyingPeer {
  private static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
  private static final int OUR_METADATA_ID = 3;
  private static final int OUR_ITEM_ID = 7;
  private static final long OVERSIZED_METADATA = 64L << 20;
  private static final int MAX_MESSAGE = 1 << 20;

  private final InetSocketAddress bind;
  private final List<InetSocketAddress> targets;
  private final FeedStore authorStore;
  private final FeedId feed;
  private final int spam;
  private final SecureRandom random = new SecureRandom();
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong sessions = new AtomicLong();
  private final AtomicLong items = new AtomicLong();
  private final AtomicLong garbageBlocks = new AtomicLong();
  private final AtomicLong metadataRequests = new AtomicLong();
  private final AtomicLong withheld = new AtomicLong();
  private volatile Version current;

  /** The author's current version as the liar knows it. */
  private record Version(FeedTorrent torrent, MutableItem item) {}

  private LyingPeer(InetSocketAddress bind, List<InetSocketAddress> targets, Path authorHome, FeedId feed, int spam) {
    this.bind = bind;
    this.targets = targets;
    this.authorStore = DataDir.open(authorHome).feed(feed);
    this.feed = feed;
    this.spam = spam;
  }

  public static void main(String[] args) throws Exception {
    InetSocketAddress bind = null;
    List<InetSocketAddress> targets = new ArrayList<>();
    Path home = null;
    FeedId feed = null;
    int spam = 2000;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--bind" -> bind = address(args[i + 1]);
        case "--dial" -> targets.add(address(args[i + 1]));
        case "--author-home" -> home = Path.of(args[i + 1]);
        case "--feed" -> feed = FeedId.parse(args[i + 1]);
        case "--spam" -> spam = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    new LyingPeer(bind, targets, home, feed, spam).run();
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private void run() throws Exception {
    ServerSocket server = new ServerSocket();
    server.bind(bind);
    Thread acceptor = new Thread(() -> accept(server), "lying-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    System.out.println("lying: listening on " + bind + " for feed " + feed.shortName());
    while (true) {
      refresh();
      Version v = current;
      if (v != null) {
        for (InetSocketAddress t : targets) {
          // two sessions per target and version: one oversized-metadata liar, one corrupt-piece liar
          for (int mode = 0; mode < 2; mode++) {
            String key = t + "/" + v.torrent().infohashHex() + "/" + mode;
            if (live.add(key)) {
              boolean oversized = mode == 0;
              start(() -> dial(t, v, oversized, key));
            }
          }
        }
      }
      System.out.printf("lying: totals sessions=%d items=%d garbageBlocks=%d metadataRequests=%d withheldRequests=%d%n",
          sessions.get(), items.get(), garbageBlocks.get(), metadataRequests.get(), withheld.get());
      Thread.sleep(1000);
    }
  }

  private void refresh() {
    try {
      Optional<FeedLog> log = authorStore.load();
      Optional<MutableItem> item = authorStore.readItem();
      if (log.isPresent() && item.isPresent()) {
        FeedTorrent t = FeedTorrent.of(log.get());
        if (current == null || !Arrays.equals(current.torrent().infohash(), t.infohash())) {
          current = new Version(t, item.get());
          System.out.println("lying: author's version " + t.infohashHex() + " with " + t.pieceCount() + " pieces");
        }
      }
    } catch (Exception e) {
      // the author is writing a new version: read it next round
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "lying-session");
    t.setDaemon(true);
    t.start();
  }

  private void accept(ServerSocket server) {
    while (true) {
      try {
        Socket s = server.accept();
        start(() -> {
          try (s) {
            Version v = current;
            session(s, v, true, false);
          } catch (IOException e) {
            System.out.println("lying: inbound session ended: " + e.getMessage());
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  private void dial(InetSocketAddress target, Version v, boolean oversized, String key) {
    try (Socket s = new Socket()) {
      s.connect(target, 5000);
      session(s, v, oversized, true);
    } catch (IOException e) {
      // not accepted (the target does not hold or fetch this version yet): dial again next round
    } finally {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      live.remove(key);
    }
  }

  private void session(Socket s, Version v, boolean oversized, boolean dialled) throws IOException {
    s.setSoTimeout(120_000);
    DataInputStream in = new DataInputStream(s.getInputStream());
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    byte[] infohash;
    if (dialled) {
      infohash = v.torrent().infohash();
      handshake(out, infohash);
      infohash = readHandshake(in);
    } else {
      infohash = readHandshake(in);
      handshake(out, infohash);
    }
    boolean knows = v != null && Arrays.equals(infohash, v.torrent().infohash());
    long n = sessions.incrementAndGet();
    System.out.printf("lying: session %d with %s for %s (%s, %s)%n", n, s.getRemoteSocketAddress(),
        Hex.encode(infohash).substring(0, 8), knows ? "known version" : "unknown version",
        oversized ? "oversized metadata" : "corrupt pieces");
    long size = oversized || !knows ? OVERSIZED_METADATA : v.torrent().infoDict().length;
    extended(out, 0, Bencode.encode(Map.of(
        "m", Map.of("ut_metadata", (long) OUR_METADATA_ID, "charkha_item", (long) OUR_ITEM_ID),
        "metadata_size", size, "v", "lying/1")));
    if (knows) {
      bitfield(out, v.torrent().pieceCount());
    }
    message(out, 1, new byte[0]); // unchoke: ask for anything
    out.flush();
    if (knows) {
      // A peer still fetching metadata may drop the bitfield: say "have" again every 2 s once it can count pieces.
      int pieces = v.torrent().pieceCount();
      Thread haves = new Thread(() -> {
        try {
          while (!s.isClosed()) {
            Thread.sleep(2000);
            synchronized (out) {
              for (int i = 0; i < pieces; i++) {
                message(out, 4, new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
              }
              out.flush();
            }
          }
        } catch (IOException | InterruptedException e) {
          // the session ended
        }
      }, "lying-haves");
      haves.setDaemon(true);
      haves.start();
    }
    long theirItemId = -1;
    long theirMetadataId = -1;
    boolean spammed = false;
    while (true) {
      int length = in.readInt();
      if (length < 0 || length > MAX_MESSAGE) {
        throw new IOException("message of " + length + " bytes");
      }
      if (length == 0) {
        continue; // keep-alive
      }
      int id = in.readUnsignedByte();
      byte[] payload = new byte[length - 1];
      in.readFully(payload);
      if (id == 20 && payload.length > 0 && payload[0] == 0) {
        Object m = ((Map<?, ?>) Bencode.decode(Arrays.copyOfRange(payload, 1, payload.length))).get("m");
        if (m instanceof Map<?, ?> ids && ids.get("charkha_item") instanceof Long itemId) {
          theirItemId = itemId;
        }
        if (m instanceof Map<?, ?> ids && ids.get("ut_metadata") instanceof Long metadataId) {
          theirMetadataId = metadataId;
        }
        if (theirItemId > 0 && !spammed && v != null) {
          spammed = true;
          synchronized (out) {
            flood(out, (int) theirItemId, v.item());
          }
        }
      } else if (id == 20 && payload.length > 0 && payload[0] == OUR_METADATA_ID) {
        metadataRequests.incrementAndGet();
        synchronized (out) {
          answerMetadata(out, (int) theirMetadataId, payload, knows && !oversized ? v.torrent().infoDict() : null);
        }
      } else if (id == 6 && oversized) {
        withheld.incrementAndGet(); // this session claims every piece and never sends one
      } else if (id == 6 && payload.length == 12 && knows) {
        int index = ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        int begin = ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
        int blockLength = ((payload[8] & 0xff) << 24) | ((payload[9] & 0xff) << 16) | ((payload[10] & 0xff) << 8) | (payload[11] & 0xff);
        if (blockLength > 0 && blockLength <= 128 * 1024) {
          byte[] garbage = new byte[blockLength];
          random.nextBytes(garbage);
          byte[] piece = new byte[8 + blockLength];
          System.arraycopy(payload, 0, piece, 0, 8);
          System.arraycopy(garbage, 0, piece, 8, blockLength);
          synchronized (out) {
            message(out, 7, piece);
            out.flush();
          }
          if (garbageBlocks.incrementAndGet() % 10 == 1) {
            System.out.printf("lying: sent a garbage block of piece %d at %d%n", index, begin);
          }
        }
      }
    }
  }

  /** Push messages that an honest node must all ignore, and one replay of the author's current item. */
  private void flood(DataOutputStream out, int theirItemId, MutableItem genuine) throws IOException {
    byte[] replay = ItemMessage.encode(genuine);
    Identity stranger = Identity.generate();
    for (int i = 0; i < spam; i++) {
      byte[] payload = switch (i % 5) {
        case 0 -> forged(genuine, 1_000_000L + i); // the author's key, a huge seq, a signature that does not verify
        case 1 -> ItemMessage.encode(MutableItem.signInfohash(stranger, stranger.feed(), i, randomBytes(20)));
        case 2 -> randomBytes(ItemMessage.MAX_SIZE + 700); // oversized
        case 3 -> randomBytes(200); // not bencoding at all
        default -> replay; // old news: never newer than what the target holds
      };
      extended(out, theirItemId, payload);
      items.incrementAndGet();
    }
    out.flush();
    System.out.println("lying: flooded " + spam + " push messages");
  }

  private byte[] forged(MutableItem genuine, long seq) {
    byte[] value = Bencode.encode(Map.of("ih", randomBytes(20)));
    Map<String, Object> item = Map.of("k", genuine.feed().publicKey(), "seq", seq, "sig", randomBytes(64));
    byte[] head = Bencode.encode(item); // d1:k..3:seq..3:sig..e: insert v before the final e
    byte[] out = Arrays.copyOf(head, head.length - 1 + 3 + value.length + 1);
    byte[] v = "1:v".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, out, head.length - 1, 3);
    System.arraycopy(value, 0, out, head.length + 2, value.length);
    out[out.length - 1] = 'e';
    return out;
  }

  private void answerMetadata(DataOutputStream out, int theirId, byte[] payload, byte[] info) throws IOException {
    Object request = Bencode.decode(Arrays.copyOfRange(payload, 1, payload.length));
    long piece = request instanceof Map<?, ?> r && r.get("piece") instanceof Long p ? p : 0;
    if (info == null || theirId <= 0) {
      return; // claims 64 MiB and never delivers
    }
    int from = (int) piece * 16384;
    byte[] chunk = Arrays.copyOfRange(info, Math.min(from, info.length), Math.min(from + 16384, info.length));
    byte[] head = Bencode.encode(Map.of("msg_type", 1L, "piece", piece, "total_size", (long) info.length));
    byte[] body = Arrays.copyOf(head, head.length + chunk.length);
    System.arraycopy(chunk, 0, body, head.length, chunk.length);
    extended(out, theirId, body);
    out.flush();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static void handshake(DataOutputStream out, byte[] infohash) throws IOException {
    out.writeByte(PROTOCOL.length);
    out.write(PROTOCOL);
    byte[] reserved = new byte[8];
    reserved[5] = 0x10; // BEP 10 extension protocol
    out.write(reserved);
    out.write(infohash);
    byte[] peerId = "-LY0001-".getBytes(StandardCharsets.US_ASCII);
    out.write(Arrays.copyOf(peerId, 20));
    out.flush();
  }

  private static byte[] readHandshake(DataInputStream in) throws IOException {
    int len = in.readUnsignedByte();
    byte[] protocol = new byte[len];
    in.readFully(protocol);
    if (!Arrays.equals(protocol, PROTOCOL)) {
      throw new IOException("not a BitTorrent handshake");
    }
    in.readFully(new byte[8]);
    byte[] infohash = new byte[20];
    in.readFully(infohash);
    in.readFully(new byte[20]);
    return infohash;
  }

  private static void bitfield(DataOutputStream out, int pieces) throws IOException {
    byte[] bits = new byte[(pieces + 7) / 8];
    for (int i = 0; i < pieces; i++) {
      bits[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    message(out, 5, bits);
  }

  private static void extended(DataOutputStream out, int extensionId, byte[] payload) throws IOException {
    byte[] body = new byte[payload.length + 1];
    body[0] = (byte) extensionId;
    System.arraycopy(payload, 0, body, 1, payload.length);
    message(out, 20, body);
  }

  private static void message(DataOutputStream out, int id, byte[] payload) throws IOException {
    out.writeInt(payload.length + 1);
    out.writeByte(id);
    out.write(payload);
  }
}
