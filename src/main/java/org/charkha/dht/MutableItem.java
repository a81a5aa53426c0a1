package org.charkha.dht;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import org.charkha.bencode.Bencode;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeWriter;
import org.charkha.feed.Ed25519Keys;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;

/**
 * A BEP 44 mutable item: key {@code k}, optional salt, {@code seq}, the bencoded value {@code v}
 * and the Ed25519 signature over {@code [4:salt<n>:<salt>]3:seqi<seq>e1:v<v>}. For a feed (BEP 46)
 * the value is {@code d2:ih20:<infohash>e}. Instances always carry a valid signature.
 */
public final class MutableItem {
  /** BEP 44: storing nodes may reject a {@code v} whose bencoding is longer than 1000 bytes. */
  public static final int MAX_VALUE = 1000;

  private final FeedId feed;
  private final long seq;
  private final byte[] value;
  private final byte[] signature;

  private MutableItem(FeedId feed, long seq, byte[] value, byte[] signature) {
    this.feed = feed;
    this.seq = seq;
    this.value = value;
    this.signature = signature;
  }

  /** Signs a BEP 46 item pointing {@code feed} at {@code infohash}. */
  public static MutableItem signInfohash(Identity author, FeedId feed, long seq, byte[] infohash) {
    checkArgument(infohash.length == 20, "a v1 infohash is 20 bytes");
    byte[] v = new BencodeWriter(32).beginDict().key("ih").string(infohash).end().toByteArray();
    return sign(author, feed, seq, v);
  }

  public static MutableItem sign(Identity author, FeedId feed, long seq, byte[] bencodedValue) {
    checkArgument(Arrays.equals(author.publicKey(), feed.publicKey()), "identity does not own %s", feed.shortName());
    checkValue(seq, bencodedValue);
    byte[] sig = author.sign(signedBuffer(feed.salt(), seq, bencodedValue));
    return new MutableItem(feed, seq, bencodedValue.clone(), sig);
  }

  /**
   * An item received from the network or a peer: the signature is checked here and an item that
   * does not verify is never created.
   */
  public static MutableItem verified(FeedId feed, long seq, byte[] bencodedValue, byte[] signature) {
    checkValue(seq, bencodedValue);
    checkArgument(signature.length == Ed25519Keys.SIGNATURE_SIZE, "a signature is 64 bytes, got %s", signature.length);
    if (!Ed25519Keys.verify(feed.publicKey(), signedBuffer(feed.salt(), seq, bencodedValue), signature)) {
      throw new IllegalArgumentException("BEP 44 item for " + feed.shortName() + " seq " + seq
          + ": signature does not verify");
    }
    return new MutableItem(feed, seq, bencodedValue.clone(), signature.clone());
  }

  private static void checkValue(long seq, byte[] v) {
    checkArgument(seq >= 0, "seq must not be negative"); // BEP 44: negative values MAY be rejected
    checkArgument(v.length <= MAX_VALUE, "value is %s bytes, more than %s", v.length, MAX_VALUE);
    try {
      Bencode.decode(v);
    } catch (BencodeException e) {
      throw new IllegalArgumentException("value is not canonical bencoding: " + e.getMessage());
    }
  }

  /** BEP 44 signature input: the salt (if non-empty), then seq, then v, as bencoded key-values. */
  public static byte[] signedBuffer(byte[] salt, long seq, byte[] bencodedValue) {
    BencodeWriter w = new BencodeWriter(bencodedValue.length + 48);
    if (salt.length > 0) {
      w.key("salt").string(salt);
    }
    return w.key("seq").integer(seq).key("v").raw(bencodedValue).toByteArray();
  }

  /** BEP 44: target = SHA-1(k || salt). */
  public static byte[] target(FeedId feed) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(feed.publicKey());
      sha1.update(feed.salt());
      return sha1.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public FeedId feed() {
    return feed;
  }

  public long seq() {
    return seq;
  }

  public byte[] value() {
    return value.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  public byte[] target() {
    return target(feed);
  }

  /** The BEP 46 infohash in {@code v}, or throws if v is not a BEP 46 value. */
  public byte[] infohash() {
    Object v = Bencode.decode(value);
    if (v instanceof Map<?, ?> m && m.get("ih") instanceof byte[] ih && ih.length == 20) {
      return ih.clone();
    }
    throw new IllegalArgumentException("BEP 44 item of " + feed.shortName() + " is not a BEP 46 value {ih: 20 bytes}");
  }

  public boolean isNewerThan(MutableItem other) {
    return other == null || seq > other.seq;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MutableItem other && feed.equals(other.feed) && seq == other.seq
        && Arrays.equals(value, other.value) && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return feed.hashCode() * 31 + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "MutableItem{" + feed.shortName() + " seq " + seq + " v " + new String(value, StandardCharsets.ISO_8859_1).length() + "B}";
  }

  /** Hex of the item's fields, as `charkha item --json` prints them. */
  public Map<String, Object> toJsonFields() {
    return Map.of(
        "k", feed.keyHex(),
        "salt", Hex.encode(feed.salt()),
        "seq", seq,
        "v", Hex.encode(value),
        "sig", Hex.encode(signature),
        "target", Hex.encode(target()));
  }
}
