package org.charkha.testswarm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a host log that say what happened to the host, for a failing test's summary: process
 * starts, stops, kills and exits, cuts and heals, CLI commands that change something (post, comment,
 * edit, delete, follow, unfollow, import), and the node's own "following", "announced" and "now at seq".
 */
final class KeyEvents {
  private static final Pattern PROCESS = Pattern.compile("=== (start #\\d+|SIGTERM|SIGKILL|still alive|exited|cut|heal)");
  private static final Pattern NODE = Pattern.compile(" - (following \\S+|announced \\S+ seq \\d+.*|feed \\S+: now at seq .*)$");
  /** A CLI call: "exec: $ java ... -jar charkha.jar --home DIR COMMAND ARGS". */
  private static final Pattern CLI = Pattern.compile("exec: \\$ .* --home \\S+ ((post|comment|edit|delete|follow|unfollow|import-archive|import|react)\\b.*)$");
  private static final Pattern STAMP = Pattern.compile("^(\\[\\+\\s*[0-9.]+s\\]) ");

  private KeyEvents() {}

  /** The key events among {@code logLines}, each as "[+stamp] what". */
  static List<String> of(List<String> logLines) {
    List<String> out = new ArrayList<>();
    for (String line : logLines) {
      Matcher stamp = STAMP.matcher(line);
      String at = stamp.find() ? stamp.group(1) + " " : "";
      Matcher m;
      if ((m = PROCESS.matcher(line)).find()) {
        String rest = line.substring(m.start());
        out.add(at + (rest.startsWith("=== start") ? rest.replaceFirst(": .*", "") : rest));
      } else if ((m = NODE.matcher(line)).find()) {
        out.add(at + m.group(1));
      } else if ((m = CLI.matcher(line)).find()) {
        out.add(at + "cli " + abbreviate(m.group(1)));
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 160) + " ...";
  }
}
