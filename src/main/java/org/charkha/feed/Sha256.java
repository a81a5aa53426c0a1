package org.charkha.feed;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 with a per-thread digest: hashing is on the ingest hot path. */
public final class Sha256 {
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> digest("SHA-256"));

  private Sha256() {}

  public static byte[] hash(byte[] bytes) {
    return hash(bytes, 0, bytes.length);
  }

  public static byte[] hash(byte[] bytes, int offset, int length) {
    MessageDigest d = DIGEST.get();
    d.update(bytes, offset, length);
    return d.digest();
  }

  /** SHA-256 of a one-byte prefix followed by two 32-byte hashes: an interior Merkle node. */
  static byte[] node(byte prefix, byte[] left, byte[] right) {
    MessageDigest d = DIGEST.get();
    d.update(prefix);
    d.update(left);
    d.update(right);
    return d.digest();
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required by the JDK", e);
    }
  }
}
