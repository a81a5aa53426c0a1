package org.charkha.feed;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charkha.bencode.BencodeWriter;

/** Deterministic identities and logs for tests: same seeds and timestamps, same bytes. */
public final class TestFeeds {
  /** 2023-11-14T22:13:20Z, the timestamp of entry 0 in every test log. */
  public static final long T0 = 1_700_000_000_000L;

  private TestFeeds() {}

  /** 32 bytes counting up from {@code first}: seed(1) is 0x01..0x20, the protocol-notes seed. */
  public static byte[] seed(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = (byte) (first + i);
    }
    return s;
  }

  public static Identity alice() {
    return Identity.fromSeed(seed(0x01));
  }

  public static Identity bob() {
    return Identity.fromSeed(seed(0x21));
  }

  /** A post text of exactly {@code length} UTF-8 bytes, starting with a tag that makes it unique. */
  public static String text(String tag, int length) {
    StringBuilder sb = new StringBuilder(tag);
    while (sb.length() < length) {
      sb.append((char) ('a' + sb.length() % 26));
    }
    return sb.substring(0, length);
  }

  /** {@code count} posts of {@code textLength} bytes, one second apart from {@link #T0}. */
  public static FeedLog posts(Identity author, FeedId feed, int count, int textLength) {
    FeedLog log = FeedLog.empty(feed);
    for (int i = 0; i < count; i++) {
      log.append(author, new Content.Post(text("post " + i + " ", textLength)), T0 + 1000L * i);
    }
    return log;
  }

  public static FeedLog posts(Identity author, int count, int textLength) {
    return posts(author, author.feed(), count, textLength);
  }

  /** Appends 4000-byte posts until the log has {@code segments} segments. */
  public static FeedLog withSegments(Identity author, int segments) {
    FeedLog log = FeedLog.empty(author.feed());
    int i = 0;
    while (log.segments().size() < segments || log.segments().get(segments - 1).entries().size() < 3) {
      log.append(author, new Content.Post(text("post " + i + " ", 4000)), T0 + 1000L * i);
      i++;
    }
    return log;
  }

  public static List<byte[]> copy(List<byte[]> pieces) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] p : pieces) {
      out.add(p.clone());
    }
    return out;
  }

  public static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  // ---- crafting hostile but well-signed input ----

  /** An entry as raw parts, so tests can build entries the author API refuses to build. */
  public record RawEntry(byte[] head, byte[] body) {
    public static RawEntry of(long seq, byte[] prev, long ts, String type, byte[] body) {
      byte[] head = new BencodeWriter().beginDict()
          .key("b").string(Sha256.hash(body))
          .key("p").string(prev)
          .key("s").integer(seq)
          .key("t").integer(ts)
          .key("y").string(type)
          .end().toByteArray();
      return new RawEntry(head, body);
    }

    public static RawEntry post(long seq, byte[] prev, String text) {
      return of(seq, prev, T0 + seq * 1000, "post",
          new BencodeWriter().beginDict().key("text").string(text).end().toByteArray());
    }

    public static RawEntry of(Entry e) {
      return new RawEntry(e.headBytes(), e.bodyBytes());
    }

    public byte[] hash() {
      return Sha256.hash(head);
    }

    public byte[] encode() {
      BencodeWriter w = new BencodeWriter().beginDict();
      if (body != null) {
        w.key("b").raw(body);
      }
      return w.key("h").raw(head).end().toByteArray();
    }
  }

  /** Chains {@code texts} as posts from {@code firstSeq} after {@code prev}. */
  public static List<RawEntry> chain(long firstSeq, byte[] prev, String... texts) {
    List<RawEntry> out = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      RawEntry e = RawEntry.post(firstSeq + i, prev, texts[i]);
      out.add(e);
      prev = e.hash();
    }
    return out;
  }

  /**
   * A segment over raw entries with a header exactly as given, signed by {@code signer} (which
   * need not own {@code feed}); count and root are computed from the entries.
   */
  public static byte[] segment(Identity signer, FeedId feed, int index, long first, List<RawEntry> entries) {
    List<byte[]> hashes = new ArrayList<>();
    for (RawEntry e : entries) {
      hashes.add(e.hash());
    }
    byte[] root = Merkle.root(hashes);
    byte[] sig = signer.sign(Segment.signedMessage(Segment.header(feed, index, first, entries.size(), root)));
    BencodeWriter w = new BencodeWriter().beginDict().key("e").beginList();
    for (RawEntry e : entries) {
      w.raw(e.encode());
    }
    w.end().key("f").integer(first).key("i").integer(index).key("k").string(feed.publicKey())
        .key("n").integer(entries.size()).key("r").string(root).key("s").string(sig);
    if (feed.hasSalt()) {
      w.key("salt").string(feed.salt());
    }
    return w.key("v").integer(1).end().toByteArray();
  }

  public static byte[] pad(byte[] encoded) {
    return Arrays.copyOf(encoded, Limits.SEGMENT_SIZE);
  }
}
