package org.charkha.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;

/** The read side, on its own connection so that queries never wait behind a long ingest. */
final class IndexReader {
  private static final String ITEM_COLUMNS = "i.id, i.seq, i.kind, i.ts, i.hash, i.parent_seq, i.text,"
      + " i.edited_ts, i.deleted, f.key, f.name, pf.key, i.sort_ts";
  private static final String ITEM_FROM = from("");

  private static String from(String indexedBy) {
    return " FROM item i" + indexedBy + " JOIN feed f ON f.id = i.feed LEFT JOIN feed pf ON pf.id = i.parent_feed";
  }
  /**
   * A page of posts: first the row ids from the index alone (both timeline indexes cover the
   * filter and the order), then the 50-odd rows themselves.
   */
  private static String timeline(String index, String feedFilter) {
    return "SELECT " + ITEM_COLUMNS + ITEM_FROM + " JOIN (SELECT id AS pid FROM item INDEXED BY " + index
        + " WHERE kind = 0 AND deleted = 0 AND " + feedFilter
        + " AND sort_ts <= ? AND (sort_ts < ? OR id < ?) ORDER BY sort_ts DESC, id DESC LIMIT ?) p ON p.pid = i.id"
        + " ORDER BY i.sort_ts DESC, i.id DESC";
  }

  /**
   * Matches ranked per search: the newest {@code SEARCH_WINDOW} only, so a common word costs about
   * what a rare one does (see {@link #search}).
   */
  static final int SEARCH_WINDOW = 500;
  /** Matches counted per word to estimate how common it is. */
  static final int DF_SAMPLE = 5_000;

  private final PreparedStatement feedsOf;
  private final PreparedStatement totalPosts;
  private final PreparedStatement timelineByTime;
  private final PreparedStatement timelineByFeed;
  private final PreparedStatement authorTimeline;
  private final PreparedStatement itemByRef;
  private final PreparedStatement itemsById;
  private final PreparedStatement reactions;
  private final PreparedStatement replies;
  private final PreparedStatement thread;
  private final PreparedStatement edits;
  private final PreparedStatement profile;
  private final PreparedStatement countPosts;
  private final PreparedStatement countComments;
  private final PreparedStatement following;
  private final PreparedStatement followers;
  private final PreparedStatement searchItems;
  private final PreparedStatement searchProfiles;
  private final PreparedStatement dfSample;
  private final PreparedStatement maxRowid;

  IndexReader(Connection c) throws SQLException {
    feedsOf = c.prepareStatement("SELECT id, posts FROM feed WHERE key IN (SELECT unhex(value) FROM json_each(?))");
    totalPosts = c.prepareStatement("SELECT coalesce(sum(posts), 0) FROM feed");
    timelineByTime = c.prepareStatement(timeline("item_posts_ts", "feed IN (SELECT value FROM json_each(?))"));
    timelineByFeed = c.prepareStatement(timeline("item_posts_feed_ts", "feed IN (SELECT value FROM json_each(?))"));
    authorTimeline = c.prepareStatement(timeline("item_posts_feed_ts", "feed = (SELECT id FROM feed WHERE key = ?)"));
    itemByRef = c.prepareStatement("SELECT " + ITEM_COLUMNS + ", i.feed, i.edit_seq, i.orig" + ITEM_FROM
        + " WHERE i.feed = (SELECT id FROM feed WHERE key = ?) AND i.seq = ?");
    itemsById = c.prepareStatement("SELECT " + ITEM_COLUMNS + ITEM_FROM + " WHERE i.id IN (SELECT value FROM json_each(?))");
    reactions = c.prepareStatement("SELECT i.id, r.emoji, count(DISTINCT r.feed) FROM item i"
        + " JOIN reaction r ON r.target_feed = i.feed AND r.target_seq = i.seq"
        + " WHERE i.id IN (SELECT value FROM json_each(?)) GROUP BY i.id, r.emoji");
    replies = c.prepareStatement("SELECT i.id, (SELECT count(*) FROM item c WHERE c.parent_feed = i.feed"
        + " AND c.parent_seq = i.seq) FROM item i WHERE i.id IN (SELECT value FROM json_each(?))");
    thread = c.prepareStatement("WITH RECURSIVE t(id, feed, seq, depth) AS ("
        + " SELECT id, feed, seq, 0 FROM item WHERE feed = (SELECT id FROM feed WHERE key = ?) AND seq = ?"
        + " UNION ALL SELECT c.id, c.feed, c.seq, t.depth + 1 FROM t JOIN item c"
        + " ON c.parent_feed = t.feed AND c.parent_seq = t.seq WHERE t.depth < ? LIMIT ?)"
        + " SELECT " + ITEM_COLUMNS + ", t.depth" + ITEM_FROM + " JOIN t ON t.id = i.id");
    edits = c.prepareStatement("SELECT seq, ts, text FROM edit WHERE feed = ? AND target = ? ORDER BY seq");
    profile = c.prepareStatement("SELECT id, name, bio FROM feed WHERE key = ?");
    countPosts = c.prepareStatement("SELECT count(*) FROM item INDEXED BY item_posts_feed_ts"
        + " WHERE feed = ? AND kind = 0 AND deleted = 0");
    countComments = c.prepareStatement("SELECT count(*) FROM item INDEXED BY item_comments_feed"
        + " WHERE feed = ? AND kind = 1 AND deleted = 0");
    following = c.prepareStatement("SELECT f.key FROM (SELECT target, follows, max(seq) FROM follow"
        + " WHERE feed = (SELECT id FROM feed WHERE key = ?) GROUP BY target) x"
        + " JOIN feed f ON f.id = x.target WHERE x.follows = 1 ORDER BY f.key");
    followers = c.prepareStatement("SELECT f.key FROM (SELECT feed, follows, max(seq) FROM follow"
        + " WHERE target = (SELECT id FROM feed WHERE key = ?) GROUP BY feed) x"
        + " JOIN feed f ON f.id = x.feed WHERE x.follows = 1 ORDER BY f.key");
    searchItems = c.prepareStatement("SELECT " + ITEM_COLUMNS + ITEM_FROM + " JOIN (SELECT rowid AS id FROM search"
        + " WHERE search MATCH ? AND rowid > 0 ORDER BY rowid DESC LIMIT " + SEARCH_WINDOW + ") s ON s.id = i.id");
    searchProfiles = c.prepareStatement("SELECT f.key, f.name, f.bio FROM feed f JOIN (SELECT -rowid AS id FROM search"
        + " WHERE search MATCH ? AND rowid < 0 LIMIT " + SEARCH_WINDOW + ") s ON s.id = f.id");
    dfSample = c.prepareStatement("SELECT count(*), coalesce(min(rowid), 0) FROM (SELECT rowid FROM search"
        + " WHERE search MATCH ? AND rowid > 0 ORDER BY rowid DESC LIMIT " + DF_SAMPLE + ")");
    maxRowid = c.prepareStatement("SELECT value FROM meta WHERE key = 'search_mark'");
  }

  Page<ItemView> homeTimeline(Set<FeedId> feeds, Cursor cursor, int limit) throws SQLException {
    if (feeds.isEmpty()) {
      return new Page<>(List.of(), Optional.empty());
    }
    StringJoiner keys = new StringJoiner(",", "[", "]");
    for (FeedId f : feeds) {
      keys.add('"' + Hex.encode(FeedKeys.encode(f)) + '"');
    }
    feedsOf.setString(1, keys.toString());
    StringJoiner ids = new StringJoiner(",", "[", "]");
    long setPosts = 0;
    try (ResultSet rs = feedsOf.executeQuery()) {
      while (rs.next()) {
        ids.add(Long.toString(rs.getLong(1)));
        setPosts += rs.getLong(2);
      }
    }
    long total;
    try (ResultSet rs = totalPosts.executeQuery()) {
      rs.next();
      total = rs.getLong(1);
    }
    // Walking the time index newest first reads about limit * total / setPosts rows; reading the
    // set's feeds through the author index reads up to setPosts rows and sorts them. Take the
    // cheaper (posts counts are estimates, good enough to choose).
    boolean byTime = setPosts > 0 && (double) limit * total / setPosts < setPosts;
    PreparedStatement ps = byTime ? timelineByTime : timelineByFeed;
    ps.setString(1, ids.toString());
    return page(ps, 2, cursor, limit);
  }

  Page<ItemView> authorTimeline(FeedId feed, Cursor cursor, int limit) throws SQLException {
    authorTimeline.setBytes(1, FeedKeys.encode(feed));
    return page(authorTimeline, 2, cursor, limit);
  }

  private Page<ItemView> page(PreparedStatement ps, int i, Cursor cursor, int limit) throws SQLException {
    ps.setLong(i, cursor.timestamp());
    ps.setLong(i + 1, cursor.timestamp());
    ps.setLong(i + 2, cursor.id());
    ps.setInt(i + 3, limit);
    List<Row> rows = rows(ps, false);
    List<ItemView> items = decorate(rows);
    Optional<Cursor> next = Optional.empty();
    if (rows.size() == limit) {
      Row last = rows.get(rows.size() - 1);
      next = Optional.of(new Cursor(last.sortTs, last.id));
    }
    return new Page<>(items, next);
  }

  Optional<PostDetail> post(EntryRef ref) throws SQLException {
    itemByRef.setBytes(1, FeedKeys.encode(ref.feed()));
    itemByRef.setLong(2, ref.seq());
    Row row;
    long fid;
    long editSeq;
    boolean edited;
    String orig;
    try (ResultSet rs = itemByRef.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      row = Row.read(rs);
      fid = rs.getLong(14);
      editSeq = rs.getLong(15);
      edited = !rs.wasNull();
      orig = rs.getString(16);
    }
    ItemView view = decorate(List.of(row)).get(0);
    List<TextVersion> history = new ArrayList<>();
    if (!row.deleted) {
      if (!edited) {
        history.add(new TextVersion(row.seq, row.ts, row.text));
      } else {
        history.add(new TextVersion(row.seq, row.ts, orig));
        edits.setLong(1, fid);
        edits.setLong(2, ref.seq());
        try (ResultSet rs = edits.executeQuery()) {
          while (rs.next()) {
            history.add(new TextVersion(rs.getLong(1), rs.getLong(2), rs.getString(3)));
          }
        }
      }
    }
    return Optional.of(new PostDetail(view, history));
  }

  Optional<ThreadView> thread(EntryRef root, int maxDepth, int maxItems) throws SQLException {
    thread.setBytes(1, FeedKeys.encode(root.feed()));
    thread.setLong(2, root.seq());
    thread.setInt(3, maxDepth);
    thread.setInt(4, maxItems + 1);
    List<Row> rows = rows(thread, true);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    boolean truncated = rows.size() > maxItems;
    if (truncated) {
      rows = rows.subList(0, maxItems);
    }
    List<ItemView> views = decorate(rows);
    Map<Long, ItemView> byId = new HashMap<>();
    Map<EntryRef, Long> idOfRef = new HashMap<>();
    Map<Long, List<Long>> children = new HashMap<>();
    Row rootRow = null;
    for (int k = 0; k < rows.size(); k++) {
      Row r = rows.get(k);
      byId.put(r.id, views.get(k));
      idOfRef.put(views.get(k).ref().withoutHash(), r.id);
      if (r.depth == 0 && rootRow == null) {
        rootRow = r;
      }
      truncated |= r.depth >= maxDepth && views.get(k).replies() > 0;
    }
    for (int k = 0; k < rows.size(); k++) {
      Row r = rows.get(k);
      if (r.depth > 0) {
        Long parent = idOfRef.get(views.get(k).replyTo().orElseThrow().withoutHash());
        if (parent != null) {
          children.computeIfAbsent(parent, p -> new ArrayList<>()).add(r.id);
        }
      }
    }
    Comparator<Long> oldestFirst = Comparator.<Long>comparingLong(id -> byId.get(id).timestamp()).thenComparingLong(id -> id);
    children.values().forEach(l -> l.sort(oldestFirst));
    int[] size = {0};
    ThreadNode tree = build(rootRow.id, byId, children, new HashSet<>(), size);
    return Optional.of(new ThreadView(tree, size[0], truncated));
  }

  private static ThreadNode build(long id, Map<Long, ItemView> byId, Map<Long, List<Long>> children, Set<Long> seen,
      int[] size) {
    seen.add(id); // reply references are the authors' claims: never follow a cycle
    size[0]++;
    List<ThreadNode> kids = new ArrayList<>();
    for (long child : children.getOrDefault(id, List.of())) {
      if (!seen.contains(child)) {
        kids.add(build(child, byId, children, seen, size));
      }
    }
    return new ThreadNode(byId.get(id), kids);
  }

  Optional<ProfileView> profile(FeedId feed) throws SQLException {
    profile.setBytes(1, FeedKeys.encode(feed));
    long fid;
    String name;
    String bio;
    try (ResultSet rs = profile.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      fid = rs.getLong(1);
      name = rs.getString(2);
      bio = rs.getString(3);
    }
    return Optional.of(new ProfileView(feed, Optional.ofNullable(name), Optional.ofNullable(bio),
        count(countPosts, fid), count(countComments, fid), following(feed).size(), followers(feed).size()));
  }

  List<FeedId> following(FeedId feed) throws SQLException {
    return feedList(following, feed);
  }

  List<FeedId> followers(FeedId feed) throws SQLException {
    return feedList(followers, feed);
  }

  /**
   * Search in three bounded steps, so that a word in half of a million posts costs about what a
   * rare one does. FTS5's own bm25() first scans the whole doclist of every query word to count
   * the documents holding it (about 10 ms for a word in 500,000 posts, per word), so it is not used:
   * (1) each word's document frequency is estimated from the row-id span of its newest
   * {@code DF_SAMPLE} matches; (2) the newest {@code SEARCH_WINDOW} items holding all words, and
   * up to that many profiles, are the candidates; (3) they are scored with BM25 (k1 1.2, b 0.75,
   * profile names weighted 2) on their text, tokenized as FTS5 does.
   */
  List<SearchHit> search(List<String> words, int limit) throws SQLException {
    String match = String.join(" ", words);
    long n;
    try (ResultSet rs = maxRowid.executeQuery()) {
      rs.next();
      n = Math.max(1, rs.getLong(1));
    }
    Map<String, Double> idf = new HashMap<>();
    for (String w : words) {
      double df;
      dfSample.setString(1, w);
      try (ResultSet rs = dfSample.executeQuery()) {
        rs.next();
        long count = rs.getLong(1);
        long oldest = rs.getLong(2);
        df = count < DF_SAMPLE ? count : (double) count * n / Math.max(1, n - oldest + 1);
      }
      double weight = Math.log((n - df + 0.5) / (df + 0.5) + 1);
      for (String t : SearchQuery.tokens(w.substring(1, w.length() - 1).replace("\"\"", "\""))) {
        idf.merge(t, weight, Math::max);
      }
    }
    record Candidate(Row item, byte[] key, String name, String bio, double score) {}
    List<Candidate> candidates = new ArrayList<>();
    searchItems.setString(1, match);
    for (Row r : rows(searchItems, false)) {
      if (r.text != null) { // a row deleted since the search table saw it
        candidates.add(new Candidate(r, null, null, null, 0));
      }
    }
    searchProfiles.setString(1, match);
    try (ResultSet rs = searchProfiles.executeQuery()) {
      while (rs.next()) {
        candidates.add(new Candidate(null, rs.getBytes(1), rs.getString(2), rs.getString(3), 0));
      }
    }
    List<List<String>> docs = new ArrayList<>();
    double totalLength = 0;
    for (Candidate c : candidates) {
      List<String> tokens = new ArrayList<>();
      if (c.item != null) {
        tokens.addAll(SearchQuery.tokens(c.item.text));
      } else {
        if (c.name != null) {
          List<String> name = SearchQuery.tokens(c.name);
          tokens.addAll(name);
          tokens.addAll(name); // name weighs double
        }
        if (c.bio != null) {
          tokens.addAll(SearchQuery.tokens(c.bio));
        }
      }
      docs.add(tokens);
      totalLength += tokens.size();
    }
    double avg = Math.max(1, totalLength / Math.max(1, docs.size()));
    List<Candidate> scored = new ArrayList<>();
    for (int k = 0; k < candidates.size(); k++) {
      Map<String, Integer> tf = new HashMap<>();
      for (String t : docs.get(k)) {
        if (idf.containsKey(t)) {
          tf.merge(t, 1, Integer::sum);
        }
      }
      double score = 0;
      double norm = 1.2 * (1 - 0.75 + 0.75 * docs.get(k).size() / avg);
      for (Map.Entry<String, Integer> e : tf.entrySet()) {
        score += idf.get(e.getKey()) * e.getValue() * 2.2 / (e.getValue() + norm);
      }
      Candidate c = candidates.get(k);
      scored.add(new Candidate(c.item, c.key, c.name, c.bio, score));
    }
    scored.sort(Comparator.comparingDouble(Candidate::score).reversed()
        .thenComparing(c -> c.item == null ? Long.MAX_VALUE : -c.item.ts));
    List<SearchHit> hits = new ArrayList<>();
    for (Candidate c : scored.subList(0, Math.min(limit, scored.size()))) {
      if (c.item == null) {
        hits.add(new SearchHit(SearchHit.Kind.PROFILE, FeedKeys.decode(c.key), Optional.ofNullable(c.name),
            Optional.empty(), c.bio == null ? "" : c.bio, 0, c.score));
      } else {
        Row r = c.item;
        hits.add(new SearchHit(r.kind == Schema.POST ? SearchHit.Kind.POST : SearchHit.Kind.COMMENT,
            FeedKeys.decode(r.authorKey), Optional.ofNullable(r.authorName), Optional.of(r.ref()),
            r.text, r.ts, c.score));
      }
    }
    return hits;
  }

  private static List<FeedId> feedList(PreparedStatement ps, FeedId feed) throws SQLException {
    ps.setBytes(1, FeedKeys.encode(feed));
    List<FeedId> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(FeedKeys.decode(rs.getBytes(1)));
      }
    }
    return List.copyOf(out);
  }

  private static long count(PreparedStatement ps, long fid) throws SQLException {
    ps.setLong(1, fid);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Adds reaction counts and reply counts to a list of rows, in two queries for the whole list. */
  private List<ItemView> decorate(List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return List.of();
    }
    String ids = json(rows.stream().map(r -> r.id).toList());
    Map<Long, List<ReactionCount>> reactionsOf = new HashMap<>();
    reactions.setString(1, ids);
    try (ResultSet rs = reactions.executeQuery()) {
      while (rs.next()) {
        reactionsOf.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
            .add(new ReactionCount(rs.getString(2), rs.getInt(3)));
      }
    }
    Map<Long, Integer> repliesOf = new HashMap<>();
    replies.setString(1, ids);
    try (ResultSet rs = replies.executeQuery()) {
      while (rs.next()) {
        repliesOf.put(rs.getLong(1), rs.getInt(2));
      }
    }
    Comparator<ReactionCount> mostUsed = Comparator.comparingInt(ReactionCount::count).reversed()
        .thenComparing(ReactionCount::emoji);
    List<ItemView> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      List<ReactionCount> rc = reactionsOf.getOrDefault(r.id, List.of());
      out.add(new ItemView(r.ref(), Optional.ofNullable(r.authorName),
          r.kind == Schema.POST ? ItemView.Kind.POST : ItemView.Kind.COMMENT, r.ts,
          Optional.ofNullable(r.text),
          r.parentKey == null ? Optional.empty() : Optional.of(EntryRef.of(FeedKeys.decode(r.parentKey), r.parentSeq)),
          r.editedTs == null ? Optional.empty() : Optional.of(r.editedTs),
          r.deleted, rc.stream().sorted(mostUsed).toList(), repliesOf.getOrDefault(r.id, 0)));
    }
    return out;
  }

  private static String json(Collection<Long> ids) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    ids.forEach(id -> j.add(Long.toString(id)));
    return j.toString();
  }

  private static List<Row> rows(PreparedStatement ps, boolean withDepth) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Row r = Row.read(rs);
        if (withDepth) {
          r.depth = rs.getInt(14);
        }
        rows.add(r);
      }
    }
    return rows;
  }

  /** One item row as read, before reactions and replies are added. */
  private static final class Row {
    long id;
    long seq;
    int kind;
    long ts;
    byte[] hash;
    long parentSeq;
    String text;
    Long editedTs;
    boolean deleted;
    byte[] authorKey;
    String authorName;
    byte[] parentKey;
    long sortTs;
    int depth;

    static Row read(ResultSet rs) throws SQLException {
      Row r = new Row();
      r.id = rs.getLong(1);
      r.seq = rs.getLong(2);
      r.kind = rs.getInt(3);
      r.ts = rs.getLong(4);
      r.hash = rs.getBytes(5);
      r.parentSeq = rs.getLong(6);
      r.text = rs.getString(7);
      long e = rs.getLong(8);
      r.editedTs = rs.wasNull() ? null : e;
      r.deleted = rs.getInt(9) != 0;
      r.authorKey = rs.getBytes(10);
      r.authorName = rs.getString(11);
      r.parentKey = rs.getBytes(12);
      r.sortTs = rs.getLong(13);
      return r;
    }

    EntryRef ref() {
      return EntryRef.of(FeedKeys.decode(authorKey), seq, hash);
    }
  }
}
