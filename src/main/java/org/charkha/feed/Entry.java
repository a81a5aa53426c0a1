package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;

/**
 * One entry of a feed log. The <em>head</em> (sequence number, hash of the previous entry's head,
 * timestamp, type and the SHA-256 of the body) is what the chain and the signatures cover; the
 * body can be dropped (redacted, after a delete) and the entry still verifies.
 *
 * <p>Wire form: {@code d[1:b<body dict>]1:h<head dict>e}, head
 * {@code d1:b32:<body hash>1:p32:<prev hash>1:si<seq>e1:ti<ms>e1:y<type>e}.
 */
public final class Entry {
  public static final int HASH_SIZE = 32;
  static final byte[] NO_PREVIOUS = new byte[HASH_SIZE];
  private static final int MAX_TYPE = 32;
  // 0002: y is 1 to 32 bytes of visible ASCII; no control bytes or spaces reach a log line or a terminal.
  private static final int FIRST_TYPE_BYTE = 0x21;
  private static final int LAST_TYPE_BYTE = 0x7e;

  private final long seq;
  private final byte[] prev;
  private final long timestamp;
  private final String wireType;
  private final byte[] bodyHash;
  private final byte[] head;
  private final byte[] hash;
  private final byte[] body; // null when redacted
  private final Content content; // null when redacted

  private Entry(long seq, byte[] prev, long timestamp, String wireType, byte[] bodyHash,
      byte[] head, byte[] hash, byte[] body, Content content) {
    this.seq = seq;
    this.prev = prev;
    this.timestamp = timestamp;
    this.wireType = wireType;
    this.bodyHash = bodyHash;
    this.head = head;
    this.hash = hash;
    this.body = body;
    this.content = content;
  }

  /** A new entry following the entry whose hash is {@code prev} (32 zero bytes for the first). */
  public static Entry create(long seq, byte[] prev, long timestampMillis, Content content) {
    checkArgument(seq >= 0, "seq must not be negative");
    checkArgument(prev.length == HASH_SIZE, "prev must be 32 bytes");
    byte[] body = content.encodeBody();
    String type = content.type().wireName();
    byte[] bodyHash = Sha256.hash(body);
    byte[] head = encodeHead(bodyHash, prev, seq, timestampMillis, type);
    Entry e = new Entry(seq, prev.clone(), timestampMillis, type, bodyHash, head, Sha256.hash(head), body, content);
    checkArgument(e.encodedSize() <= Limits.MAX_ENTRY_SIZE,
        "entry is %s bytes, more than %s", e.encodedSize(), Limits.MAX_ENTRY_SIZE);
    return e;
  }

  private static byte[] encodeHead(byte[] bodyHash, byte[] prev, long seq, long ts, String type) {
    checkArgument(isWireType(type.getBytes(StandardCharsets.UTF_8)),
        "entry type '%s' is not 1 to %s bytes of visible ASCII", type, MAX_TYPE);
    return new BencodeWriter(128).beginDict()
        .key("b").string(bodyHash)
        .key("p").string(prev)
        .key("s").integer(seq)
        .key("t").integer(ts)
        .key("y").string(type)
        .end().toByteArray();
  }

  /**
   * Reads one entry at the reader's cursor, checking the body against the head's body hash. The
   * chain (seq, prev) is checked by the caller, which knows the neighbours.
   */
  static Entry read(BencodeReader r) {
    int entryStart = r.position();
    byte[] buf = r.array();
    r.beginDict();
    int bodyStart = -1;
    int bodyEnd = -1;
    String key = r.nextKey(null);
    if ("b".equals(key)) {
      bodyStart = r.skipValue();
      bodyEnd = r.position();
      key = r.nextKey(key);
    }
    if (!"h".equals(key)) {
      throw r.error("entry must have a head 'h'" + (key == null ? "" : ", found key '" + key + "'"));
    }
    int headStart = r.position();
    r.beginDict();
    byte[] bodyHash = null;
    byte[] prev = null;
    long seq = -1;
    long ts = 0;
    boolean hasTs = false; // any signed 64-bit value is a valid t (0002), so no sentinel value
    String type = null;
    String k = null;
    while ((k = r.nextKey(k)) != null) {
      switch (k) {
        case "b" -> bodyHash = r.readBytes(HASH_SIZE, "body hash");
        case "p" -> prev = r.readBytes(HASH_SIZE, "previous entry hash");
        case "s" -> seq = r.readLong();
        case "t" -> {
          ts = r.readLong();
          hasTs = true;
        }
        case "y" -> type = readType(r);
        default -> throw r.error("unknown key '" + k + "' in entry head");
      }
    }
    int headEnd = r.position();
    if (bodyHash == null || prev == null || seq < 0 || !hasTs || type == null) {
      throw r.error("entry head needs b, p, s (non-negative), t and y");
    }
    if (r.nextKey("h") != null) {
      throw r.error("entry has keys after 'h'");
    }
    if (r.position() - entryStart > Limits.MAX_ENTRY_SIZE) {
      throw new SegmentException(FeedVerificationException.Reason.OVERSIZE,
          "entry " + seq + " is " + (r.position() - entryStart) + " bytes, more than " + Limits.MAX_ENTRY_SIZE);
    }
    byte[] head = Arrays.copyOfRange(buf, headStart, headEnd);
    byte[] body = null;
    Content content = null;
    if (bodyStart >= 0) {
      byte[] actual = Sha256.hash(buf, bodyStart, bodyEnd - bodyStart);
      if (!Arrays.equals(actual, bodyHash)) {
        throw new SegmentException(FeedVerificationException.Reason.BROKEN_CHAIN, "entry " + seq + ": body does not match the body hash in its head");
      }
      body = Arrays.copyOfRange(buf, bodyStart, bodyEnd);
      content = Content.parse(type, body, 0, body.length);
    }
    return new Entry(seq, prev, ts, type, bodyHash, head, Sha256.hash(head), body, content);
  }

  /** 0002 section 2: an entry type is 1 to 32 bytes, each visible ASCII (0x21 to 0x7E). */
  static boolean isWireType(byte[] type) {
    if (type.length < 1 || type.length > MAX_TYPE) {
      return false;
    }
    for (byte b : type) {
      if (b < FIRST_TYPE_BYTE || b > LAST_TYPE_BYTE) { // bytes >= 0x80 are negative here
        return false;
      }
    }
    return true;
  }

  private static String readType(BencodeReader r) {
    int start = r.position();
    byte[] type = r.readBytes();
    if (!isWireType(type)) {
      throw new BencodeException("entry type at offset " + start + " is " + type.length
          + " bytes, not 1 to " + MAX_TYPE + " bytes of visible ASCII (0x21 to 0x7E)");
    }
    return new String(type, StandardCharsets.US_ASCII);
  }

  void writeTo(BencodeWriter w) {
    w.beginDict();
    if (body != null) {
      w.key("b").raw(body);
    }
    w.key("h").raw(head).end();
  }

  int encodedSize() {
    // "d" + ("1:b" + body) + "1:h" + head + "e"
    return 2 + (body == null ? 0 : 3 + body.length) + 3 + head.length;
  }

  /** The same entry without its body: what remains in the log after a delete. */
  public Entry redacted() {
    return body == null ? this : new Entry(seq, prev, timestamp, wireType, bodyHash, head, hash, null, null);
  }

  public long seq() {
    return seq;
  }

  public byte[] prev() {
    return prev.clone();
  }

  public long timestamp() {
    return timestamp;
  }

  /** The type as written on the wire; {@link #type()} is null for a type from a newer version. */
  public String wireType() {
    return wireType;
  }

  public EntryType type() {
    return EntryType.fromWire(wireType);
  }

  /** SHA-256 of the head bytes: the entry's identity, chained into the next entry. */
  public byte[] hash() {
    return hash.clone();
  }

  byte[] hashUnsafe() {
    return hash;
  }

  public byte[] headBytes() {
    return head.clone();
  }

  public boolean isRedacted() {
    return body == null;
  }

  /** The body's bytes, or null once redacted. */
  public byte[] bodyBytes() {
    return body == null ? null : body.clone();
  }

  /** The parsed body, or null once redacted. */
  public Content content() {
    return content;
  }

  public EntryRef ref(FeedId feed) {
    return EntryRef.of(feed, seq, hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry other && Arrays.equals(hash, other.hash) && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "Entry{" + seq + " " + wireType + (body == null ? " redacted" : "") + "}";
  }
}
