package org.charkha.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Identity;
import org.charkha.index.FeedIndex;
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
 * Figure 1: a followed feed of 100,000 posts from torrent pieces to the timeline, and the floor
 * under it measured on the same bytes: SHA-256 of every entry's body and head (the hashes the
 * protocol requires), a bare bencode walk of every piece, and a bare prepared-statement batch
 * insert of the same rows into a plain WAL table with the index's page size (and, for
 * comparison with older tables, SQLite's default page size). One invocation = the whole feed
 * (single shot); each iteration starts from empty databases.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IngestBench {
  public static final int POSTS = 100_000;

  FeedId feed;
  List<byte[]> pieces;
  byte[][] bodies;
  byte[][] heads;
  long[] ts;
  byte[][] hashes;
  String[] texts;
  Path dir;
  FeedIndex index;
  Connection bare;
  Connection bareDefaultPages;
  List<Entry> verified;

  @Setup(Level.Trial)
  public void feed() throws Exception {
    Identity id = BenchFeeds.identity(1);
    FeedLog log = BenchFeeds.log(id, POSTS, 1);
    feed = id.feed();
    pieces = log.pieces();
    List<Entry> entries = log.entries();
    int n = entries.size();
    bodies = new byte[n][];
    heads = new byte[n][];
    ts = new long[n];
    hashes = new byte[n][];
    texts = new String[n];
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      bodies[i] = e.bodyBytes();
      heads[i] = e.headBytes();
      ts[i] = e.timestamp();
      hashes[i] = e.hash();
      texts[i] = ((Content.Post) e.content()).text();
    }
    verified = FeedVerifier.verify(feed, pieces).entries();
    dir = Files.createTempDirectory("charkha-ingest-bench");
  }

  @Setup(Level.Iteration)
  public void freshDatabases() throws Exception {
    clean();
    index = FeedIndex.open(dir.resolve("index.db"));
    bare = bareDatabase(dir.resolve("bare.db"), FeedIndex.PAGE_SIZE);
    bareDefaultPages = bareDatabase(dir.resolve("bare-default-pages.db"), 4096);
  }

  private static Connection bareDatabase(Path file, int pageSize) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = " + pageSize);
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA synchronous = NORMAL");
      s.execute("CREATE TABLE post(feed INTEGER, seq INTEGER, ts INTEGER, hash BLOB, text TEXT)");
    }
    return c;
  }

  @TearDown(Level.Iteration)
  public void closeDatabases() throws Exception {
    index.close();
    bare.close();
    bareDefaultPages.close();
  }

  @TearDown(Level.Trial)
  public void removeDir() throws Exception {
    clean();
    Files.delete(dir);
  }

  private void clean() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }

  /** Verify every piece (parse, hashes, Merkle roots, signatures, chain) and index, committed. */
  @Benchmark
  public Object verifyAndIngest() throws Exception {
    FeedLog log = FeedVerifier.verify(feed, pieces);
    return index.ingest(feed, log.entries());
  }

  /** The same, until full-text search covers the whole feed. */
  @Benchmark
  public Object verifyIngestAndSearchable() throws Exception {
    FeedLog log = FeedVerifier.verify(feed, pieces);
    Object r = index.ingest(feed, log.entries());
    index.awaitSearch();
    return r;
  }

  /** Split of {@link #verifyAndIngest}: verification alone (parse, hashes, Merkle, signatures, chain). */
  @Benchmark
  public Object verifyOnly() throws Exception {
    return FeedVerifier.verify(feed, pieces);
  }

  /** Split of {@link #verifyAndIngest}: the index's share, entries already verified. */
  @Benchmark
  public Object ingestOnly() throws Exception {
    return index.ingest(feed, verified);
  }

  @Benchmark
  public long floorSha256() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long x = 0;
    for (int i = 0; i < bodies.length; i++) {
      sha.update(bodies[i]);
      x += sha.digest()[0];
      sha.update(heads[i]);
      x += sha.digest()[0];
    }
    return x;
  }

  @Benchmark
  public long floorBencodeScan() {
    long values = 0;
    for (byte[] p : pieces) {
      values += BareBencode.scan(p);
    }
    return values;
  }

  @Benchmark
  public int floorSqliteInsert() throws Exception {
    return bareInsert(bare);
  }

  /** The floor's insert with SQLite's default 4 KiB pages, as in the tables before the fourth session of 2026-11-24. */
  @Benchmark
  public int floorSqliteInsertDefaultPages() throws Exception {
    return bareInsert(bareDefaultPages);
  }

  private int bareInsert(Connection bare) throws Exception {
    bare.setAutoCommit(false);
    try (PreparedStatement ps = bare.prepareStatement("INSERT INTO post(feed, seq, ts, hash, text) VALUES(?, ?, ?, ?, ?)")) {
      for (int i = 0; i < texts.length; i++) {
        ps.setLong(1, 1);
        ps.setLong(2, i);
        ps.setLong(3, ts[i]);
        ps.setBytes(4, hashes[i]);
        ps.setString(5, texts[i]);
        ps.addBatch();
        if (i % 2000 == 1999) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
    bare.commit();
    bare.setAutoCommit(true);
    return texts.length;
  }
}
