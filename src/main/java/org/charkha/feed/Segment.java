package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;
import org.charkha.feed.FeedVerificationException.Reason;

/**
 * A run of consecutive entries signed once by the feed key; exactly one piece of the feed torrent.
 *
 * <p>Wire form, keys in bencode order:
 * {@code d1:el<entries>e1:fi<first seq>e1:ii<index>e1:k32:<key>1:ni<count>e1:r32:<root>1:s64:<sig>[4:salt<salt>]1:vi1ee},
 * followed, in every piece but the last, by zero bytes up to {@link Limits#SEGMENT_SIZE}. The
 * signature covers {@code "charkha-segment" + d1:f..1:i..1:k..1:n..1:r..[4:salt..]1:v..e}: the
 * header, which names the entries only through the Merkle root of their hashes, so a body can be
 * dropped (redaction) without re-signing and one entry can be proven with a short path.
 */
public final class Segment {
  public static final int VERSION = 1;
  private static final byte[] CONTEXT = "charkha-segment".getBytes(StandardCharsets.US_ASCII);

  private final FeedId feed;
  private final int index;
  private final long first;
  private final List<Entry> entries;
  private final byte[] root;
  private final byte[] signature;

  private Segment(FeedId feed, int index, long first, List<Entry> entries, byte[] root, byte[] signature) {
    this.feed = feed;
    this.index = index;
    this.first = first;
    this.entries = List.copyOf(entries);
    this.root = root;
    this.signature = signature;
  }

  /** Signs a segment over {@code entries}, which must be consecutive and chained. */
  public static Segment sign(Identity author, FeedId feed, int index, List<Entry> entries) {
    checkArgument(!entries.isEmpty(), "a segment holds at least one entry");
    checkArgument(Arrays.equals(author.publicKey(), feed.publicKey()), "identity does not own feed %s", feed.shortName());
    byte[] root = Merkle.root(hashes(entries));
    long first = entries.get(0).seq();
    byte[] header = header(feed, index, first, entries.size(), root);
    return new Segment(feed, index, first, entries, root, author.sign(signedMessage(header)));
  }

  static byte[] header(FeedId feed, int index, long first, int count, byte[] root) {
    BencodeWriter w = new BencodeWriter(128).beginDict()
        .key("f").integer(first)
        .key("i").integer(index)
        .key("k").string(feed.publicKey())
        .key("n").integer(count)
        .key("r").string(root);
    if (feed.hasSalt()) {
      w.key("salt").string(feed.salt());
    }
    return w.key("v").integer(VERSION).end().toByteArray();
  }

  static byte[] signedMessage(byte[] header) {
    byte[] m = new byte[CONTEXT.length + header.length];
    System.arraycopy(CONTEXT, 0, m, 0, CONTEXT.length);
    System.arraycopy(header, 0, m, CONTEXT.length, header.length);
    return m;
  }

  static List<byte[]> hashes(List<Entry> entries) {
    List<byte[]> leaves = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      leaves.add(e.hashUnsafe());
    }
    return leaves;
  }

  /** The same segment with entry {@code seq}'s body removed; the signature still holds. */
  public Segment redact(long seq) {
    List<Entry> copy = new ArrayList<>(entries);
    int i = Math.toIntExact(seq - first);
    copy.set(i, copy.get(i).redacted());
    return new Segment(feed, index, first, copy, root, signature);
  }

  /** The bencoded segment without padding. */
  public byte[] encode() {
    BencodeWriter w = new BencodeWriter(encodedSizeHint());
    w.beginDict().key("e").beginList();
    for (Entry e : entries) {
      e.writeTo(w);
    }
    w.end()
        .key("f").integer(first)
        .key("i").integer(index)
        .key("k").string(feed.publicKey())
        .key("n").integer(entries.size())
        .key("r").string(root)
        .key("s").string(signature);
    if (feed.hasSalt()) {
      w.key("salt").string(feed.salt());
    }
    return w.key("v").integer(VERSION).end().toByteArray();
  }

  /** The piece bytes: the encoding, zero-padded to the segment size unless this is the last piece. */
  public byte[] toPiece(boolean last) {
    byte[] encoded = encode();
    return last ? encoded : Arrays.copyOf(encoded, Limits.SEGMENT_SIZE);
  }

  /** Exact size of the encoding if {@code extra} were appended. */
  int encodedSizeWith(Entry extra) {
    int sum = extra.encodedSize();
    for (Entry e : entries) {
      sum += e.encodedSize();
    }
    return encodedSize(sum, entries.size() + 1, first, index, feed.salt().length);
  }

  /** Exact encoded size from the entries' total size and the header's numbers. */
  static int encodedSize(int entriesSize, int count, long first, int index, int saltLength) {
    int size = 1 + (3 + 2 + entriesSize)
        + (3 + 2 + digits(first))
        + (3 + 2 + digits(index))
        + (3 + 3 + 32)
        + (3 + 2 + digits(count))
        + (3 + 3 + 32)
        + (3 + 3 + 64)
        + (3 + 3)
        + 1;
    if (saltLength > 0) {
      size += 6 + digits(saltLength) + 1 + saltLength;
    }
    return size;
  }

  private static int digits(long n) {
    return Long.toString(n).length();
  }

  private int encodedSizeHint() {
    int sum = 0;
    for (Entry e : entries) {
      sum += e.encodedSize();
    }
    return encodedSize(sum, entries.size(), first, index, feed.salt().length);
  }

  /**
   * Parses one piece of {@code feed}'s torrent as segment {@code expectedIndex}: checks the form,
   * the zero padding, the entries' own chain and the Merkle root. The signature is checked
   * separately ({@link #signatureValid()}) so a verifier can spread that cost over cores.
   */
  public static Segment parse(FeedId feed, int expectedIndex, byte[] piece, int offset, int length) {
    if (length > Limits.SEGMENT_SIZE) {
      throw new SegmentException(Reason.OVERSIZE, "segment is " + length + " bytes, more than " + Limits.SEGMENT_SIZE);
    }
    BencodeReader r = new BencodeReader(piece, offset, length);
    r.beginDict();
    List<Entry> entries = new ArrayList<>();
    long first = -1;
    long index = -1;
    long count = -1;
    byte[] pk = null;
    byte[] root = null;
    byte[] sig = null;
    byte[] salt = new byte[0];
    long version = -1;
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "e" -> {
          r.beginList();
          while (!r.tryEnd()) {
            entries.add(Entry.read(r));
          }
        }
        case "f" -> first = r.readLong();
        case "i" -> index = r.readLong();
        case "k" -> pk = r.readBytes(32, "segment key");
        case "n" -> count = r.readLong();
        case "r" -> root = r.readBytes(32, "Merkle root");
        case "s" -> sig = r.readBytes(64, "signature");
        case "salt" -> salt = readSalt(r, "segment");
        case "v" -> version = r.readLong();
        default -> throw r.error("unknown key '" + key + "' in segment");
      }
    }
    for (int p = r.position(); p < offset + length; p++) {
      if (piece[p] != 0) {
        throw new BencodeException("segment padding holds a non-zero byte at offset " + (p - offset));
      }
    }
    if (version != VERSION) {
      throw new BencodeException("segment format version " + version + " is not supported (expected " + VERSION + ")");
    }
    if (pk == null || root == null || sig == null || first < 0 || index < 0 || count < 0) {
      throw new BencodeException("segment needs e, f, i, k, n, r, s and v");
    }
    FeedId claimed = FeedId.of(pk, salt);
    if (!claimed.equals(feed)) {
      throw new SegmentException(Reason.BAD_SIGNATURE, "segment belongs to feed " + claimed.shortName() + ", not " + feed.shortName());
    }
    if (index != expectedIndex) {
      throw new SegmentException(Reason.WRONG_INDEX, "segment says index " + index + " but is piece " + expectedIndex);
    }
    if (entries.isEmpty() || count != entries.size()) {
      throw new BencodeException("segment says " + count + " entries but holds " + entries.size());
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.seq() != first + i) {
        throw new SegmentException(Reason.SEQUENCE_GAP, "entry at position " + i + " has seq " + e.seq() + ", expected " + (first + i));
      }
      if (i > 0 && !Arrays.equals(e.prev(), entries.get(i - 1).hashUnsafe())) {
        throw new SegmentException(Reason.BROKEN_CHAIN, "entry " + e.seq() + " does not chain to entry " + (e.seq() - 1));
      }
    }
    byte[] actualRoot = Merkle.root(hashes(entries));
    if (!Arrays.equals(actualRoot, root)) {
      throw new SegmentException(Reason.BROKEN_CHAIN, "Merkle root does not match the segment's entries");
    }
    return new Segment(feed, (int) index, first, entries, root, sig);
  }

  /**
   * Reads a present {@code salt} key's value. 0003: the key is present if and only if the salt is
   * non-empty, so {@code 4:salt0:} is not canonical: the signed header omits it, so it would verify,
   * and the log would re-encode to other bytes (another infohash) than those received.
   */
  static byte[] readSalt(BencodeReader r, String where) {
    byte[] salt = r.readBytes();
    if (salt.length == 0) {
      throw r.error(where + " has an empty 'salt'; an unsalted feed omits the key");
    }
    return salt;
  }

  public boolean signatureValid() {
    byte[] header = header(feed, index, first, entries.size(), root);
    return Ed25519Keys.verify(feed.publicKey(), signedMessage(header), signature);
  }

  public FeedId feed() {
    return feed;
  }

  public int index() {
    return index;
  }

  public long first() {
    return first;
  }

  /** Sequence number one past the last entry. */
  public long next() {
    return first + entries.size();
  }

  public List<Entry> entries() {
    return entries;
  }

  public Entry last() {
    return entries.get(entries.size() - 1);
  }

  public byte[] root() {
    return root.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** A proof that carries entry {@code seq} anywhere, verifiable with the feed key alone. */
  public EntryProof proveEntry(long seq) {
    int i = Math.toIntExact(seq - first);
    checkArgument(i >= 0 && i < entries.size(), "entry %s is not in segment %s", seq, index);
    return new EntryProof(feed, index, first, entries.size(), root, signature, entries.get(i),
        Merkle.path(hashes(entries), i));
  }
}
