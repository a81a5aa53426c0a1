package org.charkha.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.charkha.feed.FeedLink;

/**
 * An in-memory {@link AppService} for the web layer's tests: a few feeds, their posts and
 * comments, follows and reactions, with helpers that play the part of remote peers.
 */
final class MemoryAppService implements AppService {
  static final String SELF = "a".repeat(64);
  static final String BOB = "b".repeat(64);
  static final String CAROL = "c".repeat(64);

  private static final class Feed {
    final String id;
    String name;
    String bio;
    final Set<String> following = new LinkedHashSet<>();
    long nextSeq;
    boolean equivocation;
    boolean resolving;

    Feed(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  private static final class Item {
    final String feed;
    final long seq;
    final long ts;
    final String onRef;
    String text;
    boolean edited;
    final List<String> earlier = new ArrayList<>();
    boolean deleted;
    final Map<String, Integer> reactions = new LinkedHashMap<>();

    Item(String feed, long seq, long ts, String onRef, String text) {
      this.feed = feed;
      this.seq = seq;
      this.ts = ts;
      this.onRef = onRef;
      this.text = text;
    }

    String ref() {
      return feed + "/" + seq;
    }
  }

  private final Map<String, Feed> feeds = new LinkedHashMap<>();
  private final List<Item> items = new ArrayList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private long clock = System.currentTimeMillis() - 3 * 3600_000L;
  volatile RuntimeException failNext;

  MemoryAppService() {
    feeds.put(SELF, new Feed(SELF, "Asha"));
    feeds.put(BOB, new Feed(BOB, "Bob"));
    feeds.put(CAROL, new Feed(CAROL, "Carol"));
    feeds.get(SELF).bio = "I spin.";
  }

  // ---- test helpers: what remote peers would do ----

  /** A known feed that nobody follows yet. */
  synchronized void addFeed(String feed, String name) {
    feeds.putIfAbsent(feed, new Feed(feed, name));
  }

  /** A post or comment arrives from a remote feed (as if synced), and the UI is told. */
  String remotePost(String feed, String onRef, String text) {
    String ref;
    synchronized (this) {
      ref = append(feed, onRef, text);
    }
    fireChange();
    return ref;
  }

  /** A post from a remote feed that claims the time {@code ts}, which may be any long. */
  synchronized String remotePostAt(String feed, long ts, String text) {
    Item i = new Item(feed, feed(feed).nextSeq++, ts, null, text);
    items.add(i);
    return i.ref();
  }

  /** The node has not found any version of {@code feed} yet. */
  synchronized void setResolving(String feed) {
    feed(feed).resolving = true;
  }

  synchronized void setEquivocation(String feed) {
    feed(feed).equivocation = true;
  }

  synchronized void setName(String feed, String name) {
    feed(feed).name = name;
  }

  synchronized boolean follows(String feed) {
    return feeds.get(SELF).following.contains(feed);
  }

  synchronized int reactionsOn(String ref, String emoji) {
    return item(ref).reactions.getOrDefault(emoji, 0);
  }

  synchronized String textOf(String ref) {
    return item(ref).text;
  }

  synchronized List<String> refsOf(String feed) {
    return items.stream().filter(i -> i.feed.equals(feed)).map(Item::ref).toList();
  }

  void fireChange() {
    listeners.forEach(Runnable::run);
  }

  int listenerCount() {
    return listeners.size();
  }

  private void maybeFail() {
    RuntimeException f = failNext;
    if (f != null) {
      failNext = null;
      throw f;
    }
  }

  // ---- AppService ----

  @Override
  public synchronized ProfileView self() {
    maybeFail();
    return profileOf(feeds.get(SELF));
  }

  @Override
  public synchronized Page<PostView> homeTimeline(String cursor, int limit) {
    maybeFail();
    Set<String> home = new LinkedHashSet<>(feeds.get(SELF).following);
    home.add(SELF);
    return page(items.stream().filter(i -> i.onRef == null && home.contains(i.feed)).toList(), cursor, limit);
  }

  @Override
  public synchronized Page<PostView> authorTimeline(String feed, String cursor, int limit) {
    feed(feed);
    return page(items.stream().filter(i -> i.feed.equals(feed)).toList(), cursor, limit);
  }

  @Override
  public synchronized ThreadView thread(String ref) {
    Item root = item(ref);
    return new ThreadView(withHistory(root), replies(root.ref()));
  }

  @Override
  public synchronized ProfileView profile(String feed) {
    return profileOf(feed(feed));
  }

  @Override
  public synchronized List<ProfileView> following(String feed) {
    return feed(feed).following.stream().map(f -> profileOf(feeds.get(f))).toList();
  }

  @Override
  public synchronized List<ProfileView> followers(String feed) {
    feed(feed);
    return feeds.values().stream().filter(f -> f.following.contains(feed)).map(this::profileOf).toList();
  }

  @Override
  public synchronized SearchResults search(String query, int limit) {
    maybeFail();
    String q = query.toLowerCase(Locale.ROOT);
    List<ProfileView> people = feeds.values().stream()
        .filter(f -> (f.name + " " + f.bio).toLowerCase(Locale.ROOT).contains(q))
        .limit(limit).map(this::profileOf).toList();
    List<PostView> posts = newestFirst(items).stream()
        .filter(i -> !i.deleted && i.text.toLowerCase(Locale.ROOT).contains(q))
        .limit(limit - people.size()).map(this::view).toList();
    return new SearchResults(posts, people);
  }

  @Override
  public synchronized StatusView status() {
    List<FeedStatus> out = new ArrayList<>();
    for (String f : feeds.get(SELF).following) {
      Feed feed = feeds.get(f);
      long known = feed.resolving ? -1 : feed.nextSeq + 1;
      long held = feed.resolving ? -1 : feed.nextSeq;
      out.add(new FeedStatus(f, feed.name, known, held, known - held, 0.5, null, feed.equivocation,
          "fetching", null));
    }
    return new StatusView(true, 42, 3, out);
  }

  @Override
  public String post(String text) {
    return own(null, text);
  }

  @Override
  public String comment(String onRef, String text) {
    synchronized (this) {
      item(onRef);
    }
    return own(onRef, text);
  }

  @Override
  public String edit(String ref, String text) {
    synchronized (this) {
      Item i = ownItem(ref);
      i.earlier.add(i.text);
      i.text = text;
      i.edited = true;
    }
    return own(null, null);
  }

  @Override
  public String delete(String ref) {
    synchronized (this) {
      Item i = ownItem(ref);
      i.text = "";
      i.deleted = true;
    }
    return own(null, null);
  }

  @Override
  public String react(String onRef, String emoji) {
    synchronized (this) {
      item(onRef).reactions.merge(emoji, 1, Integer::sum);
    }
    return own(null, null);
  }

  @Override
  public String setProfile(String name, String bio) {
    synchronized (this) {
      Feed me = feeds.get(SELF);
      if (name != null) {
        me.name = name.isEmpty() ? null : name;
      }
      if (bio != null) {
        me.bio = bio.isEmpty() ? null : bio;
      }
    }
    return own(null, null);
  }

  @Override
  public String follow(String link) {
    String feed = FeedLink.parse(link).feed().toString();
    synchronized (this) {
      if (feed.equals(SELF)) {
        throw new IllegalArgumentException("that is your own link");
      }
      feeds.putIfAbsent(feed, new Feed(feed, FeedLink.parse(link).displayName().orElse(null)));
      feeds.get(SELF).following.add(feed);
    }
    return own(null, null);
  }

  @Override
  public String unfollow(String feed) {
    synchronized (this) {
      feed(feed);
      feeds.get(SELF).following.remove(feed);
    }
    return own(null, null);
  }

  @Override
  public AutoCloseable onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  // ---- internals ----

  /** An own entry; a null text is a non-post entry (edit, delete, reaction, ...) that only takes a seq. */
  private String own(String onRef, String text) {
    String ref;
    synchronized (this) {
      if (text == null) {
        Feed me = feeds.get(SELF);
        ref = SELF + "/" + me.nextSeq++;
      } else {
        ref = append(SELF, onRef, text);
      }
    }
    fireChange();
    return ref;
  }

  private String append(String feed, String onRef, String text) {
    Feed f = feed(feed);
    Item i = new Item(feed, f.nextSeq++, clock += 60_000, onRef, text);
    items.add(i);
    return i.ref();
  }

  private Feed feed(String feed) {
    Feed f = feeds.get(feed);
    if (f == null) {
      throw new NoSuchElementException("no feed " + feed.substring(0, 8) + "... is known to this node");
    }
    return f;
  }

  private Item item(String ref) {
    return items.stream().filter(i -> i.ref().equals(ref)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no entry " + ref + " is held"));
  }

  private Item ownItem(String ref) {
    Item i = item(ref);
    if (!i.feed.equals(SELF)) {
      throw new IllegalArgumentException("you can only change your own entries");
    }
    if (i.deleted) {
      throw new IllegalArgumentException("that entry is deleted");
    }
    return i;
  }

  private List<Item> newestFirst(List<Item> list) {
    List<Item> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingLong((Item i) -> i.ts).reversed());
    return sorted;
  }

  private Page<PostView> page(List<Item> list, String cursor, int limit) {
    int from;
    try {
      from = cursor == null ? 0 : Integer.parseInt(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad cursor");
    }
    List<Item> sorted = newestFirst(list);
    int to = Math.min(sorted.size(), from + limit);
    List<PostView> views = sorted.subList(Math.min(from, to), to).stream().map(this::view).toList();
    return new Page<>(views, to < sorted.size() ? String.valueOf(to) : null);
  }

  private List<ThreadNode> replies(String ref) {
    return items.stream().filter(i -> ref.equals(i.onRef))
        .map(i -> new ThreadNode(withHistory(i), replies(i.ref()))).toList();
  }

  private PostView withHistory(Item i) {
    if (!i.edited || i.deleted) {
      return view(i);
    }
    List<TextVersion> versions = new ArrayList<>();
    for (String t : i.earlier) {
      versions.add(new TextVersion(i.ref(), i.ts, t));
    }
    versions.add(new TextVersion(i.ref(), i.ts, i.text));
    return view(i).withHistory(versions);
  }

  private PostView view(Item i) {
    Feed f = feeds.get(i.feed);
    int replies = (int) items.stream().filter(x -> i.ref().equals(x.onRef)).count();
    return new PostView(i.ref(), i.feed, f.name, i.seq, i.ts, i.text, i.edited, i.deleted, i.onRef,
        replies, i.reactions, i.feed.equals(SELF), f.equivocation);
  }

  private ProfileView profileOf(Feed f) {
    int followers = (int) feeds.values().stream().filter(x -> x.following.contains(f.id)).count();
    String link = "magnet:?xs=urn:btpk:" + f.id + (f.name == null ? "" : "&dn=" + java.net.URLEncoder.encode(f.name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    return new ProfileView(f.id, link, f.name, f.bio, f.following.size(), followers,
        feeds.get(SELF).following.contains(f.id), f.id.equals(SELF), f.equivocation);
  }
}
