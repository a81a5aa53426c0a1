package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;

/**
 * What an entry says: one record per entry type, each parsed from and written to the entry body, a
 * bencoded dictionary. Unknown body keys are skipped so later versions can add fields; an unknown
 * entry type becomes {@link Unknown} and is kept in the chain but not shown.
 */
public sealed interface Content {
  EntryType type();

  /** Writes this content's body dictionary. */
  void writeBody(BencodeWriter w);

  default byte[] encodeBody() {
    BencodeWriter w = new BencodeWriter(64);
    writeBody(w);
    return w.toByteArray();
  }

  record Post(String text) implements Content {
    public Post {
      checkText(text);
    }

    public EntryType type() {
      return EntryType.POST;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict().key("text").string(text).end();
    }
  }

  /** A reply to a post or to another comment, in any feed. */
  record Comment(EntryRef on, String text) implements Content {
    public Comment {
      checkText(text);
    }

    public EntryType type() {
      return EntryType.COMMENT;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict().key("on");
      on.writeTo(w);
      w.key("text").string(text).end();
    }
  }

  /** A new text for one of the author's own entries; the old text stays in the log as history. */
  record Edit(long of, String text) implements Content {
    public Edit {
      checkArgument(of >= 0, "edit target must be an entry sequence number");
      checkText(text);
    }

    public EntryType type() {
      return EntryType.EDIT;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict().key("of").integer(of).key("text").string(text).end();
    }
  }

  /** Withdraws one of the author's own entries; its body (and those of its edits) leave the log. */
  record Delete(long of) implements Content {
    public Delete {
      checkArgument(of >= 0, "delete target must be an entry sequence number");
    }

    public EntryType type() {
      return EntryType.DELETE;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict().key("of").integer(of).end();
    }
  }

  record Reaction(EntryRef on, String emoji) implements Content {
    public Reaction {
      checkArgument(!emoji.isEmpty() && utf8Length(emoji) <= Limits.MAX_EMOJI,
          "a reaction is 1 to %s bytes of text", Limits.MAX_EMOJI);
    }

    public EntryType type() {
      return EntryType.REACTION;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict().key("emoji").string(emoji).key("on");
      on.writeTo(w);
      w.end();
    }
  }

  record Follow(FeedId feed) implements Content {
    public EntryType type() {
      return EntryType.FOLLOW;
    }

    public void writeBody(BencodeWriter w) {
      writeFeed(w, feed);
    }
  }

  record Unfollow(FeedId feed) implements Content {
    public EntryType type() {
      return EntryType.UNFOLLOW;
    }

    public void writeBody(BencodeWriter w) {
      writeFeed(w, feed);
    }
  }

  /** The author's name and bio; absent fields keep their earlier value. */
  record Profile(Optional<String> name, Optional<String> bio) implements Content {
    public Profile {
      name.ifPresent(n -> checkArgument(utf8Length(n) <= Limits.MAX_NAME, "name longer than %s bytes", Limits.MAX_NAME));
      bio.ifPresent(Content::checkText);
    }

    public EntryType type() {
      return EntryType.PROFILE;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict();
      bio.ifPresent(b -> w.key("bio").string(b));
      name.ifPresent(n -> w.key("name").string(n));
      w.end();
    }
  }

  /** Another feed's entry carried in this feed, still verifiable as its author's (see EntryProof). */
  record Relay(EntryProof proof) implements Content {
    public EntryType type() {
      return EntryType.RELAY;
    }

    public void writeBody(BencodeWriter w) {
      w.beginDict().key("proof").raw(proof.encode()).end();
    }
  }

  /** A type this version does not know; kept in the chain, not indexed. */
  record Unknown(String wireType) implements Content {
    public EntryType type() {
      return null;
    }

    public void writeBody(BencodeWriter w) {
      throw new UnsupportedOperationException("cannot write an entry of unknown type " + wireType);
    }
  }

  /** Parses a body of the given wire type; throws BencodeException on malformed input. */
  static Content parse(String wireType, byte[] body, int offset, int length) {
    EntryType type = EntryType.fromWire(wireType);
    if (type == null) {
      return new Unknown(wireType);
    }
    BencodeReader r = new BencodeReader(body, offset, length);
    String text = null;
    String name = null;
    String bio = null;
    String emoji = null;
    EntryRef on = null;
    EntryProof proof = null;
    byte[] feedKey = null;
    byte[] salt = new byte[0];
    long of = -1;
    r.beginDict();
    String key = null;
    while ((key = r.nextKey(key)) != null) {
      switch (key) {
        case "text" -> text = r.readUtf8(Limits.MAX_TEXT, "text");
        case "name" -> name = r.readUtf8(Limits.MAX_NAME, "name");
        case "bio" -> bio = r.readUtf8(Limits.MAX_TEXT, "bio");
        case "emoji" -> emoji = r.readUtf8(Limits.MAX_EMOJI, "emoji");
        case "on" -> on = EntryRef.read(r);
        case "of" -> of = r.readLong();
        case "feed" -> feedKey = r.readBytes(32, "feed key");
        case "salt" -> {
          salt = r.readBytes();
          if (salt.length > FeedId.MAX_SALT) {
            throw r.error("salt longer than 64 bytes");
          }
        }
        case "proof" -> {
          int start = r.skipValue();
          proof = EntryProof.decode(body, start, r.position() - start);
        }
        default -> r.skipValue();
      }
    }
    if (!r.atEnd()) {
      throw r.error("trailing bytes after body");
    }
    try {
      return switch (type) {
        case POST -> new Post(require(text, "text"));
        case COMMENT -> new Comment(require(on, "on"), require(text, "text"));
        case EDIT -> new Edit(of, require(text, "text"));
        case DELETE -> new Delete(of);
        case REACTION -> new Reaction(require(on, "on"), require(emoji, "emoji"));
        case FOLLOW -> new Follow(FeedId.of(require(feedKey, "feed"), salt));
        case UNFOLLOW -> new Unfollow(FeedId.of(require(feedKey, "feed"), salt));
        case PROFILE -> new Profile(Optional.ofNullable(name), Optional.ofNullable(bio));
        case RELAY -> new Relay(require(proof, "proof"));
      };
    } catch (IllegalArgumentException e) {
      throw new BencodeException(wireType + " body: " + e.getMessage());
    }
  }

  private static <T> T require(T value, String key) {
    if (value == null) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    return value;
  }

  private static void writeFeed(BencodeWriter w, FeedId feed) {
    w.beginDict().key("feed").string(feed.publicKey());
    if (feed.hasSalt()) {
      w.key("salt").string(feed.salt());
    }
    w.end();
  }

  private static void checkText(String text) {
    checkArgument(utf8Length(text) <= Limits.MAX_TEXT, "text is longer than %s bytes", Limits.MAX_TEXT);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
