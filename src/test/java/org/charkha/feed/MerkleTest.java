package org.charkha.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The segment Merkle tree is RFC 6962's (section 2.1), with entry hashes as the leaf hashes. The
 * reference below follows the RFC's recursive definitions of MTH and PATH literally, and is
 * written independently of {@link Merkle}.
 */
class MerkleTest {

  private static byte[] sha256(byte[]... parts) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    for (byte[] p : parts) {
      d.update(p);
    }
    return d.digest();
  }

  /** Largest power of two strictly less than n (n > 1). */
  private static int k(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  private static byte[] mth(List<byte[]> d) throws Exception {
    if (d.size() == 1) {
      return d.get(0);
    }
    int k = k(d.size());
    return sha256(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, d.size())));
  }

  private static List<byte[]> refPath(int m, List<byte[]> d) throws Exception {
    List<byte[]> out = new ArrayList<>();
    if (d.size() == 1) {
      return out;
    }
    int k = k(d.size());
    if (m < k) {
      out.addAll(refPath(m, d.subList(0, k)));
      out.add(mth(d.subList(k, d.size())));
    } else {
      out.addAll(refPath(m - k, d.subList(k, d.size())));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  private static List<byte[]> leaves(int n) throws Exception {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(sha256(("leaf " + i).getBytes()));
    }
    return l;
  }

  @Test
  void rootAndEveryAuditPathMatchRfc6962ForSizesOneToForty() throws Exception {
    for (int n = 1; n <= 40; n++) {
      List<byte[]> d = leaves(n);
      byte[] root = mth(d);
      assertArrayEquals(root, Merkle.root(d), "root of " + n);
      for (int m = 0; m < n; m++) {
        List<byte[]> expected = refPath(m, d);
        List<byte[]> path = Merkle.path(d, m);
        assertEquals(expected.size(), path.size(), "path length for " + m + " of " + n);
        for (int j = 0; j < path.size(); j++) {
          assertArrayEquals(expected.get(j), path.get(j), "path[" + j + "] for " + m + " of " + n);
        }
        assertArrayEquals(root, Merkle.rootFromPath(d.get(m), m, n, path), "fold for " + m + " of " + n);
      }
    }
  }

  @Test
  void smallTreesHaveTheDocumentedShape() throws Exception {
    List<byte[]> d = leaves(3);
    assertArrayEquals(d.get(0), Merkle.root(d.subList(0, 1)));
    assertArrayEquals(sha256(new byte[] {1}, d.get(0), d.get(1)), Merkle.root(d.subList(0, 2)));
    // n = 3 splits 2 + 1: the lone third leaf is promoted unhashed, as in RFC 6962.
    assertArrayEquals(sha256(new byte[] {1}, sha256(new byte[] {1}, d.get(0), d.get(1)), d.get(2)), Merkle.root(d));
  }

  @Test
  void aPathDoesNotProveAnotherLeafOrAnotherPosition() throws Exception {
    for (int n = 2; n <= 40; n++) {
      List<byte[]> d = leaves(n);
      byte[] root = mth(d);
      for (int m = 0; m < n; m++) {
        List<byte[]> path = Merkle.path(d, m);
        byte[] other = d.get((m + 1) % n);
        assertFalse(Arrays.equals(root, Merkle.rootFromPath(other, m, n, path)), "other leaf at " + m + " of " + n);
        int wrongIndex = (m + 1) % n;
        try {
          assertFalse(Arrays.equals(root, Merkle.rootFromPath(d.get(m), wrongIndex, n, path)),
              "leaf " + m + " claimed at " + wrongIndex + " of " + n);
        } catch (IllegalArgumentException e) {
          // a path of the wrong length for that position is rejected outright: also fine
        }
      }
    }
  }

  @Test
  void pathsOfTheWrongLengthAreRejected() throws Exception {
    List<byte[]> d = leaves(5);
    List<byte[]> path = Merkle.path(d, 4); // leaf 4 of 5: one hash
    assertEquals(1, path.size());
    List<byte[]> longer = new ArrayList<>(path);
    longer.add(new byte[32]);
    assertThrows(IllegalArgumentException.class, () -> Merkle.rootFromPath(d.get(4), 4, 5, longer));
    List<byte[]> shorter = Merkle.path(d, 0).subList(0, 1);
    assertThrows(IllegalArgumentException.class, () -> Merkle.rootFromPath(d.get(0), 0, 5, shorter));
    assertThrows(IllegalArgumentException.class, () -> Merkle.rootFromPath(d.get(0), 5, 5, path));
    assertThrows(IllegalArgumentException.class, () -> Merkle.rootFromPath(d.get(0), -1, 5, path));
    assertThrows(IllegalArgumentException.class, () -> Merkle.root(List.of()));
  }
}
