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
 *
 * <p>A version 1 reader also accepts media files after the segment files (0004 section 2), path
 * {@code media/<sha256 hex>}, with every segment file then padded to a full piece: the segments are
 * still pieces 0 to {@link #segmentCount()} - 1 and no piece mixes segment and media bytes. Media
 * is recorded, never feed data; this version writes none.
 */
public final class FeedTorrent {
  /** Metadata of a feed at the segment limit is about 3 MB of piece hashes and file entries. */
  public static final int MAX_INFO_SIZE = 4 * 1024 * 1024;

  /** At most this many media files follow the segment files (0004 section 2). */
  public static final int MAX_MEDIA_FILES = 4096;

  private static final byte[] MEDIA_DIR = "media".getBytes(StandardCharsets.US_ASCII);

  /** A media file of the torrent: {@code media/<sha256>}, {@code length} bytes, not feed data. */
  public record MediaFile(String sha256Hex, long length) {
    public List<String> path() {
      return List.of("media", sha256Hex);
    }
  }

  /** Weak keys: compared by identity, gone with their segment. */
  private static final Cache<Segment, byte[]> FULL_PIECE_HASHES = CacheBuilder.newBuilder().weakKeys().build();

  private final FeedId feed;
  private final byte[] info;
  private final byte[] infohash;
  private final List<byte[]> pieceHashes; // every piece: the segments', then the media's
  private final List<Integer> fileLengths; // of the segment files
  private final List<MediaFile> media;

  private FeedTorrent(FeedId feed, byte[] info, byte[] infohash, List<byte[]> pieceHashes, List<Integer> fileLengths) {
    this(feed, info, infohash, pieceHashes, fileLengths, List.of());
  }

  private FeedTorrent(FeedId feed, byte[] info, byte[] infohash, List<byte[]> pieceHashes, List<Integer> fileLengths,
      List<MediaFile> media) {
    this.feed = feed;
    this.info = info;
    this.infohash = infohash;
    this.pieceHashes = List.copyOf(pieceHashes);
    this.fileLengths = List.copyOf(fileLengths);
    this.media = List.copyOf(media);
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
   * exactly the layout 0004 defines: segment files, then optionally media files. The bytes must
   * already match the infohash.
   */
  public static FeedTorrent parseInfo(FeedId feed, byte[] info) {
    if (info.length > MAX_INFO_SIZE) {
      throw new BencodeException("metadata is " + info.length + " bytes, more than " + MAX_INFO_SIZE);
    }
    BencodeReader r = new BencodeReader(info);
    r.beginDict();
    List<Integer> lengths = new ArrayList<>();
    List<MediaFile> media = new ArrayList<>();
    byte[] name = null;
    long pieceLength = -1;
    byte[] pieces = null;
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "files" -> {
          r.beginList();
          while (!r.tryEnd()) {
            readFile(r, lengths, media);
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
    if (lengths.isEmpty()) {
      throw new BencodeException("torrent must list at least one segment file");
    }
    for (int i = 0; i < lengths.size() - 1; i++) {
      if (lengths.get(i) != Limits.SEGMENT_SIZE) {
        throw new BencodeException("segment file " + i + " is not the last but is " + lengths.get(i) + " bytes");
      }
    }
    int last = lengths.size() - 1;
    if (!media.isEmpty() && lengths.get(last) != Limits.SEGMENT_SIZE) {
      throw new BencodeException("last segment file " + last + " is " + lengths.get(last) + " bytes but media files"
          + " follow: it must be padded to " + Limits.SEGMENT_SIZE + " so that media starts on a piece boundary");
    }
    long mediaPieces = 0;
    if (!media.isEmpty()) {
      long mediaBytes = 0;
      for (MediaFile m : media) {
        mediaBytes += m.length(); // each at most MAX_MEDIA_LENGTH: no overflow
      }
      mediaPieces = (mediaBytes + Limits.SEGMENT_SIZE - 1) / Limits.SEGMENT_SIZE;
    }
    if (pieces == null || pieces.length % 20 != 0 || pieces.length / 20 != lengths.size() + mediaPieces) {
      throw new BencodeException(media.isEmpty()
          ? "torrent must list one 20-byte piece hash per segment file"
          : "torrent must list one 20-byte piece hash per segment file and per 65536 bytes of media ("
              + (lengths.size() + mediaPieces) + " pieces)");
    }
    List<byte[]> hashes = new ArrayList<>(pieces.length / 20);
    for (int i = 0; i < pieces.length / 20; i++) {
      hashes.add(Arrays.copyOfRange(pieces, i * 20, i * 20 + 20));
    }
    return new FeedTorrent(feed, info.clone(), sha1().digest(info), hashes, lengths, media);
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

  /**
   * Media files are bounded one by one so that their sum cannot overflow; the piece hashes, inside
   * {@link #MAX_INFO_SIZE}, bound the total far lower.
   */
  private static final long MAX_MEDIA_LENGTH = 1L << 40;

  /** Reads file {@code segments + media} of the list: a segment file, or a media file after them. */
  private static void readFile(BencodeReader r, List<Integer> segments, List<MediaFile> media) {
    int index = segments.size() + media.size();
    r.beginDict();
    long length = -1;
    List<byte[]> path = null;
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "length" -> length = r.readLong();
        case "path" -> path = readPath(r, index, segments.size(), media.isEmpty());
        default -> throw r.error("unexpected key '" + key + "' in file " + index);
      }
    }
    if (path == null) {
      throw r.error("file " + index + " needs a path and a length");
    }
    if (path.size() == 2) {
      addMedia(r, index, path.get(1), length, media);
      return;
    }
    if (!media.isEmpty()) {
      throw r.error("file " + index + " is a segment file after media files; segment files come first");
    }
    if (segments.size() == Limits.MAX_SEGMENTS) {
      throw r.error("more than " + Limits.MAX_SEGMENTS + " files of segments");
    }
    if (length < 1 || length > Limits.SEGMENT_SIZE) {
      throw r.error("file " + index + " needs a path and a length of 1 to " + Limits.SEGMENT_SIZE);
    }
    segments.add((int) length);
  }

  /**
   * A file's path: {@code [NNNNNNNN.seg]} for segment {@code segment}, or {@code [media, <64 hex>]}
   * once segment 0 is listed.
   */
  private static List<byte[]> readPath(BencodeReader r, int index, int segment, boolean noMediaYet) {
    r.beginList();
    List<byte[]> parts = new ArrayList<>(2);
    while (!r.tryEnd()) {
      if (parts.size() == 2) {
        throw r.error("file " + index + " must be named " + fileName(segment) + " or media/<64 hex>: its path is longer");
      }
      parts.add(r.readBytes());
    }
    boolean segmentName = parts.size() == 1 && noMediaYet
        && Arrays.equals(parts.get(0), fileName(segment).getBytes(StandardCharsets.US_ASCII));
    boolean mediaName = parts.size() == 2 && segment > 0 && Arrays.equals(parts.get(0), MEDIA_DIR);
    if (!segmentName && !mediaName) {
      if (!noMediaYet && parts.size() == 1 && FeedTorrent.fileIndex(new String(parts.get(0), StandardCharsets.ISO_8859_1)) >= 0) {
        throw r.error("file " + index + " is a segment file after media files; segment files come first");
      }
      throw r.error("file " + index + " must be named " + (noMediaYet ? fileName(segment) : "")
          + (segment > 0 ? (noMediaYet ? " or " : "") + "media/<64 lowercase hex>" : ""));
    }
    return parts;
  }

  private static void addMedia(BencodeReader r, int index, byte[] name, long length, List<MediaFile> media) {
    if (!isSha256Hex(name)) {
      throw r.error("media file " + index + " must be named media/<64 lowercase hex of its SHA-256>");
    }
    String hex = new String(name, StandardCharsets.US_ASCII);
    if (media.size() == MAX_MEDIA_FILES) {
      throw r.error("more than " + MAX_MEDIA_FILES + " media files");
    }
    if (length < 1 || length > MAX_MEDIA_LENGTH) {
      throw r.error("media file " + hex + " needs a length of 1 to " + MAX_MEDIA_LENGTH + ", not " + length);
    }
    if (!media.isEmpty() && hex.compareTo(media.get(media.size() - 1).sha256Hex()) <= 0) {
      throw r.error("media file " + hex + " is not after " + media.get(media.size() - 1).sha256Hex()
          + ": media files are sorted by path, each once");
    }
    media.add(new MediaFile(hex, length));
  }

  private static boolean isSha256Hex(byte[] name) {
    if (name.length != 64) {
      return false;
    }
    for (byte b : name) {
      if (!(b >= '0' && b <= '9') && !(b >= 'a' && b <= 'f')) {
        return false;
      }
    }
    return true;
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

  /** Pieces of the whole torrent: the segment pieces, then the media pieces (if any). */
  public int pieceCount() {
    return pieceHashes.size();
  }

  /** Segment files, which are pieces 0 to segmentCount - 1: the only pieces that hold feed data. */
  public int segmentCount() {
    return fileLengths.size();
  }

  public byte[] pieceHash(int i) {
    return pieceHashes.get(i).clone();
  }

  /** Whether segment piece {@code i} is also segment piece {@code i} of {@code other}: the same SHA-1, so the same bytes. */
  public boolean samePiece(FeedTorrent other, int i) {
    return i < segmentCount() && i < other.segmentCount() && Arrays.equals(pieceHashes.get(i), other.pieceHashes.get(i));
  }

  /** Length of segment file {@code i}. */
  public int fileLength(int i) {
    return fileLengths.get(i);
  }

  /** The media files after the segment files, sorted by path; empty for every torrent this version writes. */
  public List<MediaFile> mediaFiles() {
    return media;
  }

  public boolean hasMedia() {
    return !media.isEmpty();
  }

  /**
   * The segment bytes of segment piece {@code i} as read from its file: the piece itself, but for
   * the last segment of a torrent with media, which is padded to a full piece (0004), without its
   * zero padding. The verifier (0006) takes that last segment unpadded.
   */
  public byte[] segmentBytes(int i, byte[] piece) {
    if (media.isEmpty() || i != segmentCount() - 1) {
      return piece;
    }
    int end = piece.length;
    while (end > 0 && piece[end - 1] == 0) {
      end--;
    }
    return Arrays.copyOf(piece, end);
  }

  /** Bytes of all files, media included: what a version costs a follower that keeps it whole. */
  public long totalLength() {
    long total = 0;
    for (int l : fileLengths) {
      total += l;
    }
    for (MediaFile m : media) {
      total += m.length();
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
