package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Optional;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;

/**
 * A stable reference to one entry of any feed: the feed, the entry's sequence number and, when the
 * citing author knew it, the entry's hash (which pins the exact entry against equivocation).
 * Text form: {@code <feed>/<seq>}, where feed is as in {@link FeedId#toString()}.
 */
public record EntryRef(FeedId feed, long seq, Optional<byte[]> hash) {
  public EntryRef {
    checkArgument(seq >= 0, "entry sequence number must not be negative: %s", seq);
    hash.ifPresent(h -> checkArgument(h.length == 32, "entry hash must be 32 bytes"));
  }

  public static EntryRef of(FeedId feed, long seq) {
    return new EntryRef(feed, seq, Optional.empty());
  }

  public static EntryRef of(FeedId feed, long seq, byte[] hash) {
    return new EntryRef(feed, seq, Optional.of(hash.clone()));
  }

  public static EntryRef parse(String text) {
    int slash = text.lastIndexOf('/');
    checkArgument(slash > 0, "a reference looks like <64 hex key>/<seq>, got '%s'", Hex.abbreviate(text));
    long seq;
    try {
      seq = Long.parseLong(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("reference sequence number is not a number: " + text.substring(slash + 1));
    }
    return of(FeedId.parse(text.substring(0, slash)), seq);
  }

  public EntryRef withoutHash() {
    return hash.isEmpty() ? this : of(feed, seq);
  }

  /** Writes the wire form: {@code d4:feed32:..[4:hash32:..][4:salt..]3:seqi..ee}. */
  public void writeTo(BencodeWriter w) {
    w.beginDict().key("feed").string(feed.publicKey());
    hash.ifPresent(h -> w.key("hash").string(h));
    if (feed.hasSalt()) {
      w.key("salt").string(feed.salt());
    }
    w.key("seq").integer(seq).end();
  }

  static EntryRef read(BencodeReader r) {
    r.beginDict();
    byte[] pk = null;
    byte[] hash = null;
    byte[] salt = new byte[0];
    long seq = -1;
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "feed" -> pk = r.readBytes(32, "reference feed key");
        case "hash" -> hash = r.readBytes(32, "reference hash");
        case "salt" -> {
          salt = r.readBytes();
          if (salt.length > FeedId.MAX_SALT) {
            throw r.error("reference salt longer than 64 bytes");
          }
        }
        case "seq" -> seq = r.readLong();
        default -> r.skipValue();
      }
    }
    if (pk == null || seq < 0) {
      throw r.error("reference needs 'feed' and a non-negative 'seq'");
    }
    return new EntryRef(FeedId.of(pk, salt), seq, Optional.ofNullable(hash));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntryRef other
        && feed.equals(other.feed)
        && seq == other.seq
        && hash.isPresent() == other.hash.isPresent()
        && (hash.isEmpty() || Arrays.equals(hash.get(), other.hash.get()));
  }

  @Override
  public int hashCode() {
    return feed.hashCode() * 31 + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return feed + "/" + seq;
  }
}
