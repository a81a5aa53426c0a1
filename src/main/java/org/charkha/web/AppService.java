package org.charkha.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the web UI needs from a running node: read views of the index and the owner's actions.
 * The node implements it; {@link WebServer} turns it into the JSON API.
 *
 * <p>Contract. Feeds are strings in {@code FeedId} text form ({@code <64 hex>[:<salt hex>]}),
 * entries are references {@code <feed>/<seq>}; the web layer has already parsed and
 * canonicalised (lower-case hex) every feed, reference and link it passes in, and bounded every
 * string and {@code limit}. A method throws {@link IllegalArgumentException} when the request is
 * the user's mistake (the message is shown to them, so it should say what was wrong), {@link
 * java.util.NoSuchElementException} when the named feed or entry is not known, and anything else
 * on a fault of the node (logged, never shown). Views are snapshots; all text in them that came
 * from a remote feed is untrusted and is rendered as text, never as markup. Methods may be called
 * from several threads at once.
 */
public interface AppService {
  /** Replies deeper than this are listed under their ancestor at this depth. */
  int MAX_THREAD_DEPTH = 32;

  /** The owner's own profile; {@code link} is their follow link. */
  ProfileView self();

  /** Posts (not comments) of the owner and everyone they follow, newest first. */
  Page<PostView> homeTimeline(String cursor, int limit);

  /** Posts (not comments) of one feed, newest first. */
  Page<PostView> authorTimeline(String feed, String cursor, int limit);

  /** An entry with all its known comments, nested by what each one replies to. */
  ThreadView thread(String ref);

  ProfileView profile(String feed);

  List<ProfileView> following(String feed);

  /** Feeds known to follow {@code feed}, among those this node holds. */
  List<ProfileView> followers(String feed);

  /**
   * Posts and comments whose text matches {@code query}, and feeds whose name or bio does, each
   * best first; {@code limit} bounds the two together.
   */
  SearchResults search(String query, int limit);

  StatusView status();

  /** Each action appends one entry to the owner's feed and returns its reference. */
  String post(String text);

  String comment(String onRef, String text);

  String edit(String ref, String text);

  String delete(String ref);

  String react(String onRef, String emoji);

  /** A null {@code name} or {@code bio} leaves that field as it is; an empty one clears it. */
  String setProfile(String name, String bio);

  /** {@code link} is a BEP 46 follow link ({@code magnet:?xs=urn:btpk:...}). */
  String follow(String link);

  String unfollow(String feed);

  /**
   * Calls {@code listener} after anything a view shows may have changed (an own action, a synced
   * feed, a status change). Calls may come in bursts and from any thread; the listener returns
   * quickly. Closing the handle stops the calls.
   */
  AutoCloseable onChange(Runnable listener);

  /**
   * One post or comment as shown. {@code text} is the current text (after edits) and empty when
   * {@code deleted}; {@code onRef} is what a comment replies to, null for a post; {@code
   * equivocation} is true when the author's feed has been seen with two different versions at
   * one sequence number. {@code history} is filled in threads only, for an edited item that is
   * not deleted: every version of its text, oldest (the original) first, the current one last;
   * elsewhere it is empty.
   */
  record PostView(
      String ref,
      String feed,
      String authorName,
      long seq,
      long ts,
      String text,
      boolean edited,
      boolean deleted,
      String onRef,
      int replyCount,
      Map<String, Integer> reactions,
      boolean mine,
      boolean equivocation,
      List<TextVersion> history) {
    public PostView {
      reactions = Collections.unmodifiableMap(new LinkedHashMap<>(reactions)); // keeps the given order
      history = List.copyOf(history);
    }

    /** A view without text history, as lists other than threads show it. */
    public PostView(String ref, String feed, String authorName, long seq, long ts, String text, boolean edited,
        boolean deleted, String onRef, int replyCount, Map<String, Integer> reactions, boolean mine,
        boolean equivocation) {
      this(ref, feed, authorName, seq, ts, text, edited, deleted, onRef, replyCount, reactions, mine, equivocation,
          List.of());
    }

    public PostView withHistory(List<TextVersion> versions) {
      return new PostView(ref, feed, authorName, seq, ts, text, edited, deleted, onRef, replyCount, reactions, mine,
          equivocation, versions);
    }
  }

  /** One version of a text: {@code ref} is the entry that wrote it (the item itself, or an edit). */
  record TextVersion(String ref, long ts, String text) {}

  record ThreadNode(PostView post, List<ThreadNode> replies) {
    public ThreadNode {
      replies = List.copyOf(replies);
    }
  }

  /** {@code root} is the entry asked for; {@code replies} are its comments, oldest first. */
  record ThreadView(PostView root, List<ThreadNode> replies) {
    public ThreadView {
      replies = List.copyOf(replies);
    }
  }

  /** {@code name} and {@code bio} may be null when the feed has not set them. */
  record ProfileView(
      String feed,
      String link,
      String name,
      String bio,
      int followingCount,
      int followerCount,
      boolean followedByMe,
      boolean isSelf,
      boolean equivocation) {}

  /**
   * One followed feed's sync state. {@code progress} is 0..1 of the newest known version held, or
   * null while its download waits for the torrent's metadata;
   * {@code rejected} says why the last fetched version was refused, or is null; {@code state} is
   * a short word such as "current", "fetching" or "unreachable". {@code ignored} counts items
   * received for the feed and not acted on, or is null when there were none.
   */
  record FeedStatus(
      String feed,
      String name,
      long knownSeq,
      long heldSeq,
      long lag,
      Double progress,
      String rejected,
      boolean equivocation,
      String state,
      Ignored ignored) {}

  record SearchResults(List<PostView> posts, List<ProfileView> people) {
    public SearchResults {
      posts = List.copyOf(posts);
      people = List.copyOf(people);
    }
  }

  /**
   * Items received for a followed feed and not acted on, apart from rejected versions: ones that do
   * not verify ({@code badSignature}) and ones not newer than the held version ({@code notNewer}),
   * with the last one's reason, source ("DHT" or "push from ADDRESS") and time.
   */
  record Ignored(long badSignature, long notNewer, String lastReason, String lastFrom, long lastAtMillis) {
    /** One line for the terminal. */
    public String summary() {
      return badSignature + " bad signature, " + notNewer + " not newer; last from " + lastFrom + ": " + lastReason;
    }
  }

  /** {@code running} is false when the CLI reads the data directory with no node to ask. */
  record StatusView(boolean running, int dhtNodes, int peers, List<FeedStatus> feeds) {
    public StatusView {
      feeds = List.copyOf(feeds);
    }
  }

  /** One page of a list; {@code nextCursor} fetches the next page and is null on the last one. */
  record Page<T>(List<T> items, String nextCursor) {
    public Page {
      items = List.copyOf(items);
    }
  }
}
