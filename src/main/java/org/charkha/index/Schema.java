package org.charkha.index;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The index's tables. Everything here is derived from verified feeds, so a schema change needs no
 * migration: an index from an older schema is emptied and rebuilt from the stored feeds.
 *
 * <p>Feeds are numbered ({@code feed.id}) so that rows carry a small integer, not a 32-byte key:
 * keys in insertion order keep the b-trees append-only, which is most of the ingest speed.
 */
final class Schema {
  /**
   * 2: 32 KiB pages. 3: timelines ordered by {@code item.sort_ts}; the relay table. 4: a relay
   * row also for an entry the author's own feed had already brought (an older index lacks them).
   */
  static final int VERSION = 4;
  /**
   * Eight times SQLite's default. A catch-up writes tens of megabytes in one transaction, and
   * with 4 KiB pages most of its time went to per-page work (a WAL frame and a write call each):
   * 100,000 posts index in about 240 ms instead of 340 (BENCHMARKS.md), queries are unchanged.
   */
  static final int PAGE_SIZE = 32_768;

  /**
   * How far past the moment it is first indexed an item's claimed time may order it: clocks
   * disagree a little, but a claim beyond this is taken as "now plus this" for ordering.
   */
  static final long FUTURE_SKEW_MILLIS = 60 * 60 * 1000L;

  /** {@code item.kind} of a post and of a comment. */
  static final int POST = 0;
  static final int COMMENT = 1;

  private static final List<String> TABLES = List.of(
      // key = public key || salt; next_seq = entries of the feed's own log seen so far;
      // posts = estimate for the timeline planner (deletes do not lower it); name/bio = latest.
      "CREATE TABLE feed(id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE,"
          + " next_seq INTEGER NOT NULL DEFAULT 0, posts INTEGER NOT NULL DEFAULT 0, name TEXT, bio TEXT)",
      // Posts and comments. id is also the rowid in the search table. text is the latest text
      // (NULL once deleted); orig keeps the original only once the item has been edited.
      // ts is the author's claim; sort_ts orders timelines: the claim, but no later than when
      // this index first saw the item plus FUTURE_SKEW_MILLIS, so a post dated in the far future
      // cannot stay pinned on top.
      "CREATE TABLE item(id INTEGER PRIMARY KEY, feed INTEGER NOT NULL, seq INTEGER NOT NULL,"
          + " kind INTEGER NOT NULL, ts INTEGER NOT NULL, sort_ts INTEGER NOT NULL, hash BLOB NOT NULL,"
          + " parent_feed INTEGER, parent_seq INTEGER, text TEXT, orig TEXT,"
          + " edit_seq INTEGER, edited_ts INTEGER, deleted INTEGER NOT NULL DEFAULT 0,"
          + " UNIQUE(feed, seq))",
      // Two timeline indexes: newest-first over everyone for a large followed set, per author for
      // a small one (FeedIndex picks by the share of posts the set holds). Partial, so deleted
      // posts and comments cost nothing here.
      // (ts, id, feed): the walk checks the author against the followed set without a table read.
      "CREATE INDEX item_posts_ts ON item(sort_ts, id, feed) WHERE kind = 0 AND deleted = 0",
      "CREATE INDEX item_posts_feed_ts ON item(feed, sort_ts) WHERE kind = 0 AND deleted = 0",
      "CREATE INDEX item_comments_feed ON item(feed) WHERE kind = 1 AND deleted = 0",
      "CREATE INDEX item_parent ON item(parent_feed, parent_seq) WHERE parent_feed IS NOT NULL",
      "CREATE TABLE edit(feed INTEGER NOT NULL, seq INTEGER NOT NULL, target INTEGER NOT NULL,"
          + " ts INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY(feed, seq)) WITHOUT ROWID",
      "CREATE INDEX edit_target ON edit(feed, target, seq)",
      "CREATE TABLE reaction(feed INTEGER NOT NULL, seq INTEGER NOT NULL, target_feed INTEGER NOT NULL,"
          + " target_seq INTEGER NOT NULL, emoji TEXT NOT NULL, PRIMARY KEY(feed, seq)) WITHOUT ROWID",
      "CREATE INDEX reaction_target ON reaction(target_feed, target_seq, emoji, feed)",
      // Follow and unfollow events; the graph is the latest event per (feed, target), so a deleted
      // event simply disappears and the one before it counts again.
      "CREATE TABLE follow(feed INTEGER NOT NULL, seq INTEGER NOT NULL, target INTEGER NOT NULL,"
          + " follows INTEGER NOT NULL, PRIMARY KEY(feed, seq)) WITHOUT ROWID",
      "CREATE INDEX follow_target ON follow(target, feed, seq)",
      // What each indexed relay entry carried, so that when the relaying feed deletes or redacts
      // it (its body, the proof, is then gone) the carried item can be withdrawn too, and so that
      // clearing a feed knows which of its items other feeds still hold and which items only it
      // held. A row even when the author's own feed had the entry first: that feed may go.
      "CREATE TABLE relay(feed INTEGER NOT NULL, seq INTEGER NOT NULL, author INTEGER NOT NULL,"
          + " author_seq INTEGER NOT NULL, PRIMARY KEY(feed, seq)) WITHOUT ROWID",
      "CREATE INDEX relay_carried ON relay(author, author_seq)",
      "CREATE TABLE profile(feed INTEGER NOT NULL, seq INTEGER NOT NULL, name TEXT, bio TEXT,"
          + " PRIMARY KEY(feed, seq)) WITHOUT ROWID",
      // Full-text search over item text (rowid = item.id) and profiles (rowid = -feed.id, name in
      // its own column). Contentless: the text lives once, in item/feed, and a row is removed by
      // a 'delete' command with the text it was indexed with, which item.text and feed.name/bio
      // always hold. Not contentless_delete=1: its deletes are tombstones that leave the terms in
      // the file until a merge, where 'delete' with secure-delete removes them at once.
      // Filled in bulk behind the 'search_mark' watermark.
      "CREATE VIRTUAL TABLE search USING fts5(text, name, content='', tokenize='unicode61 remove_diacritics 2')",
      // BEP-style promise to delete: remove a deleted row's terms from the index pages at once,
      // instead of leaving them behind a delete marker until the next merge.
      "INSERT INTO search(search, rank) VALUES('secure-delete', 1)",
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      "INSERT INTO meta(key, value) VALUES('schema_version', " + VERSION + "), ('search_mark', 0)");

  private static final List<String> DROP = List.of(
      "DROP TABLE IF EXISTS search", "DROP TABLE IF EXISTS relay", "DROP TABLE IF EXISTS profile", "DROP TABLE IF EXISTS follow",
      "DROP TABLE IF EXISTS reaction", "DROP TABLE IF EXISTS edit", "DROP TABLE IF EXISTS item",
      "DROP TABLE IF EXISTS feed", "DROP TABLE IF EXISTS meta");

  private Schema() {}

  /**
   * Creates the tables if missing. Returns true when the index was empty or from an older schema
   * and is now empty: the caller should re-ingest every stored feed.
   */
  static boolean createOrCheck(Connection c, String where) throws SQLException {
    try (Statement s = c.createStatement()) {
      int version = 0;
      try (ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'")) {
        rs.next();
        if (rs.getInt(1) == 1) {
          try (ResultSet v = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            version = v.next() ? v.getInt(1) : 0;
          }
        }
      }
      if (version == VERSION) {
        return false;
      }
      if (version > VERSION) {
        throw new IllegalStateException("index " + where + " has schema version " + version
            + ", newer than this Charkha's " + VERSION + "; use a newer Charkha or delete the file to rebuild it");
      }
      executeInTransaction(c, s, DROP);
      usePageSize(s, where); // outside a transaction, between the two
      executeInTransaction(c, s, TABLES);
      return true;
    }
  }

  private static void executeInTransaction(Connection c, Statement s, List<String> statements) throws SQLException {
    c.setAutoCommit(false);
    try {
      for (String sql : statements) {
        s.execute(sql);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * Gives an emptied index file {@link #PAGE_SIZE} pages (a new file has them already). WAL mode
   * keeps the page size, so this leaves it for a moment; if another process holds the file
   * open, the index keeps its old page size: slower to write, just as correct.
   */
  private static void usePageSize(Statement s, String where) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
      if (rs.next() && rs.getInt(1) == PAGE_SIZE) {
        return;
      }
    }
    try {
      s.execute("PRAGMA journal_mode = DELETE");
      s.execute("PRAGMA page_size = " + PAGE_SIZE);
      s.execute("VACUUM");
    } catch (SQLException e) {
      LoggerFactory.getLogger(Schema.class).warn("index {}: keeps its page size: {}", where, e.getMessage());
    } finally {
      s.execute("PRAGMA journal_mode = WAL");
    }
  }
}
