package org.charkha.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A URL query string as a map; the first value of a repeated parameter wins. */
final class Query {
  static final int MAX_QUERY = 4096;

  private Query() {}

  static Map<String, String> parse(String rawQuery) {
    Map<String, String> m = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return m;
    }
    if (rawQuery.length() > MAX_QUERY) {
      throw new WebException(414, "query string longer than " + MAX_QUERY + " characters");
    }
    for (String part : rawQuery.split("&")) {
      int eq = part.indexOf('=');
      String k = decode(eq < 0 ? part : part.substring(0, eq));
      String v = eq < 0 ? "" : decode(part.substring(eq + 1));
      m.putIfAbsent(k, v);
    }
    return m;
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new WebException(400, "bad percent-encoding in URL");
    }
  }
}
