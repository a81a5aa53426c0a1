package org.charkha.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.charkha.feed.Content;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLink;
import org.charkha.index.Cursor;
import org.charkha.index.FeedIndex;
import org.charkha.index.ItemView;
import org.charkha.index.ReactionCount;
import org.charkha.index.SearchHit;
import org.charkha.sync.Follows;
import org.charkha.web.AppService;

/**
 * The application behind the web UI and the CLI's read commands: actions append to the own feed,
 * views come from the index, status from the sync engine. Without a node (the CLI offline) it works
 * on the data directory alone: status lists the followed feeds and what is held of them, and says
 * the node is not running.
 */
public final class NodeApp implements AppService {
  private final OwnFeed own;
  private final FeedIndex index;
  private final Node node; // null when offline
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public NodeApp(OwnFeed own, FeedIndex index, Node node) {
    this.own = own;
    this.index = index;
    this.node = node;
  }

  /** Tells the UI that views may have changed. */
  public void changed() {
    for (Runnable l : listeners) {
      l.run();
    }
  }

  @Override
  public AutoCloseable onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private Set<FeedId> followed() {
    if (node != null) {
      return node.sync().followed();
    }
    try {
      return Follows.of(own.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Set<FeedId> equivocating() {
    Set<FeedId> bad = new HashSet<>();
    if (node != null) {
      for (org.charkha.sync.FeedStatus s : node.sync().status()) {
        if (s.equivocation()) {
          bad.add(s.feed());
        }
      }
    }
    return bad;
  }

  @Override
  public ProfileView self() {
    return profileOf(own.feed(), Set.of());
  }

  @Override
  public Page<PostView> homeTimeline(String cursor, int limit) {
    Set<FeedId> feeds = new HashSet<>(followed());
    feeds.add(own.feed());
    return page(index.homeTimeline(feeds, cursor(cursor), limit));
  }

  @Override
  public Page<PostView> authorTimeline(String feed, String cursor, int limit) {
    return page(index.authorTimeline(FeedId.parse(feed), cursor(cursor), limit));
  }

  @Override
  public ThreadView thread(String ref) {
    org.charkha.index.ThreadView t = index.thread(EntryRef.parse(ref))
        .orElseThrow(() -> new NoSuchElementException("no entry " + ref + " is known here"));
    Set<FeedId> bad = equivocating();
    ThreadNode root = node(t.root(), bad);
    return new ThreadView(root.post(), root.replies());
  }

  private ThreadNode node(org.charkha.index.ThreadNode n, Set<FeedId> bad) {
    List<ThreadNode> replies = new ArrayList<>(n.replies().size());
    for (org.charkha.index.ThreadNode r : n.replies()) {
      replies.add(node(r, bad));
    }
    PostView post = view(n.item(), bad);
    if (n.item().edited() && !n.item().deleted()) {
      FeedId author = n.item().author();
      post = post.withHistory(index.post(n.item().ref().withoutHash()).map(d -> d.history().stream()
          .map(v -> new TextVersion(EntryRef.of(author, v.seq()).toString(), v.timestamp(), v.text())).toList())
          .orElse(List.of()));
    }
    return new ThreadNode(post, replies);
  }

  @Override
  public ProfileView profile(String feed) {
    return profileOf(FeedId.parse(feed), followed());
  }

  private ProfileView profileOf(FeedId feed, Set<FeedId> followed) {
    Optional<org.charkha.index.ProfileView> p = index.profile(feed);
    String name = p.flatMap(org.charkha.index.ProfileView::name).orElse("");
    String bio = p.flatMap(org.charkha.index.ProfileView::bio).orElse("");
    FeedLink link = new FeedLink(feed, Optional.of(name).filter(n -> !n.isBlank()));
    boolean self = feed.equals(own.feed());
    return new ProfileView(feed.toString(), link.toString(), name, bio,
        p.map(org.charkha.index.ProfileView::following).orElse(0),
        p.map(org.charkha.index.ProfileView::followers).orElse(0),
        !self && followed.contains(feed), self, equivocating().contains(feed));
  }

  @Override
  public List<ProfileView> following(String feed) {
    Set<FeedId> followed = followed();
    List<ProfileView> out = new ArrayList<>();
    for (FeedId f : index.following(FeedId.parse(feed))) {
      out.add(profileOf(f, followed));
    }
    return out;
  }

  @Override
  public List<ProfileView> followers(String feed) {
    Set<FeedId> followed = followed();
    List<ProfileView> out = new ArrayList<>();
    for (FeedId f : index.followers(FeedId.parse(feed))) {
      out.add(profileOf(f, followed));
    }
    return out;
  }

  @Override
  public SearchResults search(String query, int limit) {
    Set<FeedId> bad = equivocating();
    Set<FeedId> followed = null;
    List<PostView> posts = new ArrayList<>();
    List<ProfileView> people = new ArrayList<>();
    for (SearchHit hit : index.search(query, limit)) {
      if (hit.ref().isEmpty()) {
        if (followed == null) {
          followed = followed();
        }
        people.add(profileOf(hit.author(), followed));
      } else {
        index.post(hit.ref().get()).ifPresent(d -> posts.add(view(d.item(), bad)));
      }
    }
    return new SearchResults(posts, people);
  }

  @Override
  public StatusView status() {
    if (node == null) {
      return offlineStatus();
    }
    List<AppService.FeedStatus> out = new ArrayList<>();
    for (org.charkha.sync.FeedStatus s : node.sync().status()) {
      out.add(new AppService.FeedStatus(s.feed().toString(), name(s.feed()), s.knownSeq(), s.heldSeq(), s.lag(),
          s.progress().isPresent() ? s.progress().getAsDouble() : null, s.rejected(), s.equivocation(), s.state(),
          ignored(s.ignored())));
    }
    return new StatusView(true, node.dhtNodes(), node.peers(), out);
  }

  /**
   * Without a node: the feeds the own log follows and the seq each holds, from the data directory.
   * Nothing is known of the network, so known is held and the state says the node is not running.
   */
  private StatusView offlineStatus() {
    List<AppService.FeedStatus> out = new ArrayList<>();
    for (FeedId f : followed()) {
      long held;
      try {
        held = own.data().feed(f).currentVersion().orElse(-1);
      } catch (IOException | RuntimeException e) {
        held = -1; // a damaged store holds nothing usable; the node says why when it runs
      }
      out.add(new AppService.FeedStatus(f.toString(), name(f), held, held, 0, held >= 0 ? 1.0 : 0.0, null,
          false, "offline", null));
    }
    return new StatusView(false, 0, 0, out);
  }

  private String name(FeedId feed) {
    return index.profile(feed).flatMap(org.charkha.index.ProfileView::name).orElse("");
  }

  private static AppService.Ignored ignored(org.charkha.sync.IgnoredItems i) {
    return !i.any() ? null
        : new AppService.Ignored(i.badSignature(), i.notNewer(), i.lastReason(), i.lastFrom(), i.lastAtMillis());
  }

  @Override
  public String post(String text) {
    return append(new Content.Post(text));
  }

  @Override
  public String comment(String onRef, String text) {
    return append(new Content.Comment(pinned(EntryRef.parse(onRef)), text));
  }

  @Override
  public String edit(String ref, String text) {
    return append(new Content.Edit(ownSeq(ref), text));
  }

  @Override
  public String delete(String ref) {
    return append(new Content.Delete(ownSeq(ref)));
  }

  @Override
  public String react(String onRef, String emoji) {
    return append(new Content.Reaction(pinned(EntryRef.parse(onRef)), emoji));
  }

  @Override
  public String setProfile(String name, String bio) {
    return append(new Content.Profile(Optional.ofNullable(name), Optional.ofNullable(bio)));
  }

  @Override
  public String follow(String link) {
    FeedId feed = FeedLink.parse(link).feed();
    return published(() -> own.follow(feed)
        .orElseThrow(() -> new IllegalArgumentException("already following " + feed.shortName())));
  }

  @Override
  public String unfollow(String feed) {
    FeedId f = FeedId.parse(feed);
    return published(() -> own.unfollow(f));
  }

  private long ownSeq(String ref) {
    EntryRef r = EntryRef.parse(ref);
    if (!r.feed().equals(own.feed())) {
      throw new IllegalArgumentException("you can only change your own entries");
    }
    return r.seq();
  }

  private EntryRef pinned(EntryRef ref) {
    return own.replyTarget(ref);
  }

  private String append(Content content) {
    return published(() -> own.append(content));
  }

  private interface Write {
    OwnFeed.Published run() throws IOException;
  }

  /** Runs an own-feed write, publishes it at once when a node runs, and tells the UI. */
  private String published(Write write) {
    try {
      OwnFeed.Published p = write.run();
      if (node != null) {
        node.checkOwnFeed(); // publish and index now, not at the next watch tick
      }
      changed();
      return EntryRef.of(own.feed(), p.entry().seq()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write your feed: " + e.getMessage(), e);
    }
  }

  private Page<PostView> page(org.charkha.index.Page<ItemView> page) {
    Set<FeedId> bad = equivocating();
    List<PostView> items = new ArrayList<>(page.items().size());
    for (ItemView i : page.items()) {
      items.add(view(i, bad));
    }
    return new Page<>(items, page.next().map(Cursor::toString).orElse(null));
  }

  private PostView view(ItemView i, Set<FeedId> bad) {
    Map<String, Integer> reactions = new LinkedHashMap<>();
    for (ReactionCount r : i.reactions()) {
      reactions.put(r.emoji(), r.count());
    }
    return new PostView(i.ref().withoutHash().toString(), i.author().toString(), i.authorName().orElse(""),
        i.ref().seq(), i.timestamp(), i.text().orElse(""), i.edited(), i.deleted(),
        i.replyTo().map(r -> r.withoutHash().toString()).orElse(null), i.replies(), reactions,
        i.author().equals(own.feed()), bad.contains(i.author()));
  }

  private static Cursor cursor(String text) {
    return text == null || text.isBlank() ? Cursor.LATEST : Cursor.parse(text);
  }
}
