package org.charkha.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryType;
import org.charkha.feed.FeedId;

/**
 * The write side, on its own connection, used under {@link FeedIndex}'s write lock.
 *
 * <p>Order of work: a feed's entries are applied in sequence order. Posts, comments, reactions
 * and follows go out in JDBC batches (they only ever add rows); anything that reads or rewrites
 * earlier rows (edit, delete, redaction) first flushes the batches, so it sees every earlier entry.
 *
 * <p>Idempotence: {@code feed.next_seq} says how much of a feed's own log has been applied. An
 * entry below it is only looked at if it arrives without a body, to drop that body here too.
 * Every "latest" (text, profile field, follow state) is the highest sequence number, never the
 * order of arrival, so relays and re-ingests cannot move anything backwards.
 */
final class IndexWriter {
  private static final int BATCH = 2_000;
  /** FTS rows added per transaction when catching up, so other writers wait at most ~0.3 s. */
  private static final int SEARCH_CHUNK = 20_000;

  private final Connection c;
  private final Statement stmt;
  private final LongSupplier clock;
  private final FeedKeys.Writer feeds;

  private final PreparedStatement insertItem;
  private final PreparedStatement insertReaction;
  private final PreparedStatement insertFollow;
  private final PreparedStatement insertProfile;
  private final PreparedStatement insertEdit;
  private final PreparedStatement selectFeed;
  private final PreparedStatement updateFeed;
  private final PreparedStatement addPosts;
  private final PreparedStatement selectItem;
  private final PreparedStatement tombstone;
  private final PreparedStatement deleteEditsOf;
  private final PreparedStatement selectEdit;
  private final PreparedStatement deleteEdit;
  private final PreparedStatement latestEdit;
  private final PreparedStatement setText;
  private final PreparedStatement deleteReaction;
  private final PreparedStatement deleteFollow;
  private final PreparedStatement deleteProfile;
  private final PreparedStatement latestName;
  private final PreparedStatement latestBio;
  private final PreparedStatement setProfile;
  private final PreparedStatement selectProfile;
  private final PreparedStatement insertRelay;
  private final PreparedStatement selectRelay;
  private final PreparedStatement deleteRelay;
  private final PreparedStatement otherRelays;
  private final PreparedStatement searchDelete;
  private final PreparedStatement searchInsert;
  private final PreparedStatement searchBulk;
  private final PreparedStatement selectMark;
  private final PreparedStatement setMark;

  // State of the transaction in progress.
  private long mark;
  private int batchedItems;
  private long[] batchedPostAuthors = new long[BATCH];
  private int batchedReactions;
  private int batchedFollows;
  private int batchedProfiles;
  private final Map<Long, Long> newPosts = new HashMap<>();
  private final Set<Long> dirtyProfiles = new LinkedHashSet<>();
  private final Map<Long, Long> nextSeqOf = new HashMap<>();

  IndexWriter(Connection c, LongSupplier clock) throws SQLException {
    this.c = c;
    this.clock = clock;
    this.stmt = c.createStatement();
    this.feeds = new FeedKeys.Writer(c);
    insertItem = c.prepareStatement("INSERT INTO item(feed, seq, kind, ts, hash, parent_feed, parent_seq, text, deleted,"
        + " sort_ts) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(feed, seq) DO NOTHING");
    insertReaction = c.prepareStatement("INSERT INTO reaction(feed, seq, target_feed, target_seq, emoji)"
        + " VALUES(?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insertFollow = c.prepareStatement("INSERT INTO follow(feed, seq, target, follows) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insertProfile = c.prepareStatement("INSERT INTO profile(feed, seq, name, bio) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insertEdit = c.prepareStatement("INSERT INTO edit(feed, seq, target, ts, text) VALUES(?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    selectFeed = c.prepareStatement("SELECT next_seq FROM feed WHERE id = ?");
    updateFeed = c.prepareStatement("UPDATE feed SET next_seq = max(next_seq, ?) WHERE id = ?");
    addPosts = c.prepareStatement("UPDATE feed SET posts = posts + ? WHERE id = ?");
    selectItem = c.prepareStatement("SELECT id, deleted, text, orig, edit_seq FROM item WHERE feed = ? AND seq = ?");
    tombstone = c.prepareStatement("UPDATE item SET text = NULL, orig = NULL, edit_seq = NULL, edited_ts = NULL,"
        + " deleted = 1 WHERE id = ?");
    deleteEditsOf = c.prepareStatement("DELETE FROM edit WHERE feed = ? AND target = ?");
    selectEdit = c.prepareStatement("SELECT target FROM edit WHERE feed = ? AND seq = ?");
    deleteEdit = c.prepareStatement("DELETE FROM edit WHERE feed = ? AND seq = ?");
    latestEdit = c.prepareStatement("SELECT seq, ts, text FROM edit WHERE feed = ? AND target = ? ORDER BY seq DESC LIMIT 1");
    setText = c.prepareStatement("UPDATE item SET text = ?, orig = ?, edit_seq = ?, edited_ts = ? WHERE id = ?");
    deleteReaction = c.prepareStatement("DELETE FROM reaction WHERE feed = ? AND seq = ?");
    deleteFollow = c.prepareStatement("DELETE FROM follow WHERE feed = ? AND seq = ?");
    deleteProfile = c.prepareStatement("DELETE FROM profile WHERE feed = ? AND seq = ?");
    latestName = c.prepareStatement("SELECT name FROM profile WHERE feed = ? AND name IS NOT NULL ORDER BY seq DESC LIMIT 1");
    latestBio = c.prepareStatement("SELECT bio FROM profile WHERE feed = ? AND bio IS NOT NULL ORDER BY seq DESC LIMIT 1");
    selectProfile = c.prepareStatement("SELECT name, bio FROM feed WHERE id = ?");
    setProfile = c.prepareStatement("UPDATE feed SET name = ?, bio = ? WHERE id = ?");
    insertRelay = c.prepareStatement("INSERT INTO relay(feed, seq, author, author_seq) VALUES(?, ?, ?, ?)"
        + " ON CONFLICT DO NOTHING");
    selectRelay = c.prepareStatement("SELECT author, author_seq FROM relay WHERE feed = ? AND seq = ?");
    deleteRelay = c.prepareStatement("DELETE FROM relay WHERE feed = ? AND seq = ?");
    otherRelays = c.prepareStatement("SELECT count(*) FROM relay WHERE author = ? AND author_seq = ?");
    searchDelete = c.prepareStatement("INSERT INTO search(search, rowid, text, name) VALUES('delete', ?, ?, ?)");
    searchInsert = c.prepareStatement("INSERT INTO search(rowid, text, name) VALUES(?, ?, ?)");
    searchBulk = c.prepareStatement("INSERT INTO search(rowid, text)"
        + " SELECT id, text FROM item WHERE id > ? AND id <= ? AND text IS NOT NULL");
    selectMark = c.prepareStatement("SELECT value FROM meta WHERE key = 'search_mark'");
    setMark = c.prepareStatement("UPDATE meta SET value = ? WHERE key = 'search_mark'");
  }

  IngestResult ingest(FeedId feed, List<Entry> entries) throws SQLException {
    begin();
    try {
      IngestResult r = apply(feed, entries);
      finish();
      stmt.execute("COMMIT");
      return r;
    } catch (SQLException | RuntimeException e) {
      rollback();
      throw e;
    }
  }

  private IngestResult apply(FeedId feed, List<Entry> entries) throws SQLException {
    long fid = feeds.idOf(feed);
    long next = nextSeq(fid);
    long end = next;
    int added = 0;
    int redacted = 0;
    int skipped = 0;
    for (Entry e : entries) {
      long seq = e.seq();
      EntryType type = e.type();
      if (seq < next) {
        // Already applied: only a body that has since been withdrawn matters.
        if (e.isRedacted() && type != null && removeBody(fid, seq, type)) {
          redacted++;
        } else {
          skipped++;
        }
        continue;
      }
      end = Math.max(end, seq + 1);
      if (e.isRedacted()) {
        // First seen already withdrawn: drop whatever a relay may have brought, keep the shape.
        if (type != null && removeBody(fid, seq, type)) {
          redacted++;
        }
        if (type == EntryType.POST || type == EntryType.COMMENT) {
          addItem(fid, seq, type == EntryType.POST ? Schema.POST : Schema.COMMENT, e.timestamp(), e.hash(), -1, -1, null);
          added++;
        } else {
          skipped++;
        }
        continue;
      }
      Content content = e.content();
      if (content instanceof Content.Delete d) {
        if (removeBody(fid, d.of(), typeAt(entries, d.of()))) {
          redacted++;
        }
        added++;
      } else if (content instanceof Content.Relay relay) {
        if (relay(fid, seq, relay)) {
          added++;
        } else {
          skipped++;
        }
      } else if (applyOwn(fid, e, content)) {
        added++;
      } else {
        skipped++;
      }
    }
    flush();
    updateFeed.setLong(1, end);
    updateFeed.setLong(2, fid);
    updateFeed.executeUpdate();
    return new IngestResult(added, redacted, skipped);
  }

  /** Applies an entry that is not a delete or relay, authored by {@code fid}; false if not indexed. */
  private boolean applyOwn(long fid, Entry e, Content content) throws SQLException {
    if (content instanceof Content.Post p) {
      addItem(fid, e.seq(), Schema.POST, e.timestamp(), e.hash(), -1, -1, p.text());
    } else if (content instanceof Content.Comment cm) {
      addItem(fid, e.seq(), Schema.COMMENT, e.timestamp(), e.hash(), feeds.idOf(cm.on().feed()), cm.on().seq(), cm.text());
    } else if (content instanceof Content.Reaction r) {
      insertReaction.setLong(1, fid);
      insertReaction.setLong(2, e.seq());
      insertReaction.setLong(3, feeds.idOf(r.on().feed()));
      insertReaction.setLong(4, r.on().seq());
      insertReaction.setString(5, r.emoji());
      insertReaction.addBatch();
      if (++batchedReactions >= BATCH) {
        flush();
      }
    } else if (content instanceof Content.Edit ed) {
      applyEdit(fid, e.seq(), e.timestamp(), ed);
    } else if (content instanceof Content.Follow f) {
      addFollow(fid, e.seq(), feeds.idOf(f.feed()), true);
    } else if (content instanceof Content.Unfollow u) {
      addFollow(fid, e.seq(), feeds.idOf(u.feed()), false);
    } else if (content instanceof Content.Profile p) {
      insertProfile.setLong(1, fid);
      insertProfile.setLong(2, e.seq());
      insertProfile.setString(3, p.name().orElse(null));
      insertProfile.setString(4, p.bio().orElse(null));
      insertProfile.addBatch();
      batchedProfiles++;
      dirtyProfiles.add(fid);
    } else {
      return false; // Unknown: kept in the chain, not shown
    }
    return true;
  }

  /**
   * A relay carries another author's entry, already verified. It fills threads with comments
   * from feeds we do not follow, so only posts, comments and reactions are taken, and only
   * while the author's own feed has not reached that entry: once it has, the author's feed is
   * authoritative (it may have withdrawn the body the relay still carries). The relay row is
   * kept either way: if the author's feed is cleared later, it says what this feed still holds.
   */
  private boolean relay(long fid, long seq, Content.Relay relay) throws SQLException {
    Entry carried = relay.proof().entry();
    Content content = carried.content();
    if (carried.isRedacted()
        || !(content instanceof Content.Post || content instanceof Content.Comment || content instanceof Content.Reaction)) {
      return false;
    }
    long author = feeds.idOf(relay.proof().feed());
    exec(insertRelay, fid, seq, author, carried.seq());
    if (carried.seq() < nextSeq(author)) {
      return false;
    }
    return applyOwn(author, carried, content);
  }

  /**
   * The relaying feed withdrew relay entry {@code seq}: what it carried goes too (its text leaves
   * the index and search, the item stays as a tombstone like any deleted one), unless the
   * author's own feed has reached that entry (then it is authoritative) or another relay still
   * carries it.
   */
  private boolean unrelay(long fid, long seq) throws SQLException {
    long author;
    long authorSeq;
    selectRelay.setLong(1, fid);
    selectRelay.setLong(2, seq);
    try (ResultSet rs = selectRelay.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
      author = rs.getLong(1);
      authorSeq = rs.getLong(2);
    }
    exec(deleteRelay, fid, seq);
    if (authorSeq < nextSeq(author)) {
      return true;
    }
    otherRelays.setLong(1, author);
    otherRelays.setLong(2, authorSeq);
    try (ResultSet rs = otherRelays.executeQuery()) {
      if (rs.next() && rs.getLong(1) > 0) {
        return true;
      }
    }
    tombstone(author, authorSeq);
    exec(deleteReaction, author, authorSeq);
    return true;
  }

  private void addItem(long fid, long seq, int kind, long ts, byte[] hash, long parentFeed, long parentSeq, String text)
      throws SQLException {
    insertItem.setLong(1, fid);
    insertItem.setLong(2, seq);
    insertItem.setInt(3, kind);
    insertItem.setLong(4, ts);
    insertItem.setBytes(5, hash);
    if (parentFeed >= 0) {
      insertItem.setLong(6, parentFeed);
      insertItem.setLong(7, parentSeq);
    } else {
      insertItem.setNull(6, java.sql.Types.INTEGER);
      insertItem.setNull(7, java.sql.Types.INTEGER);
    }
    insertItem.setString(8, text);
    insertItem.setInt(9, text == null ? 1 : 0);
    insertItem.setLong(10, sortTime(ts));
    insertItem.addBatch();
    batchedPostAuthors[batchedItems++] = kind == Schema.POST && text != null ? fid : -1;
    if (batchedItems >= BATCH) {
      flush();
    }
  }

  /** The time a timeline orders an item by: its claim, unless that is beyond now plus the skew. */
  private long sortTime(long claimed) {
    long latest = clock.getAsLong() + Schema.FUTURE_SKEW_MILLIS;
    return Math.min(claimed, latest);
  }

  private void addFollow(long fid, long seq, long target, boolean follows) throws SQLException {
    insertFollow.setLong(1, fid);
    insertFollow.setLong(2, seq);
    insertFollow.setLong(3, target);
    insertFollow.setInt(4, follows ? 1 : 0);
    insertFollow.addBatch();
    batchedFollows++;
  }

  private void applyEdit(long fid, long seq, long ts, Content.Edit ed) throws SQLException {
    flush();
    insertEdit.setLong(1, fid);
    insertEdit.setLong(2, seq);
    insertEdit.setLong(3, ed.of());
    insertEdit.setLong(4, ts);
    insertEdit.setString(5, ed.text());
    insertEdit.executeUpdate();
    if (refreshText(fid, ed.of()) == TargetState.DELETED) {
      // An edit of a deleted item: its text must not outlive the delete.
      exec(deleteEdit, fid, seq);
    }
  }

  private enum TargetState { MISSING, DELETED, PRESENT }

  /** Sets an item's shown text to its latest remaining edit, or back to the original. */
  private TargetState refreshText(long fid, long seq) throws SQLException {
    long id;
    String text;
    String orig;
    Long editSeq;
    selectItem.setLong(1, fid);
    selectItem.setLong(2, seq);
    try (ResultSet rs = selectItem.executeQuery()) {
      if (!rs.next()) {
        return TargetState.MISSING;
      }
      if (rs.getInt(2) != 0) {
        return TargetState.DELETED;
      }
      id = rs.getLong(1);
      text = rs.getString(3);
      orig = rs.getString(4);
      long es = rs.getLong(5);
      editSeq = rs.wasNull() ? null : es;
    }
    String original = editSeq == null ? text : orig;
    String newText = original;
    String newOrig = null;
    Long newEditSeq = null;
    Long newEditTs = null;
    latestEdit.setLong(1, fid);
    latestEdit.setLong(2, seq);
    try (ResultSet rs = latestEdit.executeQuery()) {
      if (rs.next()) {
        newEditSeq = rs.getLong(1);
        newEditTs = rs.getLong(2);
        newText = rs.getString(3);
        newOrig = original;
      }
    }
    if (java.util.Objects.equals(newEditSeq, editSeq)) {
      return TargetState.PRESENT;
    }
    setText.setString(1, newText);
    setText.setString(2, newOrig);
    setNullable(setText, 3, newEditSeq);
    setNullable(setText, 4, newEditTs);
    setText.setLong(5, id);
    setText.executeUpdate();
    if (id <= mark) {
      unsearch(id, text, null);
      searchInsert.setLong(1, id);
      searchInsert.setString(2, newText);
      searchInsert.setNull(3, java.sql.Types.VARCHAR);
      searchInsert.executeUpdate();
    }
    return TargetState.PRESENT;
  }

  /**
   * Removes the body of entry {@code seq} of feed {@code fid} from every table it may be in
   * ({@code type} null: not known, look everywhere). A post or comment becomes a tombstone and
   * loses its edits. Returns whether anything was removed.
   */
  private boolean removeBody(long fid, long seq, EntryType type) throws SQLException {
    flush();
    boolean removed = false;
    if (type == null || type == EntryType.POST || type == EntryType.COMMENT) {
      removed |= tombstone(fid, seq);
    }
    if (type == null || type == EntryType.EDIT) {
      long target = -1;
      selectEdit.setLong(1, fid);
      selectEdit.setLong(2, seq);
      try (ResultSet rs = selectEdit.executeQuery()) {
        if (rs.next()) {
          target = rs.getLong(1);
        }
      }
      if (target >= 0) {
        exec(deleteEdit, fid, seq);
        refreshText(fid, target);
        removed = true;
      }
    }
    if (type == null || type == EntryType.REACTION) {
      removed |= exec(deleteReaction, fid, seq) > 0;
    }
    if (type == null || type == EntryType.FOLLOW || type == EntryType.UNFOLLOW) {
      removed |= exec(deleteFollow, fid, seq) > 0;
    }
    if ((type == null || type == EntryType.PROFILE) && exec(deleteProfile, fid, seq) > 0) {
      dirtyProfiles.add(fid);
      removed = true;
    }
    if (type == null || type == EntryType.RELAY) {
      removed |= unrelay(fid, seq);
    }
    return removed;
  }

  private boolean tombstone(long fid, long seq) throws SQLException {
    long id;
    String text;
    selectItem.setLong(1, fid);
    selectItem.setLong(2, seq);
    try (ResultSet rs = selectItem.executeQuery()) {
      if (!rs.next() || rs.getInt(2) != 0) {
        return false;
      }
      id = rs.getLong(1);
      text = rs.getString(3);
    }
    if (id <= mark) {
      unsearch(id, text, null);
    }
    exec(tombstone, id);
    exec(deleteEditsOf, fid, seq);
    return true;
  }

  /** The type of entry {@code seq} if the list holds it (it usually is the whole log). */
  private static EntryType typeAt(List<Entry> entries, long seq) {
    if (!entries.isEmpty()) {
      long i = seq - entries.get(0).seq();
      if (i >= 0 && i < entries.size() && entries.get((int) i).seq() == seq) {
        return entries.get((int) i).type();
      }
    }
    for (Entry e : entries) {
      if (e.seq() == seq) {
        return e.type();
      }
    }
    return null;
  }

  private long nextSeq(long fid) throws SQLException {
    Long cached = nextSeqOf.get(fid);
    if (cached != null) {
      return cached;
    }
    selectFeed.setLong(1, fid);
    try (ResultSet rs = selectFeed.executeQuery()) {
      long n = rs.next() ? rs.getLong(1) : 0;
      nextSeqOf.put(fid, n);
      return n;
    }
  }

  private void flush() throws SQLException {
    if (batchedItems > 0) {
      int[] counts = insertItem.executeBatch();
      for (int i = 0; i < batchedItems; i++) {
        long author = batchedPostAuthors[i];
        if (author >= 0 && counts[i] > 0) {
          newPosts.merge(author, 1L, Long::sum);
        }
      }
      batchedItems = 0;
    }
    if (batchedReactions > 0) {
      insertReaction.executeBatch();
      batchedReactions = 0;
    }
    if (batchedFollows > 0) {
      insertFollow.executeBatch();
      batchedFollows = 0;
    }
    if (batchedProfiles > 0) {
      insertProfile.executeBatch();
      batchedProfiles = 0;
    }
  }

  /** Work done once per transaction: post estimates and the profiles that changed. */
  private void finish() throws SQLException {
    flush();
    for (Map.Entry<Long, Long> e : newPosts.entrySet()) {
      addPosts.setLong(1, e.getValue());
      addPosts.setLong(2, e.getKey());
      addPosts.executeUpdate();
    }
    for (long fid : dirtyProfiles) {
      selectProfile.setLong(1, fid);
      try (ResultSet rs = selectProfile.executeQuery()) {
        if (rs.next()) {
          unsearch(-fid, rs.getString(2), rs.getString(1));
        }
      }
      String name = first(latestName, fid);
      String bio = first(latestBio, fid);
      setProfile.setString(1, name);
      setProfile.setString(2, bio);
      setProfile.setLong(3, fid);
      setProfile.executeUpdate();
      // Profiles are few and change rarely: kept in the search table at once, at rowid -feed.
      if (name != null || bio != null) {
        searchInsert.setLong(1, -fid);
        searchInsert.setString(2, bio);
        searchInsert.setString(3, name);
        searchInsert.executeUpdate();
      }
    }
  }

  /**
   * Removes a row from the search table. The text must be exactly what was indexed (FTS5
   * contentless 'delete'); a row with no text was never indexed and is left alone.
   */
  private void unsearch(long rowid, String text, String name) throws SQLException {
    if (text == null && name == null) {
      return;
    }
    searchDelete.setLong(1, rowid);
    searchDelete.setString(2, text);
    searchDelete.setString(3, name);
    searchDelete.executeUpdate();
  }

  private static String first(PreparedStatement ps, long fid) throws SQLException {
    ps.setLong(1, fid);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * Brings the search table up to the newest item, one chunk per transaction. Returns the number
   * of items still waiting (0 when caught up).
   */
  long catchUpSearch(boolean all) throws SQLException {
    while (true) {
      begin();
      long max;
      long upto;
      try {
        try (ResultSet rs = stmt.executeQuery("SELECT coalesce(max(id), 0) FROM item")) {
          rs.next();
          max = rs.getLong(1);
        }
        if (max <= mark) {
          stmt.execute("COMMIT");
          return 0;
        }
        upto = Math.min(max, mark + SEARCH_CHUNK);
        searchBulk.setLong(1, mark);
        searchBulk.setLong(2, upto);
        searchBulk.executeUpdate();
        setMark.setLong(1, upto);
        setMark.executeUpdate();
        stmt.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollback();
        throw e;
      }
      if (!all && upto < max) {
        return max - upto;
      }
    }
  }

  /** Items not yet in the search table. */
  long searchBacklog() throws SQLException {
    try (ResultSet rs = stmt.executeQuery(
        "SELECT coalesce(max(id), 0) - (SELECT value FROM meta WHERE key = 'search_mark') FROM item")) {
      rs.next();
      return Math.max(0, rs.getLong(1));
    }
  }

  /** An item or reaction of the feed being cleared that a relay of another feed carries. */
  private static final String CARRIED_ELSEWHERE = "EXISTS (SELECT 1 FROM relay r WHERE r.author = t.feed"
      + " AND r.author_seq = t.seq AND r.feed != t.feed)";

  /**
   * Drops a feed's entries, leaving what a reindex of the remaining feeds gives: its own entries
   * go, except posts, comments and reactions that another feed's relay carries (those stay as
   * the relay has them: without the feed's edits); and what its relays carried goes too, unless
   * the author's own feed has reached it or another relay carries it.
   */
  void clearFeed(FeedId feed) throws SQLException {
    begin();
    try {
      long fid = feeds.idOf(feed);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO search(search, rowid, text) SELECT 'delete', id, text FROM item t"
              + " WHERE feed = ? AND id <= ? AND text IS NOT NULL AND (NOT " + CARRIED_ELSEWHERE
              + " OR edit_seq IS NOT NULL)")) {
        exec(ps, fid, mark);
      }
      // A relay carries the original: the feed's edits leave with it.
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO search(rowid, text) SELECT id, orig FROM item t"
              + " WHERE feed = ? AND id <= ? AND edit_seq IS NOT NULL AND " + CARRIED_ELSEWHERE)) {
        exec(ps, fid, mark);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE item AS t SET text = orig, orig = NULL,"
          + " edit_seq = NULL, edited_ts = NULL WHERE feed = ? AND edit_seq IS NOT NULL AND " + CARRIED_ELSEWHERE)) {
        exec(ps, fid);
      }
      for (String table : List.of("item", "reaction")) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM " + table + " AS t WHERE feed = ? AND NOT " + CARRIED_ELSEWHERE)) {
          exec(ps, fid);
        }
      }
      List<long[]> carried = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT author, author_seq FROM relay WHERE feed = ? AND author != ?")) {
        ps.setLong(1, fid);
        ps.setLong(2, fid);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            carried.add(new long[] {rs.getLong(1), rs.getLong(2)});
          }
        }
      }
      for (String table : List.of("edit", "follow", "profile", "relay")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE feed = ?")) {
          exec(ps, fid);
        }
      }
      for (long[] entry : carried) {
        dropIfNoLongerHeld(entry[0], entry[1]);
      }
      dirtyProfiles.add(fid);
      finish();
      // next_seq 0: re-ingesting the feed's log applies all of it; kept relayed items are
      // inserted again as no-ops and then edited or deleted as the log says, as in a reindex.
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE feed SET next_seq = 0, posts = (SELECT count(*) FROM item WHERE feed = ?1 AND kind = 0) WHERE id = ?1")) {
        exec(ps, fid);
      }
      // Row ids above the remaining maximum may be handed out again: they must not count as
      // already in the search table.
      stmt.execute("UPDATE meta SET value = min(value, (SELECT coalesce(max(id), 0) FROM item))"
          + " WHERE key = 'search_mark'");
      stmt.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback();
      throw e;
    }
  }

  /**
   * A cleared feed's relay carried entry {@code seq} of {@code author}: it leaves the index
   * (not as a tombstone: nobody deleted it, no stored feed holds it any more) unless the
   * author's own feed has reached it or another relay still carries it.
   */
  private void dropIfNoLongerHeld(long author, long seq) throws SQLException {
    if (seq < nextSeq(author)) {
      return;
    }
    otherRelays.setLong(1, author);
    otherRelays.setLong(2, seq);
    try (ResultSet rs = otherRelays.executeQuery()) {
      if (rs.next() && rs.getLong(1) > 0) {
        return;
      }
    }
    boolean post = false;
    try (PreparedStatement ps = c.prepareStatement("SELECT id, text, kind FROM item WHERE feed = ? AND seq = ?")) {
      ps.setLong(1, author);
      ps.setLong(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          if (rs.getLong(1) <= mark) {
            unsearch(rs.getLong(1), rs.getString(2), null);
          }
          post = rs.getInt(3) == Schema.POST;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM item WHERE feed = ? AND seq = ?")) {
      exec(ps, author, seq);
    }
    exec(deleteReaction, author, seq);
    exec(deleteEditsOf, author, seq);
    if (post) {
      // Only a relay brought it (the author's feed has not reached it), so it was counted once.
      try (PreparedStatement ps = c.prepareStatement("UPDATE feed SET posts = max(posts - 1, 0) WHERE id = ?")) {
        exec(ps, author);
      }
    }
  }

  void clearAll() throws SQLException {
    begin();
    try {
      for (String table : List.of("item", "edit", "reaction", "follow", "profile", "relay", "feed")) {
        stmt.execute("DELETE FROM " + table);
      }
      stmt.execute("INSERT INTO search(search) VALUES('delete-all')");
      stmt.execute("UPDATE meta SET value = 0 WHERE key = 'search_mark'");
      stmt.execute("COMMIT");
      feeds.forget();
    } catch (SQLException | RuntimeException e) {
      rollback();
      throw e;
    }
  }

  private void begin() throws SQLException {
    stmt.execute("BEGIN IMMEDIATE");
    try (ResultSet rs = selectMark.executeQuery()) {
      rs.next();
      mark = rs.getLong(1);
    }
    batchedItems = 0;
    batchedReactions = 0;
    batchedFollows = 0;
    batchedProfiles = 0;
    newPosts.clear();
    dirtyProfiles.clear();
    nextSeqOf.clear();
  }

  private void rollback() {
    try {
      insertItem.clearBatch();
      insertReaction.clearBatch();
      insertFollow.clearBatch();
      insertProfile.clearBatch();
      stmt.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // The transaction is gone either way; the original error is what matters.
    }
    feeds.forget(); // ids handed out in the rolled-back transaction no longer exist
  }

  private static int exec(PreparedStatement ps, long... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setLong(i + 1, args[i]);
    }
    return ps.executeUpdate();
  }

  private static void setNullable(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, java.sql.Types.INTEGER);
    } else {
      ps.setLong(i, v);
    }
  }
}
