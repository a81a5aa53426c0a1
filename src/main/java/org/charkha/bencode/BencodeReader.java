package org.charkha.bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict cursor over bencoded bytes. It accepts only the canonical form (dictionary keys sorted
 * by raw bytes and unique, integers without leading zeros or "-0"), so that re-encoding a decoded
 * value gives back the same bytes and a hash over the bytes is a hash over the value.
 *
 * <p>It works on the caller's array without copying, so hot paths can read a segment's fields and
 * keep byte ranges instead of decoded objects.
 */
public final class BencodeReader {
  private static final int MAX_DEPTH = 32;

  private final byte[] buf;
  private final int end;
  private int pos;

  public BencodeReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public BencodeReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + buf.length);
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  public int position() {
    return pos;
  }

  public boolean atEnd() {
    return pos >= end;
  }

  public byte[] array() {
    return buf;
  }

  /** Next byte without consuming it; fails at the end of input. */
  public int peek() {
    if (pos >= end) {
      throw error("unexpected end of input");
    }
    return buf[pos] & 0xff;
  }

  public void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "', found '" + printable(buf[pos]) + "'");
    }
    pos++;
  }

  /** Consumes 'e' if it is next, to end a list or dictionary. */
  public boolean tryEnd() {
    if (peek() == 'e') {
      pos++;
      return true;
    }
    return false;
  }

  public void beginDict() {
    expect('d');
  }

  public void beginList() {
    expect('l');
  }

  public long readLong() {
    expect('i');
    boolean negative = false;
    if (peek() == '-') {
      negative = true;
      pos++;
    }
    int digitsStart = pos;
    // Accumulate negatively, as Long.parseLong does, so that Long.MIN_VALUE (which the writer
    // emits for a signed 64-bit field) reads back instead of counting as an overflow.
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multmin = limit / 10;
    long value = 0;
    while (peek() != 'e') {
      int c = buf[pos] - '0';
      if (c < 0 || c > 9) {
        throw error("bad digit in integer");
      }
      if (value < multmin || value * 10 < limit + c) {
        throw error("integer overflows 64 bits");
      }
      value = value * 10 - c;
      pos++;
    }
    int digits = pos - digitsStart;
    if (digits == 0) {
      throw error("empty integer");
    }
    if (buf[digitsStart] == '0' && (digits > 1 || negative)) {
      throw error("integer is not canonical (leading zero or -0)");
    }
    pos++;
    return negative ? value : -value;
  }

  /** Reads a string's header and returns the offset of its first byte; the cursor moves past it. */
  public int readStringOffset() {
    int len = readStringLength();
    int start = pos;
    pos += len;
    return start;
  }

  /** Length of the string whose bytes end at the cursor, after {@link #readStringOffset()}. */
  private int readStringLength() {
    int digitsStart = pos;
    long len = 0;
    while (peek() != ':') {
      int c = buf[pos] - '0';
      if (c < 0 || c > 9) {
        throw error("bad digit in string length");
      }
      len = len * 10 + c;
      if (len > end) {
        throw error("string length exceeds input");
      }
      pos++;
    }
    int digits = pos - digitsStart;
    if (digits == 0 || (buf[digitsStart] == '0' && digits > 1)) {
      throw error("string length is not canonical");
    }
    pos++;
    if (len > end - pos) {
      throw error("string of " + len + " bytes runs past the end of input");
    }
    return (int) len;
  }

  public byte[] readBytes() {
    int len = readStringLength();
    byte[] out = new byte[len];
    System.arraycopy(buf, pos, out, 0, len);
    pos += len;
    return out;
  }

  /** Reads a string that must be exactly {@code length} bytes (a key, a hash, a signature). */
  public byte[] readBytes(int length, String what) {
    int start = pos;
    byte[] b = readBytes();
    if (b.length != length) {
      pos = start;
      throw error(what + " must be " + length + " bytes, got " + b.length);
    }
    return b;
  }

  public String readUtf8(int maxBytes, String what) {
    int len = readStringLength();
    if (len > maxBytes) {
      throw error(what + " is " + len + " bytes, more than " + maxBytes);
    }
    String s;
    try {
      // Malformed UTF-8 would display differently on different clients: reject it.
      s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(buf, pos, len)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw error(what + " is not valid UTF-8");
    }
    pos += len;
    return s;
  }

  /**
   * Reads the next dictionary key and checks it sorts after the previous one. Returns null at the
   * dictionary's end (the 'e' is consumed).
   */
  public String nextKey(String previous) {
    if (tryEnd()) {
      return null;
    }
    int len = readStringLength();
    String key = new String(buf, pos, len, StandardCharsets.ISO_8859_1);
    pos += len;
    if (previous != null && key.compareTo(previous) <= 0) {
      throw error("dictionary key '" + key + "' is not in sorted order after '" + previous + "'");
    }
    return key;
  }

  /** Skips one value of any type, bounded in depth; returns its start offset. */
  public int skipValue() {
    int start = pos;
    skip(0);
    return start;
  }

  private void skip(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    int c = peek();
    switch (c) {
      case 'i' -> readLong();
      case 'l' -> {
        pos++;
        while (!tryEnd()) {
          skip(depth + 1);
        }
      }
      case 'd' -> {
        pos++;
        String prev = null;
        String key;
        while ((key = nextKey(prev)) != null) {
          skip(depth + 1);
          prev = key;
        }
      }
      default -> {
        if (c < '0' || c > '9') {
          throw error("unexpected '" + printable((byte) c) + "'");
        }
        readStringOffset();
      }
    }
  }

  /**
   * Decodes the next value into plain Java objects: {@code Long}, {@code byte[]},
   * {@code List<Object>} and {@code Map<String, Object>} (keys in order, decoded as UTF-8, which is
   * how {@link Bencode#encode} writes them; a key that is not valid UTF-8 is rejected so that
   * re-encoding a decoded value always gives back the same bytes).
   */
  public Object readValue() {
    return read(0);
  }

  private Object read(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    int c = peek();
    switch (c) {
      case 'i':
        return readLong();
      case 'l': {
        pos++;
        List<Object> list = new ArrayList<>();
        while (!tryEnd()) {
          list.add(read(depth + 1));
        }
        return list;
      }
      case 'd': {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        String prev = null;
        String key;
        while ((key = nextKey(prev)) != null) {
          map.put(utf8Key(key), read(depth + 1));
          prev = key;
        }
        return map;
      }
      default:
        if (c < '0' || c > '9') {
          throw error("unexpected '" + printable((byte) c) + "'");
        }
        return readBytes();
    }
  }

  /** A key read by {@link #nextKey} (raw bytes as ISO-8859-1), as the UTF-8 text it encodes. */
  private String utf8Key(String rawKey) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(rawKey.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw error("dictionary key is not valid UTF-8");
    }
  }

  public BencodeException error(String message) {
    return new BencodeException(message + " at offset " + pos);
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
  }
}
