package org.charkha.cli;

/**
 * Makes remote text safe to print on a terminal. Names, posts and reasons come from peers, and a
 * terminal obeys what it is sent: ESC sequences clear the screen, retitle the window or write the
 * clipboard (OSC 52), and bidi overrides make text read differently from what it is. Every such
 * character is shown as a visible escape ({@code \x1b}, {@code \u202e}) instead.
 *
 * <p>Escaped: C0 controls, DEL, C1 controls (U+0080-U+009F), the bidi marks, embeddings,
 * overrides and isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), the line and
 * paragraph separators (U+2028-U+2029), and invisible characters that can hide text (U+200B,
 * U+2060-U+2064, U+FEFF, U+FFF9-U+FFFB). Zero-width joiners (U+200C-U+200D) and tag characters
 * stay: emoji sequences and several scripts need them, and they move no cursor.
 */
final class TerminalText {
  private TerminalText() {}

  /** For text printed on one line: newlines and tabs are escaped too. */
  static String line(String text) {
    return escape(text, false);
  }

  /** For a multi-line body whose printer splits it at newlines: keeps {@code \n} and {@code \t}. */
  static String body(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean keepLayout) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean kept = keepLayout && (c == '\n' || c == '\t');
      if (kept || !isUnsafe(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      out.append(c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
    }
    return out == null ? text : out.toString();
  }

  static boolean isUnsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f)
        || c == 0x061c || c == 0x200b || c == 0x200e || c == 0x200f
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb);
  }
}
