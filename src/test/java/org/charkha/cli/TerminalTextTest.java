package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.charkha.web.AppService;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
  /** Clears the screen, retitles the window, writes the clipboard, then reverses what follows. */
  static final String HOSTILE = "hi\u001b[2J\u001b]0;owned\u0007\u001b]52;c;ZXZpbA==\u0007\u009b31m\u202eevil\u2066x\u2069\u007f\r";

  static void assertTerminalSafe(String printed) {
    for (int i = 0; i < printed.length(); i++) {
      char c = printed.charAt(i);
      assertFalse(c != '\n' && TerminalText.isUnsafe(c),
          String.format("U+%04X at %d reaches the terminal: %s", (int) c, i, printed));
    }
  }

  @Test
  void controlsAndBidiOverridesBecomeVisibleEscapes() {
    assertEquals("a\\x1b[2Jb\\x07\\x7f\\u009b\\u202ec\\u2066d\\u2069", TerminalText.line("a\u001b[2Jb\u0007\u007f\u009b\u202ec\u2066d\u2069"));
    assertEquals("two\\x0alines\\x09tab", TerminalText.line("two\nlines\ttab"));
    assertEquals("two\nlines\ttab\\x0d", TerminalText.body("two\nlines\ttab\r"));
  }

  @Test
  void ordinaryTextEmojiAndJoinersPassUnchanged() {
    String text = "नमस्ते 👨\u200d👩\u200d👧 🙏 مرحبا";
    assertSame(text, TerminalText.line(text));
  }

  @Test
  void postFollowListAndStatusPrintersEscapeHostileText() {
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out, true);
    AppService.PostView post = new AppService.PostView("ab".repeat(32) + "/1", "ab".repeat(32), HOSTILE, 1, 0,
        HOSTILE + "\nsecond line", false, false, null, 0, Map.of(HOSTILE, 2), false, false);
    Reads.printPost(post, w, "");
    new Reads.Following().print(List.of(new AppService.ProfileView("ab".repeat(32), "magnet:?" + HOSTILE, HOSTILE,
        HOSTILE, 0, 0, false, false, false)), w);
    new Reads.Status().print(new AppService.StatusView(true, 1, 2, List.of(new AppService.FeedStatus("ab".repeat(32),
        HOSTILE, 3, 2, 1, 0.5, HOSTILE, false, HOSTILE, new AppService.Ignored(1, 0, HOSTILE, HOSTILE, 0)))), w);
    new Reads.Search().print(new AppService.SearchResults(List.of(), List.of(new AppService.ProfileView("ab".repeat(32),
        "magnet:?" + HOSTILE, HOSTILE, HOSTILE, 0, 0, false, false, false))), w);
    String printed = out.toString();
    assertTerminalSafe(printed);
    assertTrue(printed.contains("hi\\x1b[2J\\x1b]0;owned\\x07\\x1b]52;c;ZXZpbA==\\x07\\u009b31m\\u202eevil"), printed);
    assertTrue(printed.contains("\n  second line\n"), "a body keeps its lines: " + printed);
  }
}
