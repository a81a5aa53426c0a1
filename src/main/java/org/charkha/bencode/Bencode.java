package org.charkha.bencode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Whole-value helpers over {@link BencodeReader} and {@link BencodeWriter}. */
public final class Bencode {
  private Bencode() {}

  /** Decodes exactly one canonical value that spans all of {@code bytes}. */
  public static Object decode(byte[] bytes) {
    BencodeReader r = new BencodeReader(bytes);
    Object v = r.readValue();
    if (!r.atEnd()) {
      throw r.error("trailing bytes after value");
    }
    return v;
  }

  /**
   * Encodes {@code Long}/{@code Integer}, {@code byte[]}, {@code String} (UTF-8), {@code List} and
   * {@code Map} with String keys; map keys are sorted by their raw bytes as bencoding requires.
   */
  public static byte[] encode(Object value) {
    BencodeWriter w = new BencodeWriter();
    write(w, value);
    return w.toByteArray();
  }

  private static void write(BencodeWriter w, Object value) {
    if (value instanceof byte[] b) {
      w.string(b);
    } else if (value instanceof String s) {
      w.string(s);
    } else if (value instanceof Long || value instanceof Integer) {
      w.integer(((Number) value).longValue());
    } else if (value instanceof List<?> list) {
      w.beginList();
      for (Object o : list) {
        write(w, o);
      }
      w.end();
    } else if (value instanceof Map<?, ?> map) {
      // Raw-byte order of ISO-8859-1 keys equals String order; UTF-8 keys are rare in our formats.
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String k = (String) e.getKey();
        sorted.put(new String(k.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1), e.getValue());
      }
      w.beginDict();
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        w.string(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
        write(w, e.getValue());
      }
      w.end();
    } else {
      throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass()));
    }
  }
}
