package org.charkha.node;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.List;
import java.util.stream.Collectors;

/** What a loopback test prints when it times out: each node's feed status and bt's blocked threads. */
final class Stuck {
  private Stuck() {}

  static String describe(List<Node> nodes) {
    StringBuilder out = new StringBuilder();
    for (Node n : nodes) {
      try {
        out.append("\n  node ").append(n.own().feed().shortName()).append(": ").append(n.sync().status());
      } catch (RuntimeException e) {
        out.append("\n  node status failed: ").append(e);
      }
    }
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, false)) {
      boolean blocked = t.getThreadState() == Thread.State.BLOCKED
          || (t.getThreadState() == Thread.State.WAITING && t.getLockOwnerName() != null);
      if (blocked && t.getThreadName().contains("bt")) {
        out.append("\n  thread ").append(t.getThreadName()).append(" ").append(t.getThreadState())
            .append(" on ").append(t.getLockName()).append(" held by ").append(t.getLockOwnerName())
            .append(List.of(t.getStackTrace()).stream().limit(6).map(f -> "\n      at " + f).collect(Collectors.joining()));
      }
    }
    return out.toString();
  }
}
