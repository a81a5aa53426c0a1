package org.charkha.node;

import java.util.LinkedHashMap;
import java.util.Map;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;

/** One entry as plain maps and strings, for {@code --json} output and the HTTP API. */
public final class EntryJson {
  private EntryJson() {}

  public static Map<String, Object> of(FeedId feed, Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ref", EntryRef.of(feed, e.seq()).toString());
    m.put("seq", e.seq());
    m.put("ts", e.timestamp());
    m.put("type", e.wireType());
    m.put("hash", Hex.encode(e.hash()));
    m.put("redacted", e.isRedacted());
    Content c = e.content();
    if (c instanceof Content.Post p) {
      m.put("text", p.text());
    } else if (c instanceof Content.Comment cm) {
      m.put("on", cm.on().toString());
      m.put("text", cm.text());
    } else if (c instanceof Content.Edit ed) {
      m.put("of", ed.of());
      m.put("text", ed.text());
    } else if (c instanceof Content.Delete d) {
      m.put("of", d.of());
    } else if (c instanceof Content.Reaction r) {
      m.put("on", r.on().toString());
      m.put("emoji", r.emoji());
    } else if (c instanceof Content.Follow f) {
      m.put("feed", f.feed().toString());
    } else if (c instanceof Content.Unfollow u) {
      m.put("feed", u.feed().toString());
    } else if (c instanceof Content.Profile p) {
      p.name().ifPresent(n -> m.put("name", n));
      p.bio().ifPresent(b -> m.put("bio", b));
    } else if (c instanceof Content.Relay r) {
      m.put("relayed", of(r.proof().feed(), r.proof().entry()));
    }
    return m;
  }

  /** A one-line human rendering of an entry for terminal output. */
  public static String line(FeedId feed, Entry e) {
    String when = java.time.Instant.ofEpochMilli(e.timestamp()).toString();
    String head = String.format("%-6d %s %-8s", e.seq(), when, e.wireType());
    if (e.isRedacted()) {
      return head + " (deleted)";
    }
    Content c = e.content();
    String body;
    if (c instanceof Content.Post p) {
      body = p.text();
    } else if (c instanceof Content.Comment cm) {
      body = "on " + cm.on() + ": " + cm.text();
    } else if (c instanceof Content.Edit ed) {
      body = "of " + ed.of() + ": " + ed.text();
    } else if (c instanceof Content.Delete d) {
      body = "of " + d.of();
    } else if (c instanceof Content.Reaction r) {
      body = r.emoji() + " on " + r.on();
    } else if (c instanceof Content.Follow f) {
      body = f.feed().toString();
    } else if (c instanceof Content.Unfollow u) {
      body = u.feed().toString();
    } else if (c instanceof Content.Profile p) {
      body = p.name().map(n -> "name=" + n + " ").orElse("") + p.bio().map(b -> "bio=" + b).orElse("");
    } else if (c instanceof Content.Relay r) {
      body = "relays " + r.proof().ref();
    } else {
      body = "(unknown type)";
    }
    return head + " " + body.replace('\n', ' ');
  }
}
