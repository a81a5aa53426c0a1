package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.charkha.feed.FeedId;
import org.charkha.feed.Identity;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node run with {@code --no-push} does not advertise {@code charkha_item} (0009 §3) to its peers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushAdvertisingTest {
  @TempDir Path tmp;

  @Test
  void onlyANodeWithPushOnAdvertisesTheItemMessage() throws Exception {
    FeedId feed = Identity.generate().feed();
    List<byte[]> pieces = List.of(SwarmEngineTest.randomBytes(5000));
    FeedTorrent t = FeedTorrent.ofPieces(feed, pieces);
    Path authorRoot = tmp.resolve("author");
    SwarmEngineTest.write(authorRoot, t, pieces);
    PushAgent authorPush = new PushAgent();
    try (SwarmEngine author = SwarmEngine.start(loopback("a"), authorPush.module())) {
      author.seed(t, authorRoot).completion().get(10, TimeUnit.SECONDS);
      List<InetSocketAddress> authorAddress = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), author.port()));

      PushAgent off = new PushAgent();
      off.setEnabled(false);
      try (SwarmEngine noPush = SwarmEngine.start(loopback("b"), off.module())) {
        noPush.fetch(feed, t.infohash(), tmp.resolve("b-root"), authorAddress, Duration.ofSeconds(30))
            .completion().get(30, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertEquals(0, authorPush.capableConnections(), "a --no-push peer does not offer charkha_item");
      }

      PushAgent on = new PushAgent();
      try (SwarmEngine withPush = SwarmEngine.start(loopback("c"), on.module())) {
        withPush.fetch(feed, t.infohash(), tmp.resolve("c-root"), authorAddress, Duration.ofSeconds(30))
            .completion().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (authorPush.capableConnections() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(1, authorPush.capableConnections(), "a peer with push on offers it");
      }
    }
  }

  private SwarmConfig loopback(String name) throws java.io.IOException {
    return SwarmEngineTest.loopback(SwarmEngineTest.freePort(), tmp.resolve(name + "-state"));
  }
}
