package org.charkha.torrent;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.feed.Limits;
import org.charkha.feed.Segment;

/**
 * A feed version as a standard BitTorrent v1 torrent: one file per segment, {@code 00000000.seg},
 * {@code 00000001.seg}, ..., every file but the last exactly one piece long, so piece i is segment
 * i and any client can hash-check and seed it. The info dictionary depends only on the log, so the
 * same log always has the same infohash.
 *
 * <p>Info dict: {@code d5:filesl(d6:lengthi<n>e4:pathl12:<i>.segee)*e4:name<name>12:piece lengthi65536e6:pieces<20 x n>e}.
 */
public final class FeedTorrent {
  /** Metadata of a feed at the segment limit is about 3 MB of piece hashes and file entries. */
  public static final int MAX_INFO_SIZE = 4 * 1024 * 1024;

  /** Weak keys: compared by identity, gone with their segment. */
  private static final Cache<Segment, byte[]> FULL_PIECE_HASHES = CacheBuilder.newBuilder().weakKeys().build();

  private final FeedId feed;
  private final byte[] info;
  private final byte[] infohash;
  private final List<byte[]> pieceHashes;
  private final List<Integer> fileLengths;

  private FeedTorrent(FeedId feed, byte[] info, byte[] infohash, List<byte[]> pieceHashes, List<Integer> fileLengths) {
    this.feed = feed;
    this.info = info;
    this.infohash = infohash;
    this.pieceHashes = List.copyOf(pieceHashes);
    this.fileLengths = List.copyOf(fileLengths);
  }

  public static FeedTorrent of(FeedLog log) {
    List<Segment> segments = log.segments();
    checkArgument(!segments.isEmpty(), "feed %s has no entries to publish", log.feed().shortName());
    List<byte[]> hashes = new ArrayList<>(segments.size());
    List<Integer> lengths = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size() - 1; i++) {
      hashes.add(fullPieceHash(segments.get(i)));
      lengths.add(Limits.SEGMENT_SIZE);
    }
    byte[] last = segments.get(segments.size() - 1).toPiece(true);
    MessageDigest sha1 = sha1();
    hashes.add(sha1.digest(last));
    lengths.add(last.length);
    byte[] info = encodeInfo(log.feed(), hashes, lengths);
    return new FeedTorrent(log.feed(), info, sha1.digest(info), hashes, lengths);
  }

  /**
   * The piece hash of a segment that is not the last, computed once per segment: segments never
   * change, and a new version of a long feed shares all but its tail with the one before.
   */
  private static byte[] fullPieceHash(Segment s) {
    byte[] h = FULL_PIECE_HASHES.getIfPresent(s);
    if (h == null) {
      h = sha1().digest(s.toPiece(false));
      FULL_PIECE_HASHES.put(s, h);
    }
    return h;
  }

  public static FeedTorrent ofPieces(FeedId feed, List<byte[]> pieces) {
    checkArgument(!pieces.isEmpty(), "feed %s has no entries to publish", feed.shortName());
    List<byte[]> hashes = new ArrayList<>(pieces.size());
    List<Integer> lengths = new ArrayList<>(pieces.size());
    MessageDigest sha1 = sha1();
    for (byte[] p : pieces) {
      hashes.add(sha1.digest(p));
      lengths.add(p.length);
    }
    byte[] info = encodeInfo(feed, hashes, lengths);
    return new FeedTorrent(feed, info, sha1.digest(info), hashes, lengths);
  }

  private static byte[] encodeInfo(FeedId feed, List<byte[]> hashes, List<Integer> lengths) {
    BencodeWriter w = new BencodeWriter(64 + hashes.size() * 64).beginDict().key("files").beginList();
    for (int i = 0; i < lengths.size(); i++) {
      w.beginDict().key("length").integer(lengths.get(i))
          .key("path").beginList().string(fileName(i)).end()
          .end();
    }
    w.end().key("name").string(name(feed)).key("piece length").integer(Limits.SEGMENT_SIZE).key("pieces");
    byte[] all = new byte[hashes.size() * 20];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i), 0, all, i * 20, 20);
    }
    return w.string(all).end().toByteArray();
  }

  /**
   * Parses an info dictionary received for {@code feed} (BEP 9 metadata) and checks that it has
   * exactly the layout this note defines. The bytes must already match the infohash.
   */
  public static FeedTorrent parseInfo(FeedId feed, byte[] info) {
    if (info.length > MAX_INFO_SIZE) {
      throw new BencodeException("metadata is " + info.length + " bytes, more than " + MAX_INFO_SIZE);
    }
    BencodeReader r = new BencodeReader(info);
    r.beginDict();
    List<Integer> lengths = new ArrayList<>();
    byte[] name = null;
    long pieceLength = -1;
    byte[] pieces = null;
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "files" -> {
          r.beginList();
          while (!r.tryEnd()) {
            if (lengths.size() == Limits.MAX_SEGMENTS) {
              throw r.error("more than " + Limits.MAX_SEGMENTS + " files");
            }
            lengths.add(readFile(r, lengths.size()));
          }
        }
        case "name" -> name = r.readBytes();
        case "piece length" -> pieceLength = r.readLong();
        case "pieces" -> pieces = r.readBytes();
        default -> throw r.error("unexpected key '" + key + "' in feed torrent info");
      }
    }
    if (!r.atEnd()) {
      throw r.error("trailing bytes after info dictionary");
    }
    if (name == null || !Arrays.equals(name, name(feed).getBytes(StandardCharsets.UTF_8))) {
      throw new BencodeException("torrent name is not " + name(feed));
    }
    if (pieceLength != Limits.SEGMENT_SIZE) {
      throw new BencodeException("piece length is " + pieceLength + ", expected " + Limits.SEGMENT_SIZE);
    }
    if (lengths.isEmpty() || pieces == null || pieces.length != lengths.size() * 20) {
      throw new BencodeException("torrent must list one 20-byte piece hash per segment file");
    }
    for (int i = 0; i < lengths.size() - 1; i++) {
      if (lengths.get(i) != Limits.SEGMENT_SIZE) {
        throw new BencodeException("segment file " + i + " is not the last but is " + lengths.get(i) + " bytes");
      }
    }
    List<byte[]> hashes = new ArrayList<>(lengths.size());
    for (int i = 0; i < lengths.size(); i++) {
      hashes.add(Arrays.copyOfRange(pieces, i * 20, i * 20 + 20));
    }
    return new FeedTorrent(feed, info.clone(), sha1().digest(info), hashes, lengths);
  }

  /**
   * As {@link #parseInfo(FeedId, byte[])} for the feed the torrent's name gives
   * ({@code charkha-<key hex>[-<salt hex>]}). For metadata whose feed is not known yet.
   */
  public static FeedTorrent parseInfo(byte[] info) {
    String prefix = "charkha-";
    BencodeReader r = new BencodeReader(info);
    r.beginDict();
    String key = null;
    while ((key = r.nextKey(key)) != null && !key.equals("name")) {
      r.skipValue();
    }
    if (key == null) {
      throw new BencodeException("torrent has no name");
    }
    String name = new String(r.readBytes(), StandardCharsets.UTF_8);
    if (!name.startsWith(prefix) || name.length() < prefix.length() + 64) {
      throw new BencodeException("not a feed torrent's name: " + name);
    }
    String id = name.substring(prefix.length());
    FeedId feed;
    try {
      feed = FeedId.parse(id.length() == 64 ? id : id.substring(0, 64) + ":" + id.substring(65));
    } catch (IllegalArgumentException e) {
      throw new BencodeException("not a feed torrent's name: " + name);
    }
    return parseInfo(feed, info); // checks the name again, whole
  }

  private static int readFile(BencodeReader r, int index) {
    r.beginDict();
    long length = -1;
    boolean pathOk = false;
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "length" -> length = r.readLong();
        case "path" -> {
          r.beginList();
          byte[] part = r.readBytes();
          pathOk = Arrays.equals(part, fileName(index).getBytes(StandardCharsets.US_ASCII)) && r.tryEnd();
          if (!pathOk) {
            throw r.error("file " + index + " must be named " + fileName(index));
          }
        }
        default -> throw r.error("unexpected key '" + key + "' in file " + index);
      }
    }
    if (length < 1 || length > Limits.SEGMENT_SIZE || !pathOk) {
      throw r.error("file " + index + " needs a path and a length of 1 to " + Limits.SEGMENT_SIZE);
    }
    return (int) length;
  }

  /** The torrent's name, which is also the directory a client puts its files in. */
  public static String name(FeedId feed) {
    return "charkha-" + feed.toString().replace(':', '-');
  }

  public static String fileName(int segment) {
    return index8(segment) + ".seg";
  }

  /** {@code i} in 8 decimal digits, zero-padded (String.format costs a parse per call). */
  public static String index8(int i) {
    checkArgument(i >= 0 && i < 100_000_000, "segment index %s", i);
    String digits = Integer.toString(i);
    return "00000000".substring(digits.length()) + digits;
  }

  /** The segment index of a file named by {@link #fileName}, or -1 for any other name. */
  public static int fileIndex(String fileName) {
    if (fileName.length() != 12 || !fileName.endsWith(".seg")) {
      return -1;
    }
    int i = 0;
    for (int k = 0; k < 8; k++) {
      char c = fileName.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      i = i * 10 + (c - '0');
    }
    return i;
  }

  public FeedId feed() {
    return feed;
  }

  public String name() {
    return name(feed);
  }

  public byte[] infoDict() {
    return info.clone();
  }

  public byte[] infohash() {
    return infohash.clone();
  }

  public String infohashHex() {
    return Hex.encode(infohash);
  }

  public int pieceCount() {
    return pieceHashes.size();
  }

  public byte[] pieceHash(int i) {
    return pieceHashes.get(i).clone();
  }

  /** Whether piece {@code i} is also piece {@code i} of {@code other}: the same SHA-1, so the same bytes. */
  public boolean samePiece(FeedTorrent other, int i) {
    return i < pieceCount() && i < other.pieceCount() && Arrays.equals(pieceHashes.get(i), other.pieceHashes.get(i));
  }

  public int fileLength(int i) {
    return fileLengths.get(i);
  }

  public long totalLength() {
    long total = 0;
    for (int l : fileLengths) {
      total += l;
    }
    return total;
  }

  /** A complete .torrent file: {@code d4:info<info dict>e}; no tracker, peers come from the DHT. */
  public byte[] metainfo() {
    return new BencodeWriter(info.length + 16).beginDict().key("info").raw(info).end().toByteArray();
  }

  public String magnet() {
    return "magnet:?xt=urn:btih:" + infohashHex() + "&dn=" + name();
  }

  static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
