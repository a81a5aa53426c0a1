package org.charkha.feed;

import com.google.common.io.BaseEncoding;

/** Lower-case hex, accepting either case on input. */
public final class Hex {
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return HEX.encode(bytes);
  }

  /** Decodes hex of either case; throws IllegalArgumentException naming {@code what} otherwise. */
  public static byte[] decode(String hex, String what) {
    try {
      return HEX.decode(hex.toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid hex: " + abbreviate(hex));
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 21) + "...";
  }
}
