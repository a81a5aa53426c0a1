package org.charkha.feed;

import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree hash of RFC 6962 section 2.1 over entry hashes: leaves are the entry hashes
 * themselves (already SHA-256 of a bencoded head, which starts with 'd', so never confused with an
 * interior node), interior nodes are SHA-256(0x01 || left || right), and a tree of n leaves splits
 * at the largest power of two below n.
 */
public final class Merkle {
  private static final byte NODE = 0x01;

  private Merkle() {}

  public static byte[] root(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    return root(leaves, 0, leaves.size());
  }

  private static byte[] root(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = split(n);
    return Sha256.node(NODE, root(leaves, from, from + k), root(leaves, from + k, to));
  }

  /** The audit path for leaf {@code index}, from the bottom up (RFC 6962 section 2.1.1). */
  public static List<byte[]> path(List<byte[]> leaves, int index) {
    List<byte[]> path = new ArrayList<>();
    path(leaves, index, 0, leaves.size(), path);
    return path;
  }

  private static void path(List<byte[]> leaves, int index, int from, int to, List<byte[]> out) {
    int n = to - from;
    if (n == 1) {
      return;
    }
    int k = split(n);
    if (index - from < k) {
      path(leaves, index, from, from + k, out);
      out.add(root(leaves, from + k, to));
    } else {
      path(leaves, index, from + k, to, out);
      out.add(root(leaves, from, from + k));
    }
  }

  /** Recomputes the root from a leaf, its index, the tree size and its audit path. */
  public static byte[] rootFromPath(byte[] leaf, int index, int size, List<byte[]> path) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf index " + index + " outside a tree of " + size);
    }
    int[] cursor = {path.size()};
    byte[] r = fold(leaf, index, size, path, cursor);
    if (cursor[0] != 0) {
      throw new IllegalArgumentException("audit path has " + path.size() + " hashes, " + cursor[0] + " too many");
    }
    return r;
  }

  // Walks the same splits as path(), top down, consuming the path from its end.
  private static byte[] fold(byte[] leaf, int index, int n, List<byte[]> path, int[] cursor) {
    if (n == 1) {
      return leaf;
    }
    if (cursor[0] == 0) {
      throw new IllegalArgumentException("audit path is too short");
    }
    int k = split(n);
    byte[] sibling = path.get(--cursor[0]);
    if (index < k) {
      return Sha256.node(NODE, fold(leaf, index, k, path, cursor), sibling);
    }
    return Sha256.node(NODE, sibling, fold(leaf, index - k, n - k, path, cursor));
  }

  private static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }
}
