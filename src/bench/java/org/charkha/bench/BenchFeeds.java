package org.charkha.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;

/**
 * The feed every figure uses: posts of about 200 bytes, "common" in half of them, the rest words of
 * a 50,000-word vocabulary (the same text as {@code IndexIngestBenchmark}), signed like an import.
 */
public final class BenchFeeds {
  private static final int WORDS = 50_000;

  private BenchFeeds() {}

  public static Identity identity(long seed) {
    byte[] s = new byte[32];
    new SplittableRandom(seed).nextBytes(s);
    return Identity.fromSeed(s);
  }

  public static List<Content> posts(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Content> out = new ArrayList<>(n);
    StringBuilder sb = new StringBuilder(256);
    for (int i = 0; i < n; i++) {
      sb.setLength(0);
      if (rnd.nextBoolean()) {
        sb.append("common ");
      }
      while (sb.length() < 190) {
        sb.append(word(rnd.nextInt(WORDS))).append(' ');
      }
      out.add(new Content.Post(sb.toString().trim()));
    }
    return out;
  }

  public static List<Long> timestamps(int n, long first) {
    List<Long> ts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ts.add(first + 1000L * i);
    }
    return ts;
  }

  /** A signed log of {@code n} posts. */
  public static FeedLog log(Identity id, int n, long seed) {
    FeedLog log = FeedLog.empty(id.feed());
    log.appendAll(id, posts(n, seed), timestamps(n, 1_700_000_000_000L));
    return log;
  }

  static String word(int n) {
    String syll = "kalomirentusavipedo";
    StringBuilder sb = new StringBuilder();
    do {
      sb.append(syll, (n % 9) * 2, (n % 9) * 2 + 2);
      n /= 9;
    } while (n > 0);
    return sb.toString();
  }
}
