package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Who a feed is: an Ed25519 public key and an optional salt (BEP 46 allows several feeds, one per
 * salt, under one key). An empty salt is the same as no salt, as in BEP 44.
 */
public final class FeedId implements Comparable<FeedId> {
  public static final int MAX_SALT = 64; // BEP 44: salt at most 64 bytes

  private final byte[] publicKey;
  private final byte[] salt;

  private FeedId(byte[] publicKey, byte[] salt) {
    this.publicKey = publicKey;
    this.salt = salt;
  }

  public static FeedId of(byte[] publicKey) {
    return of(publicKey, new byte[0]);
  }

  public static FeedId of(byte[] publicKey, byte[] salt) {
    checkArgument(publicKey.length == Ed25519Keys.PUBLIC_KEY_SIZE,
        "public key must be 32 bytes, got %s", publicKey.length);
    checkArgument(salt.length <= MAX_SALT, "salt must be at most 64 bytes, got %s", salt.length);
    return new FeedId(publicKey.clone(), salt.clone());
  }

  /** Parses "64 hex" or "64 hex:salt hex", the form used in references and file names. */
  public static FeedId parse(String text) {
    int colon = text.indexOf(':');
    String pk = colon < 0 ? text : text.substring(0, colon);
    checkArgument(pk.length() == 64, "a feed key is 64 hex digits, got %s characters", pk.length());
    byte[] salt = colon < 0 ? new byte[0] : Hex.decode(text.substring(colon + 1), "salt");
    return of(Hex.decode(pk, "public key"), salt);
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  public byte[] salt() {
    return salt.clone();
  }

  public boolean hasSalt() {
    return salt.length > 0;
  }

  public String keyHex() {
    return Hex.encode(publicKey);
  }

  /** "pkhex" or "pkhex:salthex"; stable, file-name safe and parseable by {@link #parse}. */
  @Override
  public String toString() {
    return salt.length == 0 ? keyHex() : keyHex() + ":" + Hex.encode(salt);
  }

  /** First 8 hex digits, for log lines and error messages. */
  public String shortName() {
    return keyHex().substring(0, 8) + (salt.length == 0 ? "" : ":" + Hex.encode(salt));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeedId other
        && Arrays.equals(publicKey, other.publicKey)
        && Arrays.equals(salt, other.salt);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(publicKey) + Arrays.hashCode(salt);
  }

  @Override
  public int compareTo(FeedId o) {
    int c = Arrays.compareUnsigned(publicKey, o.publicKey);
    return c != 0 ? c : Arrays.compareUnsigned(salt, o.salt);
  }
}
