package org.charkha.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.charkha.feed.Limits;

/**
 * Reads a Mastodon export's {@code outbox.json} (ActivityPub) or an X/Twitter archive's
 * {@code tweets.js} into {@link ArchivePost}s. Boosts and retweets are someone else's words and are
 * skipped; so is anything without text or a date, and any Mastodon status that was not public or
 * unlisted (the export holds direct messages and followers-only posts too). Notes and Articles are
 * imported; polls and other objects are reported by their type. Both formats are untrusted input:
 * sizes are bounded and a malformed item is skipped with its reason, never fatal.
 */
public final class ArchiveReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_FILE = 512L * 1024 * 1024;
  private static final DateTimeFormatter TWITTER_DATE =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT);

  private ArchiveReader() {}

  /** Reads either format, chosen by content: tweets.js starts with a JavaScript assignment. */
  public static ArchiveReport read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE) {
      throw new IllegalArgumentException(file + " is larger than " + MAX_FILE / (1024 * 1024) + " MiB");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).stripLeading();
    if (text.startsWith("window.YTD")) {
      return readTwitter(JSON.readTree(text.substring(text.indexOf('=') + 1)));
    }
    JsonNode root = JSON.readTree(text);
    if (root.has("orderedItems")) {
      return readMastodon(root);
    }
    throw new IllegalArgumentException(file + " is neither a Mastodon outbox.json nor an X/Twitter tweets.js");
  }

  static ArchiveReport readMastodon(JsonNode outbox) {
    ArchiveReport report = new ArchiveReport();
    for (JsonNode activity : outbox.path("orderedItems")) {
      String type = activity.path("type").asText();
      if (type.equals("Announce")) {
        report.skip("boost of someone else's post");
        continue;
      }
      JsonNode note = activity.path("object");
      if (!type.equals("Create") || !note.isObject()) {
        report.skip("not a post (" + (type.isEmpty() ? "no type" : printable(type)) + ")");
        continue;
      }
      String objectType = note.path("type").asText();
      if (objectType.equals("Question")) {
        report.skip("a poll (Question) is not imported");
        continue;
      }
      if (!objectType.equals("Note") && !objectType.equals("Article")) {
        report.skip((objectType.isEmpty() ? "an object without a type" : printable(objectType)) + " is not imported");
        continue;
      }
      MastodonAudience audience = MastodonAudience.of(activity, note);
      if (audience.skipReason != null) {
        report.skip(audience.skipReason);
        continue;
      }
      String body = htmlToText(note.path("content").asText(""));
      // An Article (blogs, long-form servers) has a title; its text alone would lose it.
      String title = objectType.equals("Article") && note.path("name").isTextual()
          ? note.path("name").asText().strip() : "";
      if (!title.isEmpty() && !body.isEmpty()) {
        body = title + "\n\n" + body;
      }
      if (note.path("attachment").size() > 0) {
        body = body + (body.isEmpty() ? "" : "\n") + "[" + note.path("attachment").size() + " attachment(s)"
            + (note.path("sensitive").asBoolean(false) ? " marked sensitive" : "") + " not imported]";
      }
      // A content warning is plain text in Mastodon (spoiler_text); Charkha has no field for it,
      // so it stays visible ahead of the text rather than being lost.
      String warning = note.path("summary").isTextual() ? note.path("summary").asText().strip() : "";
      if (!warning.isEmpty() && !body.isBlank()) {
        body = "CW: " + warning + "\n\n" + body;
      }
      Long ts = parseInstant(note.path("published").asText(""));
      addChecked(report, note.path("id").asText(""), ts, body,
          note.path("inReplyTo").isTextual() ? note.path("inReplyTo").asText() : null);
    }
    return report;
  }

  static ArchiveReport readTwitter(JsonNode items) {
    ArchiveReport report = new ArchiveReport();
    for (JsonNode item : items) {
      JsonNode tweet = item.has("tweet") ? item.get("tweet") : item;
      String text = tweet.path("full_text").asText(tweet.path("text").asText(""));
      if (text.startsWith("RT @") || tweet.path("retweeted").asBoolean(false)) {
        report.skip("retweet of someone else's post");
        continue;
      }
      for (JsonNode url : tweet.path("entities").path("urls")) {
        if (url.hasNonNull("url") && url.hasNonNull("expanded_url")) {
          text = text.replace(url.get("url").asText(), url.get("expanded_url").asText());
        }
      }
      text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
      Long ts = parseTwitterDate(tweet.path("created_at").asText(""));
      String reply = tweet.path("in_reply_to_status_id_str").asText(null);
      addChecked(report, tweet.path("id_str").asText(""), ts, text, reply == null || reply.isEmpty() ? null : reply);
    }
    return report;
  }

  private static void addChecked(ArchiveReport report, String id, Long ts, String text, String inReplyTo) {
    if (id.isEmpty()) {
      report.skip("no id");
    } else if (ts == null) {
      report.skip("no readable date");
    } else if (text.isBlank()) {
      report.skip("no text");
    } else if (text.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_TEXT) {
      report.skip("text longer than " + Limits.MAX_TEXT + " bytes");
    } else {
      report.add(new ArchivePost(id, ts, text, inReplyTo));
    }
  }

  /** A type name from the file, fit to print in a report: hostile input may carry escape codes. */
  private static String printable(String type) {
    return type.matches("[A-Za-z0-9_:.#/-]{1,64}") ? type : "an unknown type";
  }

  private static Long parseInstant(String s) {
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      // ArithmeticException: a year like +999999999 parses but has no epoch millisecond
      return null;
    }
  }

  private static Long parseTwitterDate(String s) {
    try {
      return ZonedDateTime.parse(s, TWITTER_DATE).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  /** Mastodon's HTML to plain text: paragraphs and breaks become newlines, tags go, entities decode. */
  static String htmlToText(String html) {
    String s = html.replaceAll("(?i)<br\\s*/?>", "\n").replaceAll("(?i)</p>\\s*<p[^>]*>", "\n\n");
    s = s.replaceAll("<[^>]*>", "");
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&apos;", "'").replace("&nbsp;", " ").replace("&amp;", "&");
    return s.strip();
  }
}
