package org.charkha.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLink;
import org.charkha.feed.Limits;
import org.charkha.web.AppService.ThreadNode;
import org.charkha.web.AppService.ThreadView;

/**
 * The {@code /api} routes (protocol-notes/http-api.md): parses and bounds each request into typed, canonical
 * arguments, calls the {@link AppService}, and writes its answer as JSON. Security checks have
 * already passed when a request gets here.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int DEFAULT_LIMIT = 30;
  static final int MAX_LIMIT = 100;
  static final int MAX_CURSOR = 256;
  static final int MAX_QUERY = 256;

  private final AppService app;
  private final EventStream events;

  Api(AppService app, EventStream events) {
    this.app = app;
    this.events = events;
  }

  /** Answers one request; true when the exchange was handed to the event stream and stays open. */
  boolean handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath().substring("/api".length());
    String method = ex.getRequestMethod();
    Map<String, String> q = Query.parse(ex.getRequestURI().getRawQuery());
    List<String> seg = segments(path);
    String first = seg.isEmpty() ? "" : seg.get(0);

    if (method.equals("POST")) {
      if (seg.size() != 1 || !isAction(first)) {
        throw isReadRoute(seg) ? methodNotAllowed(ex, "GET") : new WebException(404, "no such API route: POST /api" + path);
      }
      JsonNode body = readJsonObject(ex);
      sendJson(ex, 200, act(first, body));
      return false;
    }
    if (!method.equals("GET")) {
      throw methodNotAllowed(ex, "GET, POST");
    }
    switch (seg.size() + ":" + first) {
      case "1:self" -> sendJson(ex, 200, app.self());
      case "1:timeline" -> sendJson(ex, 200, app.homeTimeline(cursor(q), limit(q)));
      case "3:feeds" -> {
        if (!seg.get(2).equals("timeline")) {
          throw new WebException(404, "no such API route: GET /api" + path);
        }
        sendJson(ex, 200, app.authorTimeline(feed(seg.get(1)), cursor(q), limit(q)));
      }
      case "3:thread" -> sendJson(ex, 200, capDepth(app.thread(ref(seg.get(1) + "/" + seg.get(2)))));
      case "2:profile" -> sendJson(ex, 200, app.profile(feed(seg.get(1))));
      case "2:following" -> sendJson(ex, 200, app.following(feed(seg.get(1))));
      case "2:followers" -> sendJson(ex, 200, app.followers(feed(seg.get(1))));
      case "1:search" -> sendJson(ex, 200, app.search(searchQuery(q.get("q")), limit(q)));
      case "1:status" -> sendJson(ex, 200, app.status());
      case "1:qr.svg" -> {
        String text = q.get("text");
        String svg = QrSvg.of(text == null || text.isEmpty() ? app.self().link() : text);
        byte[] b = svg.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "image/svg+xml");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      }
      case "1:events" -> {
        events.open(ex);
        return true;
      }
      default -> throw seg.size() == 1 && isAction(first)
          ? methodNotAllowed(ex, "POST")
          : new WebException(404, "no such API route: GET /api" + path);
    }
    return false;
  }

  private Object act(String action, JsonNode body) {
    if (action.equals("follow")) {
      FeedLink link = FeedLink.parse(string(body, "link"));
      String ref = app.follow(link.toString());
      return Map.of("ref", ref, "feed", link.feed().toString());
    }
    String ref = switch (action) {
      case "post" -> app.post(text(body, "text"));
      case "comment" -> app.comment(ref(string(body, "on")), text(body, "text"));
      case "edit" -> app.edit(ref(string(body, "ref")), text(body, "text"));
      case "delete" -> app.delete(ref(string(body, "ref")));
      case "react" -> app.react(ref(string(body, "on")), emoji(string(body, "emoji")));
      case "profile" -> app.setProfile(
          bounded(optionalString(body, "name"), "name", Limits.MAX_NAME),
          bounded(optionalString(body, "bio"), "bio", Limits.MAX_TEXT));
      case "unfollow" -> app.unfollow(feed(string(body, "feed")));
      default -> throw new IllegalStateException(action);
    };
    return Map.of("ref", ref);
  }

  private static boolean isAction(String s) {
    return List.of("post", "comment", "edit", "delete", "react", "profile", "follow", "unfollow").contains(s);
  }

  private static boolean isReadRoute(List<String> seg) {
    return !seg.isEmpty() && List.of("self", "timeline", "feeds", "thread", "profile", "following",
        "followers", "search", "status", "events", "qr.svg").contains(seg.get(0));
  }

  private static WebException methodNotAllowed(HttpExchange ex, String allow) {
    ex.getResponseHeaders().set("Allow", allow);
    return new WebException(405, "method not allowed here; use " + allow);
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(Query.decode(s));
      }
    }
    return out;
  }

  // Request values: each becomes a canonical, bounded value here, or the request is refused.

  private static String feed(String s) {
    return FeedId.parse(s.strip()).toString();
  }

  private static String ref(String s) {
    return EntryRef.parse(s.strip()).toString();
  }

  private static String cursor(Map<String, String> q) {
    String c = q.get("cursor");
    if (c == null || c.isEmpty()) {
      return null;
    }
    if (c.length() > MAX_CURSOR) {
      throw new IllegalArgumentException("cursor longer than " + MAX_CURSOR + " characters");
    }
    return c;
  }

  private static int limit(Map<String, String> q) {
    String l = q.get("limit");
    if (l == null || l.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(l);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_LIMIT + ", got '"
        + l.substring(0, Math.min(l.length(), 20)) + "'");
  }

  private static String searchQuery(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("search needs a query: ?q=words");
    }
    if (s.length() > MAX_QUERY) {
      throw new IllegalArgumentException("search query longer than " + MAX_QUERY + " characters");
    }
    return s.strip();
  }

  private static String text(JsonNode body, String field) {
    String t = string(body, field);
    if (t.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is empty; write something first");
    }
    return bounded(t, field, Limits.MAX_TEXT);
  }

  private static String emoji(String e) {
    if (e.isBlank()) {
      throw new IllegalArgumentException("'emoji' is empty");
    }
    return bounded(e, "emoji", Limits.MAX_EMOJI);
  }

  private static String bounded(String s, String field, int maxBytes) {
    if (s != null && s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw new IllegalArgumentException("'" + field + "' is longer than " + maxBytes + " bytes");
    }
    return s;
  }

  private static String string(JsonNode body, String field) {
    String s = optionalString(body, field);
    if (s == null) {
      throw new IllegalArgumentException("request body needs a string '" + field + "'");
    }
    return s;
  }

  private static String optionalString(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return v.textValue();
  }

  private static JsonNode readJsonObject(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new WebException(415, "send the request body as Content-Type: application/json");
    }
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > WebServer.MAX_BODY) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new WebException(400, "bad Content-Length");
      }
    }
    byte[] bytes = readAtMost(ex.getRequestBody(), WebServer.MAX_BODY);
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("request body must be a JSON object");
    }
    return node;
  }

  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      if (out.size() > max) {
        throw tooLarge();
      }
    }
    return out.toByteArray();
  }

  private static WebException tooLarge() {
    return new WebException(413, "request body larger than " + WebServer.MAX_BODY + " bytes");
  }

  /**
   * Bounds a thread's nesting so neither the JSON writer nor the page recurses without end on a
   * hostile chain of comments: replies below {@link AppService#MAX_THREAD_DEPTH} are listed,
   * flat and oldest first, under their ancestor at that depth.
   */
  static ThreadView capDepth(ThreadView t) {
    return new ThreadView(t.root(), cap(t.replies(), 1));
  }

  private static List<ThreadNode> cap(List<ThreadNode> nodes, int depth) {
    List<ThreadNode> out = new ArrayList<>(nodes.size());
    for (ThreadNode n : nodes) {
      if (depth < AppService.MAX_THREAD_DEPTH) {
        out.add(new ThreadNode(n.post(), cap(n.replies(), depth + 1)));
      } else {
        out.add(new ThreadNode(n.post(), flatten(n.replies())));
      }
    }
    return out;
  }

  private static List<ThreadNode> flatten(List<ThreadNode> nodes) {
    List<ThreadNode> flat = new ArrayList<>();
    Deque<ThreadNode> todo = new ArrayDeque<>(nodes);
    while (!todo.isEmpty()) {
      ThreadNode n = todo.removeFirst();
      flat.add(new ThreadNode(n.post(), List.of()));
      List<ThreadNode> kids = n.replies();
      for (int i = kids.size() - 1; i >= 0; i--) {
        todo.addFirst(kids.get(i));
      }
    }
    flat.sort(java.util.Comparator.comparingLong(n -> n.post().ts()));
    return flat;
  }

  static void sendJson(HttpExchange ex, int status, Object value) throws IOException {
    byte[] b = JSON.writeValueAsBytes(value);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }
}
