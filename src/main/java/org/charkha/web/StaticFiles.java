package org.charkha.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The UI's three files from the class path; index.html gets the session token at serve time. */
final class StaticFiles {
  private static final String TOKEN_SLOT = "{{TOKEN}}";

  private final Map<String, Resource> files;

  private record Resource(String contentType, byte[] body) {}

  StaticFiles(String token) {
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
    ex.getResponseHeaders().set("Content-Type", r.contentType());
    if (method.equals("HEAD")) {
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(200, r.body().length);
    ex.getResponseBody().write(r.body());
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
