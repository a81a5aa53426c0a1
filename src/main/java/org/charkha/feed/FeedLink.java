package org.charkha.feed;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A follow link in BEP 46 form: {@code magnet:?xs=urn:btpk:<64 hex>[&s=<salt hex>][&dn=<name>]}.
 * Parsing takes what other BEP 46 tools emit: either hex case, any parameter order, unknown
 * parameters (ignored), and an {@code xs} value that is percent-encoded.
 */
public record FeedLink(FeedId feed, Optional<String> displayName) {
  private static final String PREFIX = "magnet:?";
  private static final int MAX_LENGTH = 4096;

  public static FeedLink of(FeedId feed) {
    return new FeedLink(feed, Optional.empty());
  }

  public static FeedLink parse(String link) {
    String s = link.strip();
    if (s.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("link is " + s.length() + " characters, more than " + MAX_LENGTH);
    }
    if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new IllegalArgumentException("not a magnet link (expected it to start with 'magnet:?'): "
          + Hex.abbreviate(s));
    }
    String key = null;
    String salt = null;
    String name = null;
    for (String param : s.substring(PREFIX.length()).split("&")) {
      if (param.isEmpty()) {
        continue;
      }
      int eq = param.indexOf('=');
      if (eq < 0) {
        continue; // a bare flag: not ours, ignored like any unknown parameter
      }
      String k = param.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
      String v = decode(param.substring(eq + 1));
      switch (k) {
        case "xs" -> {
          if (v.regionMatches(true, 0, "urn:btpk:", 0, 9)) {
            if (key != null) {
              throw new IllegalArgumentException("link names more than one urn:btpk key");
            }
            key = v.substring(9);
          }
        }
        case "s" -> {
          if (salt != null) {
            throw new IllegalArgumentException("link has more than one salt 's' (which feed it names is ambiguous)");
          }
          salt = v;
        }
        case "dn" -> name = v;
        default -> { }
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("link has no 'xs=urn:btpk:<64 hex>' parameter (not a BEP 46 feed link)");
    }
    if (key.length() != 64) {
      throw new IllegalArgumentException("urn:btpk key must be 64 hex digits, got " + key.length());
    }
    byte[] pk = Hex.decode(key, "urn:btpk key");
    byte[] saltBytes = salt == null ? new byte[0] : Hex.decode(salt, "salt 's'");
    if (saltBytes.length > FeedId.MAX_SALT) {
      throw new IllegalArgumentException("salt 's' is " + saltBytes.length + " bytes, more than 64");
    }
    return new FeedLink(FeedId.of(pk, saltBytes), Optional.ofNullable(name).filter(n -> !n.isBlank()));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("magnet:?xs=urn:btpk:").append(feed.keyHex());
    if (feed.hasSalt()) {
      sb.append("&s=").append(Hex.encode(feed.salt()));
    }
    displayName.ifPresent(n -> sb.append("&dn=").append(URLEncoder.encode(n, StandardCharsets.UTF_8).replace("+", "%20")));
    return sb.toString();
  }

  private static String decode(String v) {
    try {
      return URLDecoder.decode(v, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in link parameter: " + Hex.abbreviate(v));
    }
  }
}
