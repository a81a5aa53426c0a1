package org.charkha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.testing.RequiredTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk fills up, or the data directory turns read-only, while the owner posts: the post fails
 * with a message that says why, and the version before it is still current and verifies. Root
 * ignores file permissions, so these tests mount a real tiny tmpfs (and remount it read-only).
 */
class ResourceLimitsTest {
  @TempDir
  Path dir;

  private Path mount;

  @BeforeEach
  void mountTinyTmpfs() throws Exception {
    RequiredTool.require("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    mount = dir.resolve("tmpfs");
    Files.createDirectories(mount);
    RequiredTool.require(sh("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()) == 0,
        "this machine does not allow mounting a tmpfs");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      sh("umount", mount.toString());
    }
  }

  @Test
  void aFullDiskFailsThePostClearlyAndKeepsThePreviousVersion() throws Exception {
    DataDir data = DataDir.open(mount.resolve("home"));
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    String text = "x".repeat(4000);
    long acknowledged = 0;
    IOException full = null;
    for (int i = 0; i < 1000 && full == null; i++) {
      try {
        own.append(new Content.Post(text + i));
        acknowledged++;
      } catch (IOException e) {
        full = e;
      }
    }
    assertTrue(full != null, "256 KiB should fill up");
    assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());

    OwnFeed reopened = OwnFeed.open(DataDir.open(mount.resolve("home")));
    FeedLog log = reopened.log(); // verifies
    assertTrue(log.size() >= acknowledged, "every acknowledged post is still there");
    assertEquals(new Content.Post(text + (acknowledged - 1)), log.entry(acknowledged - 1).content());
    assertEquals(reopened.store().currentVersion().getAsLong(), reopened.currentItem().orElseThrow().seq());
    try (var names = Files.list(reopened.store().dir())) {
      assertFalse(names.anyMatch(p -> p.getFileName().toString().startsWith("incoming-")),
          "the failed version's staging is freed again");
    }
  }

  @Test
  void aReadOnlyDataDirectoryFailsThePostClearlyAndLosesNothing() throws Exception {
    DataDir data = DataDir.open(mount.resolve("home"));
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    own.append(new Content.Post("before"));
    long version = own.store().currentVersion().getAsLong();
    assertEquals(0, sh("mount", "-o", "remount,ro", mount.toString()));

    IOException e = assertThrows(IOException.class, () -> OwnFeed.open(DataDir.open(mount.resolve("home")))
        .append(new Content.Post("after")));
    assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());

    OwnFeed reopened = OwnFeed.open(DataDir.open(mount.resolve("home")));
    assertEquals(1, reopened.log().size());
    assertEquals(version, reopened.store().currentVersion().getAsLong());
    assertEquals(0, sh("mount", "-o", "remount,rw", mount.toString()));
    reopened.append(new Content.Post("after, writable again"));
    assertEquals(2, OwnFeed.open(DataDir.open(mount.resolve("home"))).log().size());
  }

  private static int sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
