package org.charkha.cli;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.charkha.node.NodeInfo;
import org.charkha.web.AppService;

/**
 * The read side of {@link AppService} over a running node's HTTP API, so the CLI sees the node's
 * state. Writes do not come here: the CLI appends to the data directory, which the node watches.
 */
final class NodeClient implements AppService {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final NodeInfo info;

  NodeClient(NodeInfo info) {
    this.info = info;
  }

  private <T> T get(String path, JavaType type) {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + info.webPort() + "/api" + path))
        .header("X-Charkha-Token", info.token())
        .timeout(Duration.ofSeconds(30))
        .GET().build();
    try {
      HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (res.statusCode() != 200) {
        String error = JSON.readTree(res.body()).path("error").asText("HTTP " + res.statusCode());
        if (res.statusCode() == 404) {
          throw new java.util.NoSuchElementException(error);
        }
        throw res.statusCode() == 400 ? new IllegalArgumentException(error) : new IllegalStateException(error);
      }
      return JSON.readValue(res.body(), type);
    } catch (IOException e) {
      throw new IllegalStateException("the running node (pid " + info.pid() + ") did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JavaType type(Class<?> c) {
    return JSON.getTypeFactory().constructType(c);
  }

  private static JavaType pageOf(Class<?> c) {
    return JSON.getTypeFactory().constructParametricType(Page.class, c);
  }

  private static JavaType listOf(Class<?> c) {
    return JSON.getTypeFactory().constructCollectionType(List.class, c);
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String paging(String cursor, int limit) {
    return "?limit=" + limit + (cursor == null ? "" : "&cursor=" + q(cursor));
  }

  @Override
  public ProfileView self() {
    return get("/self", type(ProfileView.class));
  }

  @Override
  public Page<PostView> homeTimeline(String cursor, int limit) {
    return get("/timeline" + paging(cursor, limit), pageOf(PostView.class));
  }

  @Override
  public Page<PostView> authorTimeline(String feed, String cursor, int limit) {
    return get("/feeds/" + feed + "/timeline" + paging(cursor, limit), pageOf(PostView.class));
  }

  @Override
  public ThreadView thread(String ref) {
    return get("/thread/" + ref, type(ThreadView.class));
  }

  @Override
  public ProfileView profile(String feed) {
    return get("/profile/" + feed, type(ProfileView.class));
  }

  @Override
  public List<ProfileView> following(String feed) {
    return get("/following/" + feed, listOf(ProfileView.class));
  }

  @Override
  public List<ProfileView> followers(String feed) {
    return get("/followers/" + feed, listOf(ProfileView.class));
  }

  @Override
  public List<PostView> search(String query, int limit) {
    return get("/search?q=" + q(query) + "&limit=" + limit, listOf(PostView.class));
  }

  @Override
  public StatusView status() {
    return get("/status", type(StatusView.class));
  }

  private static UnsupportedOperationException writes() {
    return new UnsupportedOperationException("the CLI writes to the data directory, not through the API");
  }

  @Override
  public String post(String text) {
    throw writes();
  }

  @Override
  public String comment(String onRef, String text) {
    throw writes();
  }

  @Override
  public String edit(String ref, String text) {
    throw writes();
  }

  @Override
  public String delete(String ref) {
    throw writes();
  }

  @Override
  public String react(String onRef, String emoji) {
    throw writes();
  }

  @Override
  public String setProfile(String name, String bio) {
    throw writes();
  }

  @Override
  public String follow(String link) {
    throw writes();
  }

  @Override
  public String unfollow(String feed) {
    throw writes();
  }

  @Override
  public AutoCloseable onChange(Runnable listener) {
    throw writes();
  }
}
