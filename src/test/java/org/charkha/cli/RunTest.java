package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.charkha.node.LoopbackNode;
import org.charkha.node.NodeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code charkha run} as a process: what it refuses to start on, and how it stops. */
class RunTest {
  private static final long START_MILLIS = 60_000;

  @TempDir Path home;

  @Test
  void secondNodeOnTheSameDataDirectoryRefusesWhileTheFirstKeepsRunning() throws Exception {
    try (CharkhaProcess first = CharkhaProcess.runNode(home, LoopbackNode.freePort())) {
      first.awaitOutput("Web UI:", START_MILLIS);
      NodeInfo firstInfo = NodeInfo.read(home).orElseThrow();

      try (CharkhaProcess second = CharkhaProcess.runNode(home, LoopbackNode.freePort())) {
        assertEquals(1, second.awaitExit(START_MILLIS), second.output());
        assertTrue(second.output().contains("another node is running on this data directory (pid " + first.pid() + ")"),
            second.output());
      }

      assertTrue(first.isAlive());
      assertEquals(Optional.of(firstInfo), NodeInfo.read(home), "the first node's node.json is untouched");
    }
  }
}
