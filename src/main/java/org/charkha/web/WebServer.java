package org.charkha.web;

import static com.google.common.base.Preconditions.checkArgument;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local web UI and its JSON API (protocol-notes/http-api.md), on 127.0.0.1 only.
 *
 * <p>Everything a remote feed wrote is hostile, and so is every other web page the owner's browser
 * has open. The defences, each checked on every request before any route runs: the Host header
 * must name this server (stops DNS rebinding), a present Origin must be this server's (stops
 * cross-site writes), every {@code /api} call must carry the session token that only the served
 * index.html contains (other origins cannot read it), and every response carries a strict
 * Content-Security-Policy so even a rendering mistake cannot run a script.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Request bodies larger than this are refused with 413 before they are read. */
  public static final int MAX_BODY = 64 * 1024;
  public static final String TOKEN_HEADER = "X-Charkha-Token";

  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'self'";
  // The token is embedded in HTML; this shape needs no escaping there.
  private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  private static final int THREADS = 4;

  private final HttpServer server;
  private final ExecutorService pool;
  private final EventStream events;
  private final AutoCloseable subscription;
  private final Api api;
  private final StaticFiles statics;
  private final byte[] token;
  private final int port;
  private final List<String> hosts;
  private final List<String> origins;

  private WebServer(AppService app, int port, String token) throws IOException {
    this.token = token.getBytes(StandardCharsets.US_ASCII);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 32);
    this.port = server.getAddress().getPort();
    this.hosts = List.of("127.0.0.1:" + this.port, "localhost:" + this.port);
    this.origins = List.of("http://127.0.0.1:" + this.port, "http://localhost:" + this.port);
    this.events = new EventStream();
    this.api = new Api(app, events);
    this.statics = new StaticFiles(token);
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "charkha-web-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    this.subscription = app.onChange(events::changed);
    server.start();
  }

  /**
   * Serves the UI for {@code app} on 127.0.0.1:{@code port} (0 picks a free port). {@code token}
   * is this session's secret, 16 to 128 characters of base64url (see {@link #newToken()}).
   */
  public static WebServer start(AppService app, int port, String token) throws IOException {
    checkArgument(port >= 0 && port <= 65535, "port must be 0 to 65535, got %s", port);
    checkArgument(token != null && TOKEN_SHAPE.matcher(token).matches(),
        "session token must be 16 to 128 characters of A-Z a-z 0-9 _ -");
    return new WebServer(app, port, token);
  }

  /** A fresh session token: 256 random bits, base64url. */
  public static String newToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public int getPort() {
    return port;
  }

  /** The session token, for local clients (the CLI reads it from the owner-only node.json). */
  public String token() {
    return new String(token, StandardCharsets.US_ASCII);
  }

  /** Event streams open now (at most {@link EventStream#MAX_CLIENTS}). */
  int eventStreams() {
    return events.size();
  }

  /** The address to open in a browser: it carries the session token, so only its holder gets the UI. */
  public String url() {
    return "http://127.0.0.1:" + port + "/?t=" + token();
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      log.warn("closing the change subscription: {}", e.toString());
    }
    events.close();
    server.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange ex) {
    boolean keepOpen = false;
    try {
      Headers h = ex.getResponseHeaders();
      h.set("Content-Security-Policy", CSP);
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("X-Frame-Options", "DENY");
      h.set("Cross-Origin-Opener-Policy", "same-origin");
      h.set("Cross-Origin-Resource-Policy", "same-origin");
      h.set("Cache-Control", "no-store");
      checkHost(ex);
      checkOrigin(ex);
      String path = ex.getRequestURI().getRawPath();
      if (path.equals("/api") || path.startsWith("/api/")) {
        checkFetchSite(ex);
        checkToken(ex);
        keepOpen = api.handle(ex);
      } else {
        statics.handle(ex);
      }
    } catch (WebException e) {
      sendError(ex, e.status(), e.getMessage());
    } catch (IllegalArgumentException e) {
      sendError(ex, 400, e.getMessage() == null ? "bad request" : e.getMessage());
    } catch (NoSuchElementException e) {
      sendError(ex, 404, e.getMessage() == null ? "not found" : e.getMessage());
    } catch (Exception e) {
      log.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
      sendError(ex, 500, "internal error; the node's log has the details");
    } finally {
      if (!keepOpen) {
        ex.close();
      }
    }
  }

  /** DNS rebinding: a hostile name that resolves to 127.0.0.1 still sends its own name as Host. */
  private void checkHost(HttpExchange ex) {
    List<String> host = ex.getRequestHeaders().get("Host");
    if (host == null || host.size() != 1 || !hosts.contains(host.get(0).toLowerCase(Locale.ROOT))) {
      throw new WebException(403, "unexpected Host header; open the UI at " + url());
    }
  }

  /** A browser names the page that made a request; only our own page may call us. */
  private void checkOrigin(HttpExchange ex) {
    List<String> origin = ex.getRequestHeaders().get("Origin");
    if (origin != null && (origin.size() != 1 || !origins.contains(origin.get(0).toLowerCase(Locale.ROOT)))) {
      throw new WebException(403, "requests from other origins are not allowed");
    }
  }

  /**
   * Fetch metadata: browsers mark requests that another site's page made. Only API calls are
   * refused for it; following a link to the UI from elsewhere is a cross-site navigation and fine.
   */
  private static void checkFetchSite(HttpExchange ex) {
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && site.equals("cross-site")) {
      throw new WebException(403, "requests from other sites are not allowed");
    }
  }

  /**
   * The header carries the token. EventSource and img elements cannot set headers, so the two
   * GET routes they use also take it as the {@code token} query parameter.
   */
  private void checkToken(HttpExchange ex) {
    String given = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
    String path = ex.getRequestURI().getRawPath();
    if (given == null && ex.getRequestMethod().equals("GET")
        && (path.equals("/api/events") || path.equals("/api/qr.svg"))) {
      given = Query.parse(ex.getRequestURI().getRawQuery()).get("token");
    }
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token)) {
      throw new WebException(403, "missing or wrong " + TOKEN_HEADER + "; reload the page");
    }
  }

  private static void sendError(HttpExchange ex, int status, String message) {
    try {
      if (status == 405 && ex.getResponseHeaders().getFirst("Allow") == null) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
      }
      if (status == 413) {
        ex.getResponseHeaders().set("Connection", "close");
      }
      Api.sendJson(ex, status, java.util.Map.of("error", message));
    } catch (IOException | IllegalStateException e) {
      // Headers already sent or the client went away: nothing more to tell it.
      log.debug("could not send {} response: {}", status, e.toString());
    }
  }
}
