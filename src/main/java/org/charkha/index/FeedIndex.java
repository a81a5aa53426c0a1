package org.charkha.index;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SQLite index of verified feeds, for timelines, threads, profiles, the follow graph and
 * full-text search. It is derived data: {@link #clearAll} and re-ingesting every stored feed
 * rebuilds it, and an index from an older schema is emptied on open ({@link #needsRebuild}).
 *
 * <p>{@link #ingest} takes a feed's verified entries (the whole log or any part, in sequence
 * order), is idempotent, and applies edits, deletes and redactions: a body the feed withdrew is
 * removed from the tables and the search index, and with {@code secure_delete} its bytes are
 * overwritten in the file. New posts reach search a little later than timelines: large catch-ups
 * are added to the full-text table in bulk on a background thread ({@link #awaitSearch}).
 *
 * <p>Safe for use from several threads. Writes are serialized; queries run on a second
 * connection (SQLite WAL), so they see the last committed ingest and never wait for one.
 * Query limits are clamped to 1..{@value #MAX_LIMIT}.
 */
public final class FeedIndex implements AutoCloseable {
  public static final int MAX_LIMIT = 500;
  /** Page size of the index file (benchmarks measure their floor with the same). */
  public static final int PAGE_SIZE = Schema.PAGE_SIZE;
  public static final int MAX_THREAD_ITEMS = 5_000;
  public static final int MAX_THREAD_DEPTH = 64;
  /** Backlogs up to this size are added to search inside {@link #ingest}; larger ones in background. */
  static final int INLINE_SEARCH = 5_000;

  private static final Logger log = LoggerFactory.getLogger(FeedIndex.class);

  private final Path file;
  private final Connection writeConn;
  private final Connection readConn;
  private final IndexWriter writer;
  private final IndexReader reader;
  private final boolean fresh;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readLock = new ReentrantLock();
  private final ExecutorService searchIndexer;
  private final AtomicBoolean searchScheduled = new AtomicBoolean();
  private volatile boolean closed;

  private FeedIndex(Path file, LongSupplier clock) throws SQLException {
    this.file = file;
    writeConn = DriverManager.getConnection("jdbc:sqlite:" + file);
    try {
      try (Statement s = writeConn.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        s.execute("PRAGMA page_size = " + Schema.PAGE_SIZE); // takes effect only in a new file
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL"); // WAL: durable at checkpoint, never corrupt
        s.execute("PRAGMA secure_delete = ON"); // a deleted body is overwritten, not left in free pages
        s.execute("PRAGMA cache_size = -65536");
        s.execute("PRAGMA temp_store = MEMORY");
      }
      fresh = Schema.createOrCheck(writeConn, file.toString());
      writer = new IndexWriter(writeConn, clock);
      readConn = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = readConn.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        s.execute("PRAGMA query_only = ON");
        s.execute("PRAGMA cache_size = -65536");
        s.execute("PRAGMA mmap_size = 268435456");
      }
      reader = new IndexReader(readConn);
    } catch (SQLException | RuntimeException e) {
      writeConn.close();
      throw e;
    }
    searchIndexer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "charkha-index-search");
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens the index at {@code file}, creating it if missing. */
  public static FeedIndex open(Path file) {
    return open(file, System::currentTimeMillis);
  }

  /** Opens the index with {@code clock} as the time items are first seen (tests set it). */
  static FeedIndex open(Path file, LongSupplier clock) {
    try {
      FeedIndex index = new FeedIndex(file, clock);
      index.scheduleSearch(); // finish what a previous process left behind
      return index;
    } catch (SQLException e) {
      throw new IndexException("index " + file + ": cannot open: " + e.getMessage(), e);
    }
  }

  /** True if this open created the index or emptied one from an older schema: re-ingest all feeds. */
  public boolean needsRebuild() {
    return fresh;
  }

  /**
   * Adds a feed's verified entries, in sequence order, in one transaction. Entries already
   * indexed are skipped, except that one now without its body has that body removed. Relayed
   * entries are indexed under their own author's feed.
   */
  public IngestResult ingest(FeedId feed, List<Entry> entries) {
    checkOpen();
    IngestResult result = write("ingest feed " + feed.shortName(), () -> {
      IngestResult r = writer.ingest(feed, entries);
      if (writer.searchBacklog() <= INLINE_SEARCH) {
        writer.catchUpSearch(true);
      }
      if (r.redacted() > 0) {
        purgeWriteAheadLog();
      }
      return r;
    });
    scheduleSearch();
    return result;
  }

  /**
   * Moves the write-ahead log into the database file and empties it. secure_delete overwrites a
   * withdrawn body in the database file, but until a checkpoint the WAL still holds the pages that
   * carried it (test-swarm's EditDeleteSwarmIT found a deleted post's text in index.db-wal long after
   * the delete). Waits for readers through busy_timeout; if one still holds an old snapshot, the next
   * redaction's purge (or the checkpoint at close) finishes the job.
   */
  private void purgeWriteAheadLog() throws SQLException {
    try (Statement s = writeConn.createStatement(); java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      if (rs.next() && rs.getInt(1) != 0) {
        log.warn("index {}: write-ahead log not emptied after a redaction (a reader was busy)", file);
      }
    }
  }

  /** Blocks until every ingested item is in the search index. */
  public void awaitSearch() {
    checkOpen();
    write("catch up search", () -> writer.catchUpSearch(true));
  }

  /** Number of items ingested but not yet searchable. */
  public long searchBacklog() {
    return write("read search backlog", writer::searchBacklog);
  }

  /**
   * Drops {@code feed}'s entries (the feed is no longer held), leaving what a reindex of the
   * remaining feeds would give: its posts, comments and reactions that another feed relays stay
   * (unedited, as the relay carries them), and what only its relays carried goes. Re-ingesting
   * its stored log rebuilds it.
   */
  public void clearFeed(FeedId feed) {
    checkOpen();
    write("clear feed " + feed.shortName(), () -> {
      writer.clearFeed(feed);
      return null;
    });
  }

  /** Empties the index (for {@code charkha reindex}); the schema stays. */
  public void clearAll() {
    checkOpen();
    write("clear", () -> {
      writer.clearAll();
      return null;
    });
  }

  /**
   * Posts of {@code feeds} (for a home timeline: the own feed and those it follows), newest first,
   * older than {@code cursor}; not deleted ones. "Newest" is the author's claimed time, except
   * that a claim later than an hour past when this index first saw the post counts as that
   * (a post dated in the future must not stay on top); a reindex may move such posts.
   */
  public Page<ItemView> homeTimeline(Set<FeedId> feeds, Cursor cursor, int limit) {
    return read("home timeline", () -> reader.homeTimeline(feeds, cursor, clamp(limit)));
  }

  /** One feed's posts, newest first, older than {@code cursor}. */
  public Page<ItemView> authorTimeline(FeedId feed, Cursor cursor, int limit) {
    return read("timeline of " + feed.shortName(), () -> reader.authorTimeline(feed, cursor, clamp(limit)));
  }

  /**
   * The item at {@code root} and every comment under it, at any depth and from any feed, oldest
   * first at each level; deleted items stay as tombstones. Empty if the index does not hold root.
   */
  public Optional<ThreadView> thread(EntryRef root) {
    return read("thread " + root, () -> reader.thread(root, MAX_THREAD_DEPTH, MAX_THREAD_ITEMS));
  }

  /** One post or comment with its text history. */
  public Optional<PostDetail> post(EntryRef ref) {
    return read("post " + ref, () -> reader.post(ref));
  }

  /** A feed's latest profile and counts; empty if the index has never heard of the feed. */
  public Optional<ProfileView> profile(FeedId feed) {
    return read("profile " + feed.shortName(), () -> reader.profile(feed));
  }

  /** Feeds that {@code feed} follows now (latest follow or unfollow wins). */
  public List<FeedId> following(FeedId feed) {
    return read("following of " + feed.shortName(), () -> reader.following(feed));
  }

  /** Indexed feeds that follow {@code feed} now. */
  public List<FeedId> followers(FeedId feed) {
    return read("followers of " + feed.shortName(), () -> reader.followers(feed));
  }

  /**
   * Full-text search over posts, comments and profiles, best match first (BM25). The query is
   * taken as plain words, all of which must occur; no input is a syntax error. To stay fast on
   * common words, only the newest {@value IndexReader#SEARCH_WINDOW} matching posts and comments
   * are ranked: an older item matching words that more than that many newer items also hold is
   * not returned (rare words are searched over everything). Items are searchable shortly after
   * ingest ({@link #awaitSearch}).
   */
  public List<SearchHit> search(String query, int limit) {
    List<String> words = SearchQuery.words(query);
    if (words.isEmpty()) {
      return List.of();
    }
    return read("search", () -> reader.search(words, clamp(limit)));
  }

  /** Finishes the search backlog, then closes both connections. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    searchIndexer.shutdown();
    try {
      searchIndexer.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeLock.lock();
    readLock.lock();
    try {
      writer.catchUpSearch(true);
    } catch (SQLException e) {
      log.warn("index {}: search catch-up at close failed; it resumes at next open: {}", file, e.getMessage());
    } finally {
      try {
        readConn.close();
        writeConn.close();
      } catch (SQLException e) {
        log.warn("index {}: close: {}", file, e.getMessage());
      }
      readLock.unlock();
      writeLock.unlock();
    }
  }

  private void scheduleSearch() {
    if (closed || !searchScheduled.compareAndSet(false, true)) {
      return;
    }
    searchIndexer.execute(() -> {
      boolean failed = false;
      try {
        long left;
        do {
          // One chunk per lock hold, so an ingest waits at most one chunk.
          left = write("catch up search", () -> writer.catchUpSearch(false));
        } while (left > 0 && !closed);
      } catch (RuntimeException e) {
        failed = true;
        log.warn("index {}: search catch-up failed, retried on next ingest: {}", file, e.getMessage());
      } finally {
        searchScheduled.set(false);
      }
      // An ingest that finished while this task was ending could not schedule another one.
      if (!failed && !closed && write("read search backlog", writer::searchBacklog) > 0) {
        scheduleSearch();
      }
    });
  }

  private static int clamp(int limit) {
    checkArgument(limit > 0, "limit must be positive, got %s", limit);
    return Math.min(limit, MAX_LIMIT);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("index " + file + " is closed");
    }
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> T write(String what, SqlWork<T> work) {
    writeLock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw new IndexException("index " + file + ": " + what + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  private <T> T read(String what, SqlWork<T> work) {
    checkOpen();
    readLock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw new IndexException("index " + file + ": " + what + ": " + e.getMessage(), e);
    } finally {
      readLock.unlock();
    }
  }
}
