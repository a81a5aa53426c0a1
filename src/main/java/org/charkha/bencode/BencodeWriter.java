package org.charkha.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Appends bencoding to a growable buffer. Callers write dictionary keys in sorted order themselves
 * (our formats have fixed, short key sets), which keeps encoding allocation-free and canonical.
 */
public final class BencodeWriter {
  private final ByteArrayOutputStream out;

  public BencodeWriter() {
    this(256);
  }

  public BencodeWriter(int initialCapacity) {
    out = new ByteArrayOutputStream(initialCapacity);
  }

  public BencodeWriter beginDict() {
    out.write('d');
    return this;
  }

  public BencodeWriter beginList() {
    out.write('l');
    return this;
  }

  public BencodeWriter end() {
    out.write('e');
    return this;
  }

  public BencodeWriter key(String key) {
    return string(key.getBytes(StandardCharsets.ISO_8859_1));
  }

  public BencodeWriter string(byte[] bytes) {
    return string(bytes, 0, bytes.length);
  }

  public BencodeWriter string(byte[] bytes, int offset, int length) {
    ascii(Integer.toString(length));
    out.write(':');
    out.write(bytes, offset, length);
    return this;
  }

  public BencodeWriter string(String utf8) {
    return string(utf8.getBytes(StandardCharsets.UTF_8));
  }

  public BencodeWriter integer(long value) {
    out.write('i');
    ascii(Long.toString(value));
    out.write('e');
    return this;
  }

  /** Appends bytes that are already bencoded (a nested value kept verbatim). */
  public BencodeWriter raw(byte[] bencoded) {
    out.write(bencoded, 0, bencoded.length);
    return this;
  }

  public BencodeWriter raw(byte[] bencoded, int offset, int length) {
    out.write(bencoded, offset, length);
    return this;
  }

  public int size() {
    return out.size();
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      out.write(s.charAt(i));
    }
  }
}
