package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An author edits one post and deletes another: the follower's stored copy shows the edit, shows the
 * deleted entry redacted, and after the old version's grace period (30 s, kept so that the push for the
 * new version can still travel on its connections) no file of the follower holds the deleted text.
 */
@ExtendWith(SwarmExtension.class)
class EditDeleteSwarmIT {
  private static final String SECRET = "bravo secret 7f3a9c";

  @Test
  void followerSeesEditAndLosesDeletedBytes(@Hosts(2) Swarm swarm) {
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2));
    CharkhaNode.startAll(List.of(a, b), 2);

    // Given B holds two posts of A, the second one's text in its files
    String kept = a.post("alpha original");
    String gone = a.post(SECRET);
    a.awaitAnnounced(2, Duration.ofSeconds(30));
    b.follow(a);
    b.awaitHolds(a, 2, Duration.ofSeconds(60));
    Path store = b.dataDir(); // all of it: A's feed store, B's index.db (and its journal), everything
    assertFalse(filesHolding(store, SECRET).isEmpty(), "n2 (B) should hold the text before the delete: " + store);

    // When A edits the first post and deletes the second
    a.edit(kept, "alpha edited");
    a.delete(gone);
    long version = a.awaitAnnounced(4, Duration.ofSeconds(30));

    // Then B's copy shows the edit and the deleted entry redacted, exactly as A's own log does
    b.awaitHolds(a, version, Duration.ofSeconds(60));
    JsonNode held = b.heldOrFail(a);
    JsonNode own = a.ownLog();
    assertEquals(own.get("entries"), held.get("entries"), "n2 (B) holds exactly A's entries");
    assertEquals(version, held.get("version").asLong());
    JsonNode goneEntry = entry(held, seqOf(gone));
    assertTrue(held.get("entries").findValues("type").stream().anyMatch(t -> t.asText().equals("edit")), held.toString());
    assertTrue(stream(held).anyMatch(e -> e.path("type").asText().equals("edit") && e.path("of").asLong() == seqOf(kept)
        && e.path("text").asText().equals("alpha edited")), "n2 (B) holds the edit: " + held);
    assertTrue(goneEntry.get("redacted").asBoolean(), "n2 (B) shows the deleted post redacted: " + goneEntry);
    assertFalse(goneEntry.has("text"), "n2 (B) still shows the deleted text: " + goneEntry);
    assertFalse(held.toString().contains(SECRET), held.toString());

    // And once the old version's grace period is over, no file of B's data directory holds the deleted text
    try {
      Swarm.waitUntil("no file of n2 (B) under " + store + " holds \"" + SECRET + "\"", Duration.ofSeconds(50),
          () -> {
            CharkhaNode.sleep(1000);
            return filesHolding(store, SECRET).isEmpty();
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; it is still in " + filesHolding(store, SECRET), e);
    }
  }

  static long seqOf(String ref) {
    return Long.parseLong(ref.substring(ref.lastIndexOf('/') + 1));
  }

  private static Stream<JsonNode> stream(JsonNode log) {
    return java.util.stream.StreamSupport.stream(log.get("entries").spliterator(), false);
  }

  private static JsonNode entry(JsonNode log, long seq) {
    return stream(log).filter(e -> e.get("seq").asLong() == seq).findFirst()
        .orElseThrow(() -> new AssertionError("no entry " + seq + " in " + log));
  }

  /**
   * Regular files under {@code dir} whose bytes contain {@code text} (UTF-8). The node renames and deletes
   * files while we look: a file gone before it is read holds nothing, and a walk that loses a directory
   * is done again; any other I/O error fails the test rather than passing a check it could not make.
   */
  static List<Path> filesHolding(Path dir, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).filter(f -> contains(read(f), needle)).toList();
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
          throw new AssertionError("cannot search " + dir + " for \"" + text + "\"", e);
        }
      } catch (IOException e) {
        throw new AssertionError("cannot search " + dir + " for \"" + text + "\"", e);
      }
    }
  }

  private static byte[] read(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (java.nio.file.NoSuchFileException e) {
      return new byte[0]; // deleted between walk and read
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
