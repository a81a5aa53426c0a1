package org.charkha.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code node.json} in the data directory while a node runs: how the CLI reaches it. Owner-only,
 * since it holds the API token.
 */
public record NodeInfo(long pid, int port, int webPort, String token) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "node.json";

  public void write(Path home) throws IOException {
    Path tmp = home.resolve(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, JSON.writeValueAsBytes(this));
    Files.move(tmp, home.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Deletes node.json if it still describes this node (same pid and ports): a file another node
   * wrote is that node's, and deleting it would send the CLI offline while that node runs.
   */
  public void removeIfOurs(Path home) throws IOException {
    Path p = home.resolve(FILE);
    NodeInfo there;
    try {
      there = JSON.readValue(Files.readAllBytes(p), NodeInfo.class);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    } catch (IOException e) {
      return; // unreadable: not ours to judge; a stale file is detected by its pid
    }
    if (there.pid() == pid && there.port() == port && there.webPort() == webPort) {
      Files.deleteIfExists(p);
    }
  }

  /** The running node's info, if a node.json exists and its process is alive. */
  public static Optional<NodeInfo> read(Path home) {
    Path p = home.resolve(FILE);
    try {
      if (!Files.exists(p)) {
        return Optional.empty();
      }
      NodeInfo info = JSON.readValue(Files.readAllBytes(p), NodeInfo.class);
      boolean alive = ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(info) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
