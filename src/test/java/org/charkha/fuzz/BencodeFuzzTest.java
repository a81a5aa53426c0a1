package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.charkha.bencode.Bencode;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;

/** Bencoding is the first thing every peer message meets: strict, bounded, canonical. */
class BencodeFuzzTest {
  @FuzzTest
  void decodeAcceptsOnlyCanonicalBytes(byte[] data) throws Exception {
    Expected.onlyThrows(() -> {
      Object value = Bencode.decode(data);
      // Canonical: what decodes re-encodes to the very same bytes, so a hash over bytes is a hash over values.
      assertArrayEquals(data, Bencode.encode(value), "decoded value does not re-encode to its input");
      // skipValue walks the same grammar as readValue.
      BencodeReader r = new BencodeReader(data);
      assertEquals(0, r.skipValue());
      assertEquals(data.length, r.position());
    }, BencodeException.class);
  }
}
