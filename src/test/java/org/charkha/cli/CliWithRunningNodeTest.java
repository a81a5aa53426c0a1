package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Identity;
import org.charkha.node.LoopbackNode;
import org.charkha.node.Node;
import org.charkha.node.NodeInfo;
import org.charkha.node.SwarmNetwork;
import org.charkha.store.DataDir;
import org.charkha.swarm.SwarmConfig;
import org.charkha.sync.SyncEngine;
import org.charkha.web.AppService;
import org.charkha.web.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** While a node runs, the CLI's reads go through its API and its writes are published by it. */
class CliWithRunningNodeTest {
  @TempDir Path home;

  private String cli(String... args) {
    CommandLine cl = Cli.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    String[] full = new String[args.length + 2];
    full[0] = "--home";
    full[1] = home.toString();
    System.arraycopy(args, 0, full, 2, args.length);
    assertEquals(0, cl.execute(full), String.join(" ", args));
    return out.toString();
  }

  /** How often each AppService method was called through the node's API. */
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();

  /** {@code app}, counting its calls: the offline path reads the same data directory, so only a count tells them apart. */
  private AppService counted(AppService app) {
    return (AppService) Proxy.newProxyInstance(AppService.class.getClassLoader(), new Class<?>[] {AppService.class},
        (proxy, method, args) -> {
          calls.merge(method.getName(), 1, Integer::sum);
          try {
            return method.invoke(app, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void cliPostIsPublishedByTheNodeAndReadBackThroughItsApi() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    DataDir data = DataDir.open(home);
    SwarmConfig config = SwarmConfig.builder(port, home.resolve("swarm"))
        .bindAddress(InetAddress.getLoopbackAddress()).dht(false).publicBootstrap(false).lsd(false).build();
    try (Node node = Node.start(data, SwarmNetwork.start(config, true, Duration.ofSeconds(30)),
        SyncEngine.Config.defaults());
        WebServer web = WebServer.start(counted(node.app()), 0, WebServer.newToken())) {
      new NodeInfo(ProcessHandle.current().pid(), port, web.getPort(), web.token()).write(home);
      String ref = cli("post", "written by the CLI").strip().split("\\s+")[1];
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      JsonNode items;
      do {
        items = new ObjectMapper().readTree(cli("timeline", "--json")).get("items");
        Thread.sleep(100);
      } while (items.size() == 0 && System.nanoTime() < deadline);
      assertEquals(ref, items.get(0).get("ref").asText(), "the node noticed and indexed the CLI's post");
      assertTrue(calls.getOrDefault("homeTimeline", 0) > 0, "timeline was read through the node's API: " + calls);
      assertTrue(node.own().currentItem().isPresent());

      JsonNode status = new ObjectMapper().readTree(cli("status", "--json"));
      assertTrue(status.get("running").asBoolean(), "status came from the running node: " + status);
      assertEquals(1, calls.getOrDefault("status", 0), "status was read through the node's API: " + calls);
      assertTrue(cli("status").contains("DHT nodes 0"));
    }
  }

  @Test
  void statusSaysFetchingMetadataUntilTheTorrentIsKnownNotMinusZeroPercent() throws Exception {
    LoopbackNode follower = LoopbackNode.start(home, Duration.ofMinutes(1));
    try (Node node = follower.node()) {
      WebServer web = node.startWeb(0);
      new NodeInfo(ProcessHandle.current().pid(), follower.port(), web.getPort(), web.token()).write(home);
      Identity alice = Identity.generate();
      node.own().follow(alice.feed());
      node.checkOwnFeed();
      byte[] nobodySeedsThis = new byte[20];
      new SecureRandom().nextBytes(nobodySeedsThis);
      node.sync().offer(MutableItem.signInfohash(alice, alice.feed(), 1, nobodySeedsThis),
          List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), LoopbackNode.freePort())));

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      JsonNode feed;
      do {
        feed = new ObjectMapper().readTree(cli("status", "--json")).get("feeds").get(0);
        Thread.sleep(50);
      } while (!feed.get("state").asText().equals("downloading") && System.nanoTime() < deadline);
      assertEquals("downloading", feed.get("state").asText(), feed.toString());
      assertTrue(feed.get("progress").isNull(), "no piece count before the metadata: " + feed);
      String text = cli("status");
      assertTrue(text.contains("fetching metadata"), text);
      assertFalse(text.contains("-0%"), text);
    }
  }
}
