package org.charkha.bench;

/**
 * The least a decoder must do: walk every token of a bencoded buffer, parse integers and string
 * lengths, check nesting, allocate nothing. The floor under {@code Segment.parse}.
 */
final class BareBencode {
  private BareBencode() {}

  /** Number of values in {@code b[0..end)} (zero padding after the top value is skipped). */
  static int scan(byte[] b) {
    int p = 0;
    int depth = 0;
    int values = 0;
    int end = b.length;
    while (p < end) {
      byte c = b[p];
      if (c == 'd' || c == 'l') {
        depth++;
        p++;
      } else if (c == 'e') {
        if (--depth < 0) {
          throw new IllegalArgumentException("unbalanced at " + p);
        }
        p++;
        values++;
        if (depth == 0) {
          return values;
        }
      } else if (c == 'i') {
        long v = 0;
        p++;
        boolean neg = b[p] == '-';
        if (neg) {
          p++;
        }
        while (b[p] != 'e') {
          v = v * 10 + (b[p++] - '0');
        }
        p++;
        values += v == Long.MIN_VALUE ? 2 : 1;
      } else if (c >= '0' && c <= '9') {
        int len = 0;
        while (b[p] != ':') {
          len = len * 10 + (b[p++] - '0');
        }
        p += 1 + len;
        values++;
      } else {
        throw new IllegalArgumentException("bad byte at " + p);
      }
    }
    return values;
  }
}
