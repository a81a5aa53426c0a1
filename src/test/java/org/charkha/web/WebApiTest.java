package org.charkha.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.charkha.web.AppService.PostView;
import org.charkha.web.AppService.ThreadNode;
import org.charkha.web.AppService.ThreadView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSON API and its defences, over real sockets against a real {@link WebServer}. */
class WebApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "test-token-0123456789abcdef";

  private MemoryAppService app;
  private WebServer server;
  private HttpClient http;
  private String base;

  @BeforeEach
  void start() throws IOException {
    app = new MemoryAppService();
    server = WebServer.start(app, 0, TOKEN);
    base = "http://127.0.0.1:" + server.getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  // ---- defences ----

  @Test
  void pageFromAnotherHostNameIsRefusedEvenWithTheToken() throws IOException {
    // DNS rebinding: evil.example resolves to 127.0.0.1, but the browser still sends its name.
    assertEquals(403, rawStatus("GET /api/self", "evil.example:" + server.getPort(), TOKEN));
    assertEquals(403, rawStatus("GET /", "evil.example:" + server.getPort(), null));
    assertEquals(403, rawStatus("GET /api/self", "127.0.0.1:1", TOKEN));
    assertEquals(403, rawStatus("GET /api/self", null, TOKEN));
    assertEquals(200, rawStatus("GET /api/self", "localhost:" + server.getPort(), TOKEN));
    assertEquals(200, rawStatus("GET /api/self", "127.0.0.1:" + server.getPort(), TOKEN));
  }

  @Test
  void apiCallsWithoutTheRightTokenAreRefused() throws Exception {
    assertEquals(403, http.send(HttpRequest.newBuilder(uri("/api/self")).build(), BodyHandlers.ofString()).statusCode());
    assertEquals(403, get("/api/self", "wrong-token-0123456789").statusCode());
    assertEquals(403, post("/api/post", "{\"text\":\"hi\"}", null, null).statusCode());
    assertEquals(403, post("/api/post", "{\"text\":\"hi\"}", "wrong-token-0123456789", null).statusCode());
    assertEquals(403, get("/api/events?token=nope", null).statusCode());
    assertEquals(403, get("/api/qr.svg", null).statusCode());
    assertTrue(app.refsOf(MemoryAppService.SELF).isEmpty(), "nothing was posted");
    HttpResponse<String> ok = get("/api/self", TOKEN);
    assertEquals(200, ok.statusCode());
    assertEquals(MemoryAppService.SELF, json(ok).get("feed").asText());
  }

  @Test
  void postFromAForeignOriginIsRefusedEvenWithTheToken() throws Exception {
    HttpResponse<String> r = post("/api/post", "{\"text\":\"pwned\"}", TOKEN, "https://evil.example");
    assertEquals(403, r.statusCode());
    assertTrue(json(r).get("error").asText().contains("origin"));
    assertEquals(403, post("/api/post", "{\"text\":\"pwned\"}", TOKEN, "null").statusCode());
    assertTrue(app.refsOf(MemoryAppService.SELF).isEmpty());

    assertEquals(200, post("/api/post", "{\"text\":\"mine\"}", TOKEN, base).statusCode());
    assertEquals(1, app.refsOf(MemoryAppService.SELF).size());
  }

  @Test
  void crossSiteRequestsAreRefusedByFetchMetadata() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/self"))
        .header(WebServer.TOKEN_HEADER, TOKEN).header("Sec-Fetch-Site", "cross-site").build(), BodyHandlers.ofString());
    assertEquals(403, r.statusCode());
    // A link to the UI on another site is a cross-site navigation: the page itself still opens.
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/?t=" + TOKEN)).header("Sec-Fetch-Site", "cross-site")
        .build(), BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
  }

  @Test
  void oversizedBodyIsRefusedWith413() throws Exception {
    String big = "{\"text\":\"" + "x".repeat(WebServer.MAX_BODY + 10) + "\"}";
    assertEquals(413, post("/api/post", big, TOKEN, null).statusCode());
    // Without a Content-Length (chunked) the server counts as it reads.
    HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(uri("/api/post"))
        .header(WebServer.TOKEN_HEADER, TOKEN).header("Content-Type", "application/json")
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
        .build(), BodyHandlers.ofString());
    assertEquals(413, chunked.statusCode());
    assertTrue(app.refsOf(MemoryAppService.SELF).isEmpty());
  }

  @Test
  void badRequestsGet400WithAMessage() throws Exception {
    HttpResponse<String> r = post("/api/post", "{\"text\": ", TOKEN, null);
    assertEquals(400, r.statusCode());
    assertTrue(json(r).get("error").asText().startsWith("request body is not valid JSON"), r.body());
    assertEquals(400, post("/api/post", "[1,2]", TOKEN, null).statusCode());
    assertEquals(400, post("/api/post", "{\"text\": 5}", TOKEN, null).statusCode());
    assertEquals(400, post("/api/post", "{\"text\": \"   \"}", TOKEN, null).statusCode());
    assertEquals(400, post("/api/post", "{\"text\":\"" + "x".repeat(9000) + "\"}", TOKEN, null).statusCode());
    assertEquals(400, post("/api/comment", "{\"on\":\"nope\",\"text\":\"hi\"}", TOKEN, null).statusCode());
    assertEquals(400, post("/api/follow", "{\"link\":\"https://example.com\"}", TOKEN, null).statusCode());
    assertEquals(400, get("/api/profile/xyz", TOKEN).statusCode());
    assertEquals(400, get("/api/timeline?limit=100000", TOKEN).statusCode());
    assertEquals(400, get("/api/search?q=", TOKEN).statusCode());
    HttpResponse<String> form = http.send(HttpRequest.newBuilder(uri("/api/post"))
        .header(WebServer.TOKEN_HEADER, TOKEN).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(BodyPublishers.ofString("text=hi")).build(), BodyHandlers.ofString());
    assertEquals(415, form.statusCode());
    assertTrue(app.refsOf(MemoryAppService.SELF).isEmpty());
  }

  @Test
  void unknownThingsGet404AndFaultsAGenericError() throws Exception {
    assertEquals(404, get("/api/profile/" + "d".repeat(64), TOKEN).statusCode());
    assertEquals(404, get("/api/thread/" + MemoryAppService.BOB + "/7", TOKEN).statusCode());
    assertEquals(404, get("/api/nothing", TOKEN).statusCode());
    assertEquals(404, get("/secret.txt", null).statusCode());
    assertEquals(405, http.send(HttpRequest.newBuilder(uri("/api/post")).header(WebServer.TOKEN_HEADER, TOKEN)
        .GET().build(), BodyHandlers.ofString()).statusCode());

    app.failNext = new IllegalStateException("database at /home/asha/.charkha/index.db is locked");
    HttpResponse<String> r = get("/api/self", TOKEN);
    assertEquals(500, r.statusCode());
    assertFalse(r.body().contains("/home/asha"), "internal details stay in the log: " + r.body());
  }

  @Test
  void everyResponseCarriesTheStrictHeaders() throws Exception {
    for (HttpResponse<String> r : List.of(get("/", null), get("/?t=" + TOKEN, null), get("/api/self", TOKEN), get("/api/self", null), get("/app.js", null))) {
      String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
          && csp.contains("frame-ancestors 'none'"), csp);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
      assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""));
    }
  }

  @Test
  void withoutTheTokenTheUiIsLockedAndGivesNoToken() throws Exception {
    HttpResponse<String> page = get("/", null);
    assertEquals(401, page.statusCode());
    assertFalse(page.body().contains(TOKEN));
    assertFalse(page.body().contains("charkha-token"));
    assertEquals(401, get("/?t=" + "A".repeat(TOKEN.length()), null).statusCode());
  }

  @Test
  void theTokenLinkSetsASessionCookieThatOpensThePageLater() throws Exception {
    HttpResponse<String> first = get("/?t=" + TOKEN, null);
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    HttpResponse<String> later = http.send(HttpRequest.newBuilder(uri("/"))
        .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), BodyHandlers.ofString());
    assertEquals(200, later.statusCode());
    assertTrue(later.body().contains(TOKEN));
  }

  @Test
  void pageCarriesTheTokenAndNoInlineScript() throws Exception {
    HttpResponse<String> page = get("/?t=" + TOKEN, null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<meta name=\"charkha-token\" content=\"" + TOKEN + "\">"));
    assertFalse(page.body().replace("<script src=\"/app.js\" defer></script>", "").contains("<script"));
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(get("/app.js", null).headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
  }

  // ---- the API's happy paths ----

  @Test
  void ownerPostsCommentsEditsReactsAndDeletes() throws Exception {
    String ref = json(post("/api/post", "{\"text\":\"hello, world\"}", TOKEN, base)).get("ref").asText();
    assertEquals(MemoryAppService.SELF + "/0", ref);
    JsonNode page = json(get("/api/timeline?limit=10", TOKEN));
    assertEquals("hello, world", page.get("items").get(0).get("text").asText());
    assertTrue(page.get("items").get(0).get("mine").asBoolean());
    assertTrue(page.get("nextCursor").isNull());

    String bobRef = app.remotePost(MemoryAppService.BOB, ref, "welcome!");
    String reply = json(post("/api/comment", "{\"on\":\"" + bobRef + "\",\"text\":\"thanks\"}", TOKEN, base))
        .get("ref").asText();
    JsonNode thread = json(get("/api/thread/" + ref, TOKEN));
    assertEquals("welcome!", thread.get("replies").get(0).get("post").get("text").asText());
    assertEquals(reply, thread.get("replies").get(0).get("replies").get(0).get("post").get("ref").asText());

    assertEquals(200, post("/api/edit", "{\"ref\":\"" + ref + "\",\"text\":\"hello, edited\"}", TOKEN, base).statusCode());
    assertEquals("hello, edited", app.textOf(ref));
    assertEquals(200, post("/api/react", "{\"on\":\"" + bobRef + "\",\"emoji\":\"🙏\"}", TOKEN, base).statusCode());
    assertEquals(1, app.reactionsOn(bobRef, "🙏"));
    assertEquals(400, post("/api/edit", "{\"ref\":\"" + bobRef + "\",\"text\":\"mine now\"}", TOKEN, base).statusCode());
    assertEquals(200, post("/api/delete", "{\"ref\":\"" + ref + "\"}", TOKEN, base).statusCode());
    assertTrue(json(get("/api/thread/" + ref, TOKEN)).get("root").get("deleted").asBoolean());
  }

  @Test
  void ownerFollowsByLinkAndUnfollows() throws Exception {
    String dave = "D".repeat(64); // links may use upper-case hex; the API answers in canonical form
    app.addFeed(dave.toLowerCase(), "Dave");
    HttpResponse<String> r = post("/api/follow", "{\"link\":\" magnet:?xs=urn:btpk:" + dave + "&dn=Dave \"}", TOKEN, base);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(dave.toLowerCase(), json(r).get("feed").asText());
    assertTrue(app.follows(dave.toLowerCase()));
    JsonNode profile = json(get("/api/profile/" + dave, TOKEN));
    assertTrue(profile.get("followedByMe").asBoolean());
    assertEquals("Dave", profile.get("name").asText());
    assertEquals(1, json(get("/api/following/" + MemoryAppService.SELF, TOKEN)).size());
    assertEquals(1, json(get("/api/followers/" + dave, TOKEN)).size());
    assertEquals(1, json(get("/api/status", TOKEN)).get("feeds").size());

    assertEquals(200, post("/api/unfollow", "{\"feed\":\"" + dave + "\"}", TOKEN, base).statusCode());
    assertFalse(app.follows(dave.toLowerCase()));
  }

  @Test
  void timelinesPageWithCursorsAndSearchFindsText() throws Exception {
    for (int i = 0; i < 5; i++) {
      post("/api/post", "{\"text\":\"note " + i + "\"}", TOKEN, base);
    }
    JsonNode first = json(get("/api/timeline?limit=3", TOKEN));
    assertEquals(3, first.get("items").size());
    assertEquals("note 4", first.get("items").get(0).get("text").asText());
    JsonNode second = json(get("/api/timeline?limit=3&cursor=" + first.get("nextCursor").asText(), TOKEN));
    assertEquals(2, second.get("items").size());
    assertTrue(second.get("nextCursor").isNull());
    assertEquals(5, json(get("/api/feeds/" + MemoryAppService.SELF + "/timeline", TOKEN)).get("items").size());

    JsonNode found = json(get("/api/search?q=NOTE%203", TOKEN));
    assertEquals(1, found.get("posts").size());
    assertEquals("note 3", found.get("posts").get(0).get("text").asText());
    assertEquals(0, found.get("people").size());
  }

  @Test
  void aThreadCarriesTheTextHistoryOfAnEditedPost() throws Exception {
    String ref = app.post("first words");
    app.edit(ref, "better words");
    JsonNode root = json(get("/api/thread/" + ref, TOKEN)).get("root");
    assertEquals(2, root.get("history").size());
    assertEquals("better words", root.get("history").get(1).get("text").asText());
    assertEquals(0, json(get("/api/timeline", TOKEN)).get("items").get(0).get("history").size(),
        "timelines leave the history out");
  }

  @Test
  void searchReturnsPeopleWhoseBioMatches() throws Exception {
    JsonNode found = json(get("/api/search?q=spin", TOKEN));
    assertEquals(1, found.get("people").size());
    JsonNode asha = found.get("people").get(0);
    assertEquals(MemoryAppService.SELF, asha.get("feed").asText());
    assertEquals("Asha", asha.get("name").asText());
    assertTrue(asha.get("link").asText().startsWith("magnet:?xs=urn:btpk:"));
  }

  @Test
  void profileIsSetAndQrCodeIsAnSvgOfTheLink() throws Exception {
    assertEquals(200, post("/api/profile", "{\"name\":\"Asha K\",\"bio\":\"spinner\"}", TOKEN, base).statusCode());
    JsonNode self = json(get("/api/self", TOKEN));
    assertEquals("Asha K", self.get("name").asText());
    assertEquals("spinner", self.get("bio").asText());

    HttpResponse<String> qr = get("/api/qr.svg?token=" + TOKEN, null);
    assertEquals(200, qr.statusCode());
    assertEquals("image/svg+xml", qr.headers().firstValue("Content-Type").orElse(""));
    assertTrue(qr.body().startsWith("<svg") && qr.body().contains("<path"), qr.body());
    assertEquals(200, get("/api/qr.svg?text=magnet%3A%3Fxs%3Durn%3Abtpk%3A" + "e".repeat(64), TOKEN).statusCode());
    assertEquals(400, get("/api/qr.svg?text=" + "x".repeat(3000), TOKEN).statusCode());
  }

  // ---- live updates ----

  @Test
  void eventStreamDeliversAChangeWhenTheAppReportsOne() throws Exception {
    HttpResponse<Stream<String>> r = http.sendAsync(HttpRequest.newBuilder(uri("/api/events?token=" + TOKEN)).build(),
        BodyHandlers.ofLines()).get(5, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    CompletableFuture<String> change = CompletableFuture.supplyAsync(
        () -> r.body().filter(l -> l.startsWith("event: ")).findFirst().orElse(null));
    app.remotePost(MemoryAppService.BOB, null, "fresh from the swarm");
    assertEquals("event: change", change.get(5, TimeUnit.SECONDS));
    r.body().close();
  }

  @Test
  void aNewEventStreamBeyondTheLimitClosesTheOldestInsteadOfBeingRefused() throws Exception {
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    for (int i = 0; i <= EventStream.MAX_CLIENTS; i++) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri("/api/events"))
          .header(WebServer.TOKEN_HEADER, TOKEN).build(), BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode(), "stream " + (i + 1));
      open.add(r);
    }
    // The oldest stream ends (EOF after its opening lines); the count stays bounded.
    InputStream oldest = open.get(0).body();
    String rest = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(oldest.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return "closed: " + e.getMessage();
      }
    }).get(5, TimeUnit.SECONDS);
    assertTrue(rest.startsWith("retry:") || rest.startsWith("closed"), rest);
    assertEquals(EventStream.MAX_CLIENTS, server.eventStreams());
    for (HttpResponse<InputStream> r : open) {
      r.body().close();
    }
  }

  @Test
  void closingTheServerStopsListening() throws Exception {
    assertEquals(1, app.listenerCount());
    server.close();
    assertEquals(0, app.listenerCount());
  }

  // ---- thread depth ----

  @Test
  void hostileDeepThreadIsCappedInDepth() {
    PostView p = new PostView("r/0", MemoryAppService.BOB, "b", 0, 0, "x", false, false, null, 0, Map.of(), false, false);
    ThreadNode chain = new ThreadNode(p, List.of());
    for (int i = 0; i < 500; i++) {
      chain = new ThreadNode(p, List.of(chain));
    }
    ThreadView capped = Api.capDepth(new ThreadView(p, List.of(chain)));
    int depth = 0;
    int total = 0;
    List<ThreadNode> level = capped.replies();
    while (!level.isEmpty()) {
      depth++;
      total += level.size();
      level = level.stream().flatMap(n -> n.replies().stream()).toList();
    }
    assertEquals(AppService.MAX_THREAD_DEPTH + 1, depth);
    assertEquals(501, total, "no reply is lost, only moved up");
  }

  // ---- helpers ----

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header(WebServer.TOKEN_HEADER, token);
    }
    return http.send(b.build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String token, String origin)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    if (token != null) {
      b.header(WebServer.TOKEN_HEADER, token);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    assertNotNull(r.body());
    return JSON.readTree(r.body());
  }

  /** One request over a plain socket, to send a Host header HttpClient would not. */
  private int rawStatus(String requestLine, String host, String token) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.getPort())) {
      s.setSoTimeout(5000);
      StringBuilder req = new StringBuilder(requestLine).append(" HTTP/1.1\r\n");
      if (host != null) {
        req.append("Host: ").append(host).append("\r\n");
      }
      if (token != null) {
        req.append(WebServer.TOKEN_HEADER).append(": ").append(token).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
