package org.charkha.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The UI's three files from the class path. index.html carries the session token, so it is served
 * only to whoever shows the token: once in the link the node prints ({@code /?t=TOKEN}), which
 * then sets an HttpOnly, SameSite=Strict session cookie. Anyone else on the machine who connects to
 * 127.0.0.1 gets a page that says how to open the UI, and no token.
 */
final class StaticFiles {
  private static final String TOKEN_SLOT = "{{TOKEN}}";

  static final String COOKIE = "charkha_session";
  private static final byte[] LOCKED = ("<!doctype html><meta charset=utf-8><title>Charkha</title>"
      + "<p>This is a Charkha node. Open it with the link that <code>charkha run</code> printed"
      + " (it is also in <code>node.json</code> in your data directory).</p>").getBytes(StandardCharsets.UTF_8);

  private final Map<String, Resource> files;
  private final String token;

  private record Resource(String contentType, byte[] body) {}

  StaticFiles(String token) {
    this.token = token;
    String index = new String(load("index.html"), StandardCharsets.UTF_8);
    if (!index.contains(TOKEN_SLOT)) {
      throw new IllegalStateException("web/index.html has no " + TOKEN_SLOT + " slot");
    }
    files = Map.of(
        "/", new Resource("text/html; charset=utf-8",
            index.replace(TOKEN_SLOT, token).getBytes(StandardCharsets.UTF_8)),
        "/app.js", new Resource("text/javascript; charset=utf-8", load("app.js")),
        "/app.css", new Resource("text/css; charset=utf-8", load("app.css")));
  }

  void handle(HttpExchange ex) throws IOException {
    Resource r = files.get(ex.getRequestURI().getRawPath());
    if (r == null) {
      throw new WebException(404, "no such page");
    }
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new WebException(405, "use GET");
    }
    if (r.contentType().startsWith("text/html") && !authorized(ex)) {
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(401, method.equals("HEAD") ? -1 : LOCKED.length);
      if (!method.equals("HEAD")) {
        ex.getResponseBody().write(LOCKED);
      }
      return;
    }
    ex.getResponseHeaders().set("Content-Type", r.contentType());
    if (method.equals("HEAD")) {
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(200, r.body().length);
    ex.getResponseBody().write(r.body());
  }

  /** The token in the query (then remembered in a cookie) or in the session cookie. */
  private boolean authorized(HttpExchange ex) {
    String query = ex.getRequestURI().getRawQuery();
    if (query != null) {
      for (String param : query.split("&")) {
        if (param.startsWith("t=") && matches(param.substring(2))) {
          ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
          return true;
        }
      }
    }
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String c : header.split(";")) {
        String kv = c.strip();
        if (kv.startsWith(COOKIE + "=") && matches(kv.substring(COOKIE.length() + 1))) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean matches(String candidate) {
    return java.security.MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII),
        token.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] load(String name) {
    try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource web/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
