package org.charkha.testswarm;

import java.util.ArrayList;
import java.util.List;

/**
 * Collapses one known, harmless stack trace in a process's output to a single line: mldht's default-route
 * probe (a UDP connect to a public address) fails with "Network is unreachable" in every namespace (they
 * have no default route by design; shared/notes/test-hosts.md) and prints a 14-line trace about every
 * 10 s per node, which would fill the log tails a failing test prints. Any other output passes unchanged.
 *
 * <p>Not thread-safe: one per output pump.
 */
final class KnownTraceFilter {
  static final String UNREACHABLE = "java.net.SocketException: Network is unreachable";
  static final String PROBE_FRAME = "AddressUtils.getDefaultRoute";
  static final String COLLAPSED = "(mldht default-route probe: " + UNREACHABLE + "; known, harmless, trace collapsed)";
  /** The probe's frame comes 5th in the trace; a trace without it in the first frames is passed on. */
  private static final int MAX_HELD = 8;

  /** How long a held line may wait for the rest of its trace while the process is quiet. */
  static final long MAX_HOLD_NANOS = 500_000_000L;

  private final List<String> held = new ArrayList<>();
  private long heldSince;
  private boolean dropping;

  /** The lines to emit now for {@code line} (none while a possible probe trace is being looked at). */
  List<String> accept(String line) {
    boolean frame = line.startsWith("\tat ") || line.startsWith("\t... ");
    if (dropping) {
      if (frame) {
        return List.of();
      }
      dropping = false;
    }
    if (!held.isEmpty()) {
      if (frame && line.contains(PROBE_FRAME)) {
        held.clear();
        dropping = true;
        return List.of(COLLAPSED);
      }
      if (frame && held.size() < MAX_HELD) {
        held.add(line);
        return List.of();
      }
      List<String> out = flush();
      out.addAll(accept(line));
      return out;
    }
    if (line.equals(UNREACHABLE)) {
      held.add(line);
      heldSince = System.nanoTime();
      return List.of();
    }
    return List.of(line);
  }

  /** The held lines if they waited longer than {@link #MAX_HOLD_NANOS} (the process went quiet mid-trace). */
  List<String> flushStale() {
    return !held.isEmpty() && System.nanoTime() - heldSince > MAX_HOLD_NANOS ? flush() : List.of();
  }

  /** Lines held back, e.g. when the process has exited. */
  List<String> flush() {
    List<String> out = new ArrayList<>(held);
    held.clear();
    dropping = false;
    return out;
  }
}
