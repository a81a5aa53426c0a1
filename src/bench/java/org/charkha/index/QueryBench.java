package org.charkha.index;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.charkha.feed.FeedId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Figure 5: reads of an index of 1,000,000 posts from 1,000 feeds (the data of
 * {@link IndexIngestBenchmark}'s part 2). The index is built once per bench run at the path in
 * system property {@code charkha.bench.manyDb} and reused by every benchmark's fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class QueryBench {
  public static final int FEEDS = 1_000;
  public static final int PER_FEED = 1_000;

  FeedIndex index;
  Set<FeedId> followed500;
  final SplittableRandom rnd = new SplittableRandom(3);

  /** Builds the 1M-post index at {@code file}; returns seconds until searchable. */
  public static double build(Path file) {
    SplittableRandom rnd = new SplittableRandom(2);
    long t0 = System.nanoTime();
    try (FeedIndex index = FeedIndex.open(file)) {
      for (int f = 0; f < FEEDS; f++) {
        FeedId feed = IndexIngestBenchmark.randomFeed(rnd);
        index.ingest(feed, IndexIngestBenchmark.posts(rnd, PER_FEED, 1_700_000_000_000L + f, 1000L * FEEDS, f));
      }
      index.awaitSearch();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  @Setup(Level.Trial)
  public void open() throws Exception {
    Path file = Path.of(System.getProperty("charkha.bench.manyDb", "target/bench/many.db"));
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      build(file);
    }
    followed500 = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT key FROM feed ORDER BY id LIMIT 500")) {
      while (rs.next()) {
        followed500.add(FeedId.of(rs.getBytes(1)));
      }
    }
    index = FeedIndex.open(file);
  }

  @TearDown(Level.Trial)
  public void close() {
    index.close();
  }

  /** Home timeline of someone following 500 of the 1,000 feeds: the newest 50 posts. */
  @Benchmark
  public Object homeTimeline500() {
    return index.homeTimeline(followed500, Cursor.LATEST, 50);
  }

  /** A word in half of all posts, best 20. */
  @Benchmark
  public Object searchCommonWord() {
    return index.search("common", 20);
  }

  /** A word in about 0.06% of the posts, best 20. */
  @Benchmark
  public Object searchRareWord() {
    return index.search(IndexIngestBenchmark.word(rnd.nextInt(50_000)), 20);
  }

  /** Two words, one common, best 20. */
  @Benchmark
  public Object searchTwoWords() {
    return index.search("common " + IndexIngestBenchmark.word(rnd.nextInt(50_000)), 20);
  }

  static List<String> names() {
    return new ArrayList<>(List.of("homeTimeline500", "searchCommonWord", "searchRareWord", "searchTwoWords"));
  }
}
