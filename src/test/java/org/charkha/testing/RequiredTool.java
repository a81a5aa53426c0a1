package org.charkha.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that need a system tool (chromium, libtorrent, root): skipped on a developer's machine
 * without it, but failed in CI, where a skip would turn a missing package into a green build that
 * tested nothing. CI is recognised by the {@code CI} environment variable that CI services set, or
 * by {@code -Dcharkha.tools.required=true}.
 */
public final class RequiredTool {
  private RequiredTool() {}

  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if (inCi()) {
      fail(what + " (required in CI: CI is set or -Dcharkha.tools.required=true)");
    }
    assumeTrue(false, what);
  }

  static boolean inCi() {
    String ci = System.getenv("CI");
    return (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false"))
        || Boolean.getBoolean("charkha.tools.required");
  }
}
