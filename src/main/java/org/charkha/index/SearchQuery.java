package org.charkha.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every word becomes
 * a quoted string (quotes inside doubled), the words are ANDed. So {@code AND}, {@code NEAR(},
 * {@code *}, {@code col:} and stray quotes are plain words, never operators.
 */
final class SearchQuery {
  static final int MAX_INPUT = 1_000;
  static final int MAX_WORDS = 16;

  private SearchQuery() {}

  /** The MATCH expression, or empty if the input holds no searchable word. */
  static Optional<String> toMatch(String input) {
    List<String> words = words(input);
    return words.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", words));
  }

  /** Each searchable word of the input as a quoted FTS5 string. */
  static List<String> words(String input) {
    if (input == null) {
      return List.of();
    }
    String in = input.length() > MAX_INPUT ? input.substring(0, MAX_INPUT) : input;
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < in.length() && words.size() < MAX_WORDS) {
      while (i < in.length() && isSpace(in.codePointAt(i))) {
        i += Character.charCount(in.codePointAt(i));
      }
      int start = i;
      while (i < in.length() && !isSpace(in.codePointAt(i))) {
        i += Character.charCount(in.codePointAt(i));
      }
      String word = in.substring(start, i);
      // A word with no letter, digit or symbol yields no token under unicode61: an empty phrase.
      if (word.codePoints().anyMatch(SearchQuery::isTokenChar)) {
        words.add('"' + word.replace("\"", "\"\"") + '"');
      }
    }
    return words;
  }

  /**
   * Splits text into lower-case tokens without diacritics, close to FTS5's unicode61 tokenizer
   * with remove_diacritics 2; used to score candidates, never to decide what matches.
   */
  static List<String> tokens(String text) {
    String folded = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD)
        .replaceAll("\\p{M}+", "").toLowerCase(java.util.Locale.ROOT);
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < folded.length()) {
      int cp = folded.codePointAt(i);
      int start = i;
      while (i < folded.length() && isTokenChar(folded.codePointAt(i))) {
        i += Character.charCount(folded.codePointAt(i));
      }
      if (i > start) {
        out.add(folded.substring(start, i));
      } else {
        i += Character.charCount(cp);
      }
    }
    return out;
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0;
  }

  private static boolean isTokenChar(int cp) {
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int t = Character.getType(cp);
    return t == Character.OTHER_SYMBOL || t == Character.NON_SPACING_MARK || t == Character.MODIFIER_SYMBOL
        || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER || t == Character.PRIVATE_USE;
  }
}
