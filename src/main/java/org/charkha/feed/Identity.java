package org.charkha.feed;

import static com.google.common.base.Preconditions.checkArgument;

/** The owner's Ed25519 key pair. The seed never leaves this object except to be saved. */
public final class Identity {
  private final byte[] seed;
  private final byte[] publicKey;

  private Identity(byte[] seed) {
    checkArgument(seed.length == Ed25519Keys.SEED_SIZE, "an Ed25519 seed is 32 bytes");
    this.seed = seed.clone();
    this.publicKey = Ed25519Keys.publicKey(this.seed);
  }

  public static Identity generate() {
    return new Identity(Ed25519Keys.newSeed());
  }

  public static Identity fromSeed(byte[] seed) {
    return new Identity(seed);
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 32-byte RFC 8032 seed, for the key file only. */
  public byte[] seed() {
    return seed.clone();
  }

  public FeedId feed() {
    return FeedId.of(publicKey);
  }

  public byte[] sign(byte[] message) {
    return Ed25519Keys.sign(seed, publicKey, message);
  }

  @Override
  public String toString() {
    return "Identity{" + Hex.encode(publicKey).substring(0, 8) + "}"; // never the seed
  }
}
