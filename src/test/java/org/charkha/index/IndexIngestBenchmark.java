package org.charkha.index;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;

/**
 * Ingest and query figures for the index; a program, not a test (run it on a quiet machine):
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.charkha.index.IndexIngestBenchmark [feeds postsPerFeed]
 * </pre>
 *
 * Part 1 ingests one feed of 100,000 posts of about 200 bytes (entries made with
 * {@link Entry#create}: the index takes verified entries, so signing is not part of the figure)
 * and reports entries/s until committed, then how long until search covers them. Part 2 (only
 * with arguments, e.g. {@code 1000 1000} for 1M posts) fills an index from many feeds and reports
 * p50/p95 of the queries.
 */
public final class IndexIngestBenchmark {
  private static final int WORDS = 50_000;

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("charkha-index-bench");
    try {
      if (args.length < 3) {
        ingestOneBigFeed(dir.resolve("one.db"));
      }
      if (args.length >= 2) {
        // A third argument keeps the many-feeds index at that path and reuses it on the next run.
        manyFeeds(args.length == 3 ? Path.of(args[2]) : dir.resolve("many.db"),
            Integer.parseInt(args[0]), Integer.parseInt(args[1]));
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static void ingestOneBigFeed(Path file) {
    SplittableRandom rnd = new SplittableRandom(1);
    FeedId feed = randomFeed(rnd);
    List<Entry> entries = posts(rnd, 100_000, 1_700_000_000_000L, 1000, 0);
    long bytes = entries.stream().mapToLong(e -> e.bodyBytes().length).sum();
    System.out.printf("feed: %,d posts, %,d body bytes (%.0f per post)%n", entries.size(), bytes,
        (double) bytes / entries.size());
    try (FeedIndex index = FeedIndex.open(file)) {
      long t0 = System.nanoTime();
      IngestResult r = index.ingest(feed, entries);
      long t1 = System.nanoTime();
      index.awaitSearch();
      long t2 = System.nanoTime();
      System.out.printf("ingest: %,d entries in %.0f ms = %,.0f entries/s (committed, in timelines)%n",
          r.added(), ms(t1 - t0), r.added() / ((t1 - t0) / 1e9));
      System.out.printf("search caught up %.0f ms after ingest returned (%,.0f entries/s overall)%n",
          ms(t2 - t1), r.added() / ((t2 - t0) / 1e9));
      long t3 = System.nanoTime();
      IngestResult again = index.ingest(feed, entries);
      System.out.printf("re-ingest of the same %,d entries: %.0f ms, %d added%n", again.skipped(),
          ms(System.nanoTime() - t3), again.added());
    }
    System.out.printf("file: %,d bytes%n", file.toFile().length());
  }

  private static void manyFeeds(Path file, int feeds, int perFeed) {
    SplittableRandom rnd = new SplittableRandom(2);
    List<FeedId> ids = new ArrayList<>();
    long t0 = System.nanoTime();
    boolean reuse = Files.exists(file);
    try (FeedIndex index = FeedIndex.open(file)) {
      for (int f = 0; f < feeds; f++) {
        FeedId feed = randomFeed(rnd);
        ids.add(feed);
        // Interleaved clocks: every feed posts across the whole period.
        List<Entry> posts = posts(rnd, perFeed, 1_700_000_000_000L + f, 1000L * feeds, f);
        if (!reuse) {
          index.ingest(feed, posts);
        }
      }
      long t1 = System.nanoTime();
      index.awaitSearch();
      long t2 = System.nanoTime();
      System.out.printf("%n%,d feeds x %,d posts: ingest %.1f s (%,.0f entries/s), search caught up %.1f s later%n",
          feeds, perFeed, (t1 - t0) / 1e9, (double) feeds * perFeed / ((t1 - t0) / 1e9), (t2 - t1) / 1e9);
      // A thread to read: a post of feed 0 with 30 comments, 2 levels.
      EntryRef root = EntryRef.of(ids.get(0), 0);
      List<Entry> comments = new ArrayList<>();
      byte[] prev = new byte[32];
      for (int i = 0; i < 30; i++) {
        EntryRef on = i < 10 ? root : EntryRef.of(ids.get(1), perFeed + i % 10);
        Entry e = Entry.create(perFeed + i, prev, 1_800_000_000_000L + i, new Content.Comment(on, "comment " + i));
        prev = e.hash();
        comments.add(e);
      }
      index.ingest(ids.get(1), comments);

      Set<FeedId> followed500 = new HashSet<>(ids.subList(0, Math.min(500, feeds)));
      Set<FeedId> followed5 = new HashSet<>(ids.subList(0, Math.min(5, feeds)));
      Random r = new Random(3);
      bench("home timeline, 500 followed, 50 posts", () -> index.homeTimeline(followed500, Cursor.LATEST, 50));
      bench("home timeline, 500 followed, page 20", () -> {
        Cursor c = Cursor.LATEST;
        for (int i = 0; i < 20; i++) {
          c = index.homeTimeline(followed500, c, 50).next().orElseThrow();
        }
        return c;
      });
      bench("home timeline, 5 followed, 50 posts", () -> index.homeTimeline(followed5, Cursor.LATEST, 50));
      bench("author timeline, 50 posts", () -> index.authorTimeline(ids.get(r.nextInt(feeds)), Cursor.LATEST, 50));
      bench("thread of 31 items", () -> index.thread(root).orElseThrow());
      bench("profile", () -> index.profile(ids.get(r.nextInt(feeds))).orElseThrow());
      bench("search common word (half the posts), 20", () -> index.search("common", 20));
      bench("search two words, 20", () -> index.search("common " + word(r.nextInt(WORDS)), 20));
      bench("search mid word (~0.06% of posts), 20", () -> index.search(word(r.nextInt(WORDS)), 20));
      bench("search absent word, 20", () -> index.search("nosuchword", 20));
    }
    System.out.printf("file: %,d bytes%n", file.toFile().length());
  }

  private interface Query {
    Object run();
  }

  private static void bench(String name, Query q) {
    for (int i = 0; i < 20; i++) {
      q.run();
    }
    int n = 200;
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      q.run();
      t[i] = System.nanoTime() - s;
    }
    Arrays.sort(t);
    System.out.printf("  %-45s p50 %6.2f ms  p95 %6.2f ms%n", name, ms(t[n / 2]), ms(t[n * 95 / 100]));
  }

  /** Posts of about 200 bytes: 'common' in half of them, the rest from a 50,000-word vocabulary. */
  static List<Entry> posts(SplittableRandom rnd, int n, long firstTs, long step, int feedNo) {
    List<Entry> out = new ArrayList<>(n);
    byte[] prev = new byte[32];
    StringBuilder sb = new StringBuilder(256);
    for (int i = 0; i < n; i++) {
      sb.setLength(0);
      if (rnd.nextBoolean()) {
        sb.append("common ");
      }
      while (sb.length() < 190) {
        sb.append(word(rnd.nextInt(WORDS))).append(' ');
      }
      Entry e = Entry.create(i, prev, firstTs + i * step, new Content.Post(sb.toString().trim()));
      prev = e.hash();
      out.add(e);
    }
    return out;
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

  static FeedId randomFeed(SplittableRandom rnd) {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) rnd.nextInt(256);
    }
    return FeedId.of(key);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
