package org.charkha.swarm;

import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;

/**
 * The push message ({@code charkha_item}, a BEP 10 extension message): one signed BEP 44 item,
 * {@code d1:k32:<key>[4:salt<salt>]3:seqi<seq>e3:sig64:<sig>1:v<value>e}. A peer sends it when a
 * feed it holds gets a new version; the receiver verifies the signature before acting on it and
 * relays it to its own peers of that feed only if it was newer than what it held.
 */
public final class ItemMessage {
  public static final String EXTENSION_NAME = "charkha_item";
  /** Key, salt, seq, signature and a 1000-byte value, with room for the framing. */
  public static final int MAX_SIZE = 1300;

  private ItemMessage() {}

  public static byte[] encode(MutableItem item) {
    BencodeWriter w = new BencodeWriter(256).beginDict().key("k").string(item.feed().publicKey());
    if (item.feed().hasSalt()) {
      w.key("salt").string(item.feed().salt());
    }
    return w.key("seq").integer(item.seq())
        .key("sig").string(item.signature())
        .key("v").raw(item.value())
        .end().toByteArray();
  }

  /** A well-formed push message whose item does not verify: it names the feed it claims to be of. */
  public static final class Unverified extends IllegalArgumentException {
    private final transient FeedId feed;

    Unverified(FeedId feed, String message) {
      super(message);
      this.feed = feed;
    }

    public FeedId feed() {
      return feed;
    }
  }

  /** Decodes and verifies; throws IllegalArgumentException for anything that is not a valid item. */
  public static MutableItem decode(byte[] bytes) {
    if (bytes.length > MAX_SIZE) {
      throw new IllegalArgumentException("push message is " + bytes.length + " bytes, more than " + MAX_SIZE);
    }
    try {
      BencodeReader r = new BencodeReader(bytes);
      r.beginDict();
      byte[] k = null;
      byte[] salt = new byte[0];
      long seq = -1;
      byte[] sig = null;
      byte[] v = null;
      String key = null;
      while ((key = r.nextKey(key)) != null) {
        switch (key) {
          case "k" -> k = r.readBytes(32, "key");
          case "salt" -> salt = r.readBytes();
          case "seq" -> seq = r.readLong();
          case "sig" -> sig = r.readBytes(64, "signature");
          case "v" -> {
            int start = r.skipValue();
            v = java.util.Arrays.copyOfRange(bytes, start, r.position());
          }
          default -> r.skipValue(); // later versions may add keys
        }
      }
      if (!r.atEnd()) {
        throw r.error("trailing bytes");
      }
      if (k == null || sig == null || v == null || seq < 0) {
        throw new IllegalArgumentException("push message needs k, seq, sig and v");
      }
      FeedId feed = FeedId.of(k, salt);
      try {
        return MutableItem.verified(feed, seq, v, sig);
      } catch (IllegalArgumentException e) {
        throw new Unverified(feed, e.getMessage());
      }
    } catch (BencodeException e) {
      throw new IllegalArgumentException("malformed push message: " + e.getMessage());
    }
  }
}
