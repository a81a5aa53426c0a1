package org.charkha.durability;

import org.charkha.cli.Main;

/**
 * The child process of {@link CrashSafetyTest}: runs the real {@code charkha post} command over and
 * over in one JVM. The CLI prints "Posted &lt;ref&gt;" only after the new version is on disk and
 * current, so every printed line is an acknowledged post. Args: home, text prefix.
 */
public final class PostLoop {
  private PostLoop() {}

  public static void main(String[] args) {
    // Warm up (class loading, the first verification) so the parent's random kill lands in a post.
    if (Main.run("--home", args[0], "link") != 0) {
      System.exit(3);
    }
    System.out.println("READY");
    System.out.flush();
    for (int n = 0; ; n++) {
      int rc = Main.run("--home", args[0], "post", args[1] + " " + n);
      if (rc != 0) {
        System.out.println("FAILED " + rc);
        System.out.flush();
        System.exit(3);
      }
      System.out.flush();
    }
  }
}
