package org.charkha.feed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;

/**
 * One entry carried outside its feed, with what proves it is its author's: the signed header of
 * its segment and the Merkle audit path from the entry's hash to the header's root. About
 * 200 + 32 x log2(entries in segment) bytes beyond the entry.
 *
 * <p>Wire form: {@code d1:e<entry>1:fi..e1:ii..e1:k32:..1:ni..e1:pl<32-byte hashes>e1:r32:..1:s64:..[4:salt..]1:vi1ee}.
 */
public final class EntryProof {
  private static final int MAX_PATH = 32;

  private final FeedId feed;
  private final int index;
  private final long first;
  private final int count;
  private final byte[] root;
  private final byte[] signature;
  private final Entry entry;
  private final List<byte[]> path;

  EntryProof(FeedId feed, int index, long first, int count, byte[] root, byte[] signature, Entry entry,
      List<byte[]> path) {
    this.feed = feed;
    this.index = index;
    this.first = first;
    this.count = count;
    this.root = root;
    this.signature = signature;
    this.entry = entry;
    this.path = List.copyOf(path);
  }

  public FeedId feed() {
    return feed;
  }

  public Entry entry() {
    return entry;
  }

  public EntryRef ref() {
    return entry.ref(feed);
  }

  public byte[] encode() {
    BencodeWriter w = new BencodeWriter(512).beginDict().key("e");
    entry.writeTo(w);
    w.key("f").integer(first)
        .key("i").integer(index)
        .key("k").string(feed.publicKey())
        .key("n").integer(count)
        .key("p").beginList();
    for (byte[] h : path) {
      w.string(h);
    }
    w.end().key("r").string(root).key("s").string(signature);
    if (feed.hasSalt()) {
      w.key("salt").string(feed.salt());
    }
    return w.key("v").integer(Segment.VERSION).end().toByteArray();
  }

  /**
   * Decodes and fully verifies a proof: the entry's body hash, its place under the root, and the
   * feed key's signature over the header. A proof that does not verify is never returned.
   */
  public static EntryProof decode(byte[] buf, int offset, int length) {
    BencodeReader r = new BencodeReader(buf, offset, length);
    r.beginDict();
    Entry entry = null;
    long first = -1;
    long index = -1;
    long count = -1;
    byte[] pk = null;
    byte[] root = null;
    byte[] sig = null;
    byte[] salt = new byte[0];
    long version = -1;
    List<byte[]> path = new ArrayList<>();
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "e" -> {
          try {
            entry = Entry.read(r);
          } catch (SegmentException e) {
            throw new BencodeException("entry proof: " + e.getMessage());
          }
        }
        case "f" -> first = r.readLong();
        case "i" -> index = r.readLong();
        case "k" -> pk = r.readBytes(32, "proof key");
        case "n" -> count = r.readLong();
        case "p" -> {
          r.beginList();
          while (!r.tryEnd()) {
            if (path.size() == MAX_PATH) {
              throw r.error("audit path longer than " + MAX_PATH);
            }
            path.add(r.readBytes(32, "audit path hash"));
          }
        }
        case "r" -> root = r.readBytes(32, "proof root");
        case "s" -> sig = r.readBytes(64, "proof signature");
        case "salt" -> salt = Segment.readSalt(r, "entry proof");
        case "v" -> version = r.readLong();
        default -> throw r.error("unknown key '" + key + "' in entry proof");
      }
    }
    if (!r.atEnd()) {
      throw r.error("trailing bytes after entry proof");
    }
    if (entry == null || pk == null || root == null || sig == null || version != Segment.VERSION
        || first < 0 || index < 0 || index >= Limits.MAX_SEGMENTS || count < 1 || count > Limits.SEGMENT_SIZE) {
      throw new BencodeException("entry proof needs e, f, i, k, n, p, r, s and v=1 within bounds");
    }
    if (salt.length > FeedId.MAX_SALT) {
      throw new BencodeException("entry proof salt longer than 64 bytes");
    }
    FeedId feed = FeedId.of(pk, salt);
    long leaf = entry.seq() - first;
    if (leaf < 0 || leaf >= count) {
      throw new BencodeException("entry " + entry.seq() + " is outside its segment's range");
    }
    byte[] computed;
    try {
      computed = Merkle.rootFromPath(entry.hashUnsafe(), (int) leaf, (int) count, path);
    } catch (IllegalArgumentException e) {
      throw new BencodeException("entry proof: " + e.getMessage());
    }
    if (!Arrays.equals(computed, root)) {
      throw new BencodeException("entry proof: audit path does not lead to the signed root");
    }
    byte[] header = Segment.header(feed, (int) index, first, (int) count, root);
    if (!Ed25519Keys.verify(pk, Segment.signedMessage(header), sig)) {
      throw new BencodeException("entry proof: signature of feed " + feed.shortName() + " does not verify");
    }
    return new EntryProof(feed, (int) index, first, (int) count, root, sig, entry, path);
  }
}
