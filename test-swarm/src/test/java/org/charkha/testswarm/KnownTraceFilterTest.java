package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownTraceFilterTest {
  private static final List<String> PROBE_TRACE = List.of(
      "java.net.SocketException: Network is unreachable",
      "\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
      "\tat java.base/sun.nio.ch.Net.connect(Net.java:579)",
      "\tat java.base/sun.nio.ch.DatagramChannelImpl.connect(DatagramChannelImpl.java:1249)",
      "\tat java.base/sun.nio.ch.DatagramChannelImpl.connect(DatagramChannelImpl.java:1207)",
      "\tat lbms.plugins.mldht.kad.utils.AddressUtils.getDefaultRoute(AddressUtils.java:219)",
      "\tat lbms.plugins.mldht.kad.RPCServerManager.startNewServers(RPCServerManager.java:136)",
      "\tat lbms.plugins.mldht.kad.DHT.lambda$start$10(DHT.java:715)",
      "\tat java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)",
      "\tat java.base/java.util.concurrent.FutureTask.runAndReset(FutureTask.java:305)",
      "\tat java.base/java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run(ScheduledThreadPoolExecutor.java:305)",
      "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
      "\tat java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
      "\tat java.base/java.lang.Thread.run(Thread.java:840)");

  @Test
  void mldhtDefaultRouteProbeTraceBecomesOneLine() {
    List<String> in = new ArrayList<>(List.of("before"));
    in.addAll(PROBE_TRACE);
    in.add("after");
    in.addAll(PROBE_TRACE);
    assertEquals(List.of("before", KnownTraceFilter.COLLAPSED, "after", KnownTraceFilter.COLLAPSED), run(in));
  }

  @Test
  void anyOtherTraceAndOutputPassUnchanged() {
    List<String> other = List.of(
        "java.net.SocketException: Network is unreachable",
        "\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
        "\tat org.charkha.swarm.SwarmEngine.connect(SwarmEngine.java:10)",
        "INFO something else",
        "java.lang.IllegalStateException: boom",
        "\tat org.charkha.X.y(X.java:1)",
        "java.net.SocketException: Network is unreachable");
    assertEquals(other, run(other));
  }

  private static List<String> run(List<String> lines) {
    KnownTraceFilter f = new KnownTraceFilter();
    List<String> out = new ArrayList<>();
    lines.forEach(l -> out.addAll(f.accept(l)));
    out.addAll(f.flush());
    return out;
  }
}
