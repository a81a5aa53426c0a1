package org.charkha.cli;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.charkha.node.NodeInfo;
import org.charkha.web.AppService;

/**
 * The read side of {@link AppService} over a running node's HTTP API, so the CLI sees the node's
 * state. Writes do not come here: the CLI appends to the data directory, which the node watches.
 */
final class NodeClient implements AppService {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final NodeInfo info;

  NodeClient(NodeInfo info) {
    this.info = info;
  }

  private <T> T get(String path, JavaType type) {
    // HttpURLConnection: java.net.http's client costs a few hundred ms of class loading per CLI run.
    try {
      var url = new URL("http://127.0.0.1:" + info.webPort() + "/api" + path);
      HttpURLConnection c = (HttpURLConnection) url.openConnection();
      c.setConnectTimeout(2_000);
      c.setReadTimeout(30_000);
      c.setRequestProperty("X-Charkha-Token", info.token());
      int status = c.getResponseCode();
      if (status != 200) {
        byte[] body;
        try (InputStream err = c.getErrorStream()) {
          body = err == null ? new byte[0] : err.readAllBytes();
        }
        String error = body.length == 0 ? "HTTP " + status : JSON.readTree(body).path("error").asText("HTTP " + status);
        if (status == 404) {
          throw new java.util.NoSuchElementException(error);
        }
        throw status == 400 ? new IllegalArgumentException(error) : new IllegalStateException(error);
      }
      try (InputStream in = c.getInputStream()) {
        return JSON.readValue(in, type);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the running node (pid " + info.pid() + ") did not answer: " + e.getMessage(), e);
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
  public SearchResults search(String query, int limit) {
    return get("/search?q=" + q(query) + "&limit=" + limit, type(SearchResults.class));
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
