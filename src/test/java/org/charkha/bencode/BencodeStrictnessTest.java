package org.charkha.bencode;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader accepts only canonical bencoding, so that a hash over bytes is a hash over a value,
 * and it fails on hostile input with a BencodeException that names the problem and the offset.
 */
class BencodeStrictnessTest {

  private static BencodeException rejected(String input) {
    return rejected(input.getBytes(ISO_8859_1));
  }

  private static BencodeException rejected(byte[] input) {
    return assertThrows(BencodeException.class, () -> Bencode.decode(input));
  }

  private static void assertRejectedWith(String input, String messagePart) {
    BencodeException e = rejected(input);
    assertTrue(e.getMessage().contains(messagePart), () -> "'" + input + "' gave: " + e.getMessage());
    assertTrue(e.getMessage().contains("at offset"), () -> "message names no offset: " + e.getMessage());
  }

  @Test
  void canonicalValuesReEncodeToTheSameBytes() {
    for (String s : List.of("i0e", "i-1e", "i42e", "i9223372036854775807e", "i-9223372036854775807e",
        "0:", "4:spam", "le", "de", "l4:spami42ee", "d3:bar4:spam3:fooi42ee",
        "d1:ad1:bl1:cee1:bi0ee", "d0:i1e1:ai2ee")) {
      byte[] bytes = s.getBytes(ISO_8859_1);
      assertArrayEquals(bytes, Bencode.encode(Bencode.decode(bytes)), s);
    }
  }

  @Test
  void decodesIntoPlainJavaValues() {
    Object v = Bencode.decode("d4:listl1:ai-7ee3:numi7e3:str3:abce".getBytes(ISO_8859_1));
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("list", "num", "str"), List.copyOf(m.keySet()));
    assertEquals(7L, m.get("num"));
    assertArrayEquals("abc".getBytes(ISO_8859_1), (byte[]) m.get("str"));
    List<?> list = (List<?>) m.get("list");
    assertArrayEquals("a".getBytes(ISO_8859_1), (byte[]) list.get(0));
    assertEquals(-7L, list.get(1));
  }

  @Test
  void encoderSortsKeysByRawBytesWhateverTheInsertionOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("\u00e9", 2L); // UTF-8 c3 a9 sorts after every ASCII key
    m.put("z", 1L);
    m.put("a", List.of("x", 3));
    m.put("A", new byte[] {0, 1});
    assertArrayEquals("d1:A2:\0\u00011:al1:xi3ee1:zi1e2:\u00c3\u00a9i2ee".getBytes(ISO_8859_1), Bencode.encode(m));
  }

  @Test
  void encoderRejectsValuesBencodingCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> Bencode.encode(3.5));
    assertThrows(IllegalArgumentException.class, () -> Bencode.encode(java.util.Collections.singletonList(null)));
  }

  @Test
  void rejectsDictionaryKeysOutOfOrder() {
    assertRejectedWith("d1:bi1e1:ai2ee", "not in sorted order");
  }

  @Test
  void rejectsDuplicateDictionaryKeys() {
    assertRejectedWith("d1:ai1e1:ai2ee", "not in sorted order");
  }

  @Test
  void comparesKeysAsUnsignedBytesNotSignedOnes() {
    // 0xc3 (the first byte of UTF-8 "é") must sort after 'a'; a signed comparison would put it first.
    assertEquals(2, ((Map<?, ?>) Bencode.decode("d1:ai1e2:\u00c3\u00a9i2ee".getBytes(ISO_8859_1))).size());
    rejected("d1:\u00ffi2e1:ai1ee");
  }

  @Test
  void rejectsNonStringDictionaryKeys() {
    rejected("di1ei2ee");
    rejected("dle1:ae");
  }

  @ParameterizedTest
  @ValueSource(strings = {"i01e", "i00e", "i-01e", "i007e"})
  void rejectsIntegersWithLeadingZeros(String input) {
    assertRejectedWith(input, "not canonical");
  }

  @Test
  void rejectsNegativeZero() {
    assertRejectedWith("i-0e", "not canonical");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ie", "i-e", "i+1e", "i1.5e", "i 1e", "i1-e", "i--1e"})
  void rejectsMalformedIntegers(String input) {
    rejected(input);
  }

  @Test
  void rejectsIntegersBeyondSixtyFourBits() {
    assertRejectedWith("i9223372036854775808e", "overflows");
    assertRejectedWith("i99999999999999999999999999e", "overflows");
    assertRejectedWith("i-9223372036854775809e", "overflows");
  }

  @Test
  void rejectsStringLengthsWithLeadingZeros() {
    assertRejectedWith("01:a", "not canonical");
    assertRejectedWith("00:", "not canonical");
  }

  @ParameterizedTest
  @ValueSource(strings = {"3abc", "-1:a", ":abc", "1x:a"})
  void rejectsMalformedStringHeaders(String input) {
    rejected(input);
  }

  @Test
  void rejectsHugeStringLengthsWithoutAllocating() {
    // Each would need gigabytes (or overflow an int) if the reader trusted the length.
    assertRejectedWith("2147483648:abc", "exceeds input");
    assertRejectedWith("99999999999999999999999999999999:abc", "exceeds input");
    assertRejectedWith("5:abc", "runs past the end");
    assertRejectedWith("l4000000000:xe", "exceeds input");
    assertRejectedWith("d1:a5:xe", "runs past the end");
  }

  @Test
  void rejectsEveryTruncationOfAValidValue() {
    String full = "d4:infod5:filesld6:lengthi65536e4:pathl12:00000000.segeee4:name3:abce1:li-12ee";
    Bencode.decode(full.getBytes(ISO_8859_1));
    for (int len = 0; len < full.length(); len++) {
      String cut = full.substring(0, len);
      BencodeException e = rejected(cut);
      assertTrue(e.getMessage().contains("end of input") || e.getMessage().contains("past the end")
          || e.getMessage().contains("exceeds input"), () -> "'" + cut + "': " + e.getMessage());
    }
  }

  @Test
  void rejectsTrailingBytesAfterTheValue() {
    assertRejectedWith("i1ei2e", "trailing bytes");
    assertRejectedWith("de\0", "trailing bytes");
  }

  @Test
  void rejectsUnknownTypeBytes() {
    assertRejectedWith("x", "unexpected 'x'");
    assertRejectedWith("l\u0001e", "unexpected '\\x01'");
    assertRejectedWith("", "end of input");
  }

  @Test
  void acceptsModestNesting() {
    String s = "l".repeat(30) + "e".repeat(30);
    assertArrayEquals(s.getBytes(ISO_8859_1), Bencode.encode(Bencode.decode(s.getBytes(ISO_8859_1))));
  }

  @Test
  void rejectsDeepListNestingWithAClearErrorNotAStackOverflow() {
    byte[] deep = ("l".repeat(1_000_000) + "e".repeat(1_000_000)).getBytes(ISO_8859_1);
    BencodeException e = rejected(deep);
    assertTrue(e.getMessage().contains("nesting deeper than"), e.getMessage());
  }

  @Test
  void rejectsDeepDictionaryNestingWithAClearError() {
    byte[] deep = ("d1:a".repeat(100_000) + "i1e" + "e".repeat(100_000)).getBytes(ISO_8859_1);
    assertTrue(rejected(deep).getMessage().contains("nesting deeper than"));
  }

  @Test
  void skippingAValueIsBoundedInDepthToo() {
    byte[] deep = ("l".repeat(100_000) + "e".repeat(100_000)).getBytes(ISO_8859_1);
    BencodeReader r = new BencodeReader(deep);
    BencodeException e = assertThrows(BencodeException.class, r::skipValue);
    assertTrue(e.getMessage().contains("nesting deeper than"), e.getMessage());
  }

  @Test
  void skippingAValueChecksCanonicalFormLikeReading() {
    assertThrows(BencodeException.class, () -> new BencodeReader("d1:bi1e1:ai2ee".getBytes(ISO_8859_1)).skipValue());
    assertThrows(BencodeException.class, () -> new BencodeReader("li01ee".getBytes(ISO_8859_1)).skipValue());
    BencodeReader ok = new BencodeReader("l1:ad1:ai1eeei9e".getBytes(ISO_8859_1));
    assertEquals(0, ok.skipValue());
    assertEquals(13, ok.position());
    assertEquals(9, ok.readLong());
  }

  @Test
  void readerRespectsItsWindowOfTheArray() {
    byte[] buf = "xxi5e4:spamyy".getBytes(ISO_8859_1);
    BencodeReader r = new BencodeReader(buf, 2, 3);
    assertEquals(5, r.readLong());
    assertTrue(r.atEnd());
    // the string after the window must not be readable through it
    BencodeReader w = new BencodeReader(buf, 5, 4);
    assertThrows(BencodeException.class, w::readBytes);
    assertThrows(IndexOutOfBoundsException.class, () -> new BencodeReader(buf, 10, 5));
  }

  @Test
  void fixedLengthReadsNameWhatWasWrong() {
    BencodeReader r = new BencodeReader("3:abc".getBytes(ISO_8859_1));
    BencodeException e = assertThrows(BencodeException.class, () -> r.readBytes(32, "public key"));
    assertEquals("public key must be 32 bytes, got 3 at offset 0", e.getMessage());
  }

  @Test
  void boundedUtf8ReadsRejectLongText() {
    BencodeReader r = new BencodeReader("5:hello".getBytes(UTF_8));
    BencodeException e = assertThrows(BencodeException.class, () -> r.readUtf8(4, "name"));
    assertTrue(e.getMessage().contains("name is 5 bytes, more than 4"), e.getMessage());
  }

  @Test
  void writerProducesWhatTheReaderAccepts() {
    byte[] b = new BencodeWriter().beginDict().key("a").integer(-5).key("b").beginList().string("x").end()
        .key("c").string(new byte[] {(byte) 0xff}).end().toByteArray();
    assertArrayEquals("d1:ai-5e1:bl1:xe1:c1:\u00ffe".getBytes(ISO_8859_1), b);
    assertArrayEquals(b, Bencode.encode(Bencode.decode(b)));
  }

  @Test
  void textFieldsMustBeValidUtf8() {
    byte[] bad = {'3', ':', 'a', (byte) 0xc3, (byte) 0x28};
    BencodeReader r = new BencodeReader(bad);
    BencodeException e = org.junit.jupiter.api.Assertions.assertThrows(BencodeException.class,
        () -> r.readUtf8(100, "text"));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertEquals("añ",
        new BencodeReader("3:a\u00c3\u00b1".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).readUtf8(100, "t"));
  }
}
