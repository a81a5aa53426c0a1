package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A thief with A's private key runs a real node on another host and publishes a different history
 * under A's feed, with a higher seq in the DHT. A's follower B rejects it as EQUIVOCATION, shows the
 * warning in its status, keeps A's good version, does not download the thief's version again on every
 * poll, and still takes A's next genuine post within a bound.
 */
@ExtendWith(SwarmExtension.class)
class StolenKeySwarmIT {
  private static final int POLL = 2;
  /** A genuine post reaches the follower within this, with the thief's item in the DHT. */
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void aThiefsForkIsFlaggedAndTheFollowerKeepsAndExtendsTheGenuineFeed(@Hosts(3) Swarm swarm) {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2)), thief = new CharkhaNode(swarm.host(3));
    CharkhaNode.startAll(List.of(a, b), POLL);
    a.post("genuine one");
    a.awaitAnnounced(1, Duration.ofSeconds(30));
    b.follow(a);
    b.awaitHolds(a, 1, Duration.ofSeconds(60));

    // Given the thief's node runs with A's key and a history of its own, one version ahead of A's
    copyKey(a, thief);
    thief.configure(swarm.hosts(), POLL).launch().awaitRunning();
    assertEquals(a.key(), thief.key(), "the thief publishes under A's key");
    thief.post("forged one");
    thief.post("forged two");
    thief.awaitAnnounced(2, Duration.ofSeconds(60));

    // Then B rejects the thief's version as equivocation, warns, and keeps A's
    Swarm.waitUntil("n2 (B) flags A's feed as equivocating", Duration.ofSeconds(90), () -> feedStatus(b, a).path("equivocation").asBoolean());
    JsonNode status = feedStatus(b, a);
    assertTrue(status.path("rejected").asText().contains("EQUIVOCATION"), status.toString());
    assertEquals(1, status.path("heldSeq").asLong(), status.toString());
    assertEquals(List.of("genuine one"), FollowSwarmIT.texts(b.heldOrFail(a)), "n2 (B) keeps A's good version");
    assertTrue(b.cli("status").stdout().contains("WARNING: this feed signed two different histories"), "the CLI warns");

    // and does not fetch the thief's version again while its item sits in the DHT (several polls)
    CharkhaNode.sleep(5 * POLL * 1000L);
    long rejections = b.host().process().lines().stream().filter(l -> l.contains("rejected seq 2: EQUIVOCATION")).count();
    assertEquals(1, rejections, "n2 (B) downloaded the thief's version once, not on every poll");

    // When A posts again, B takes A's genuine version within the bound (over the push, whatever the DHT says)
    long posted = System.nanoTime();
    a.post("genuine two");
    Swarm.waitUntil("n2 (B) holds A's second genuine post", BOUND,
        () -> b.held(a).map(FollowSwarmIT::texts).orElse(List.of()).contains("genuine two"));
    System.out.printf("StolenKeySwarmIT: A's genuine post reached B in %.1f s with the thief's item in the DHT%n",
        (System.nanoTime() - posted) / 1e9);
    assertEquals(List.of("genuine one", "genuine two"), FollowSwarmIT.texts(b.heldOrFail(a)));
    assertEquals(a.ownLog().get("entries"), b.heldOrFail(a).get("entries"), "n2 (B) holds exactly A's entries");
  }

  private static JsonNode feedStatus(CharkhaNode follower, CharkhaNode author) {
    for (JsonNode f : CharkhaNode.json(follower.cli("status", "--json")).path("feeds")) {
      if (f.path("feed").asText().equals(author.key())) {
        return f;
      }
    }
    return CharkhaNode.json(follower.cli("status", "--json")).path("none");
  }

  private static void copyKey(CharkhaNode from, CharkhaNode to) {
    try {
      Files.createDirectories(to.dataDir());
      Path key = from.dataDir().resolve("identity.key");
      Files.copy(key, to.dataDir().resolve("identity.key"), StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
