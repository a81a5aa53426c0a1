package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.charkha.bencode.BencodeException;
import org.charkha.feed.EntryProof;

/** An entry proof arrives on its own (a link, a push): it must verify or be refused cleanly. */
class EntryProofFuzzTest {
  @FuzzTest
  void decodeVerifiesOrRefuses(byte[] data) throws Exception {
    Expected.onlyThrows(() -> {
      EntryProof proof = EntryProof.decode(data, 0, data.length);
      assertArrayEquals(data, proof.encode(), "a proof that verifies re-encodes to its bytes");
    }, BencodeException.class, IllegalArgumentException.class);
  }
}
