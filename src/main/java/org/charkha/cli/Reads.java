package org.charkha.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.charkha.index.FeedIndex;
import org.charkha.node.NodeApp;
import org.charkha.node.NodeInfo;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.web.AppService;
import org.charkha.web.AppService.PostView;
import org.charkha.web.AppService.ProfileView;
import org.charkha.web.AppService.ThreadNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The read commands: through the running node when there is one (its view is the live one), else
 * over the data directory's own index.
 */
final class Reads {
  private Reads() {}

  /** An AppService for reading, and what to close after. */
  record Source(AppService app, AutoCloseable closer) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      if (closer != null) {
        closer.close();
      }
    }
  }

  static Source open(DataDir data) throws Exception {
    Optional<NodeInfo> running = NodeInfo.read(data.home());
    if (running.isPresent() && running.get().webPort() > 0) {
      return new Source(new NodeClient(running.get()), null);
    }
    OwnFeed own = OwnFeed.open(data);
    FeedIndex index = FeedIndex.open(data.indexFile());
    if (index.needsRebuild()) {
      org.charkha.node.Reindex.run(data, index);
    } else {
      index.ingest(own.feed(), own.log().entries()); // entries written while no node ran
    }
    return new Source(new NodeApp(own, index, null), index);
  }

  abstract static class ReadCommand extends Cli.Base {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (Source s = open(data())) {
        Object result = read(s.app());
        if (json) {
          printJson(result);
        } else {
          print(result, out());
        }
      }
      return 0;
    }

    abstract Object read(AppService app) throws Exception;

    abstract void print(Object result, PrintWriter out);
  }

  /** Prints a post or comment; everything from its author goes through {@link TerminalText}. */
  static void printPost(PostView p, PrintWriter out, String indent) {
    String who = p.authorName().isEmpty() ? p.feed().substring(0, Math.min(8, p.feed().length())) : p.authorName();
    String flags = (p.edited() ? " (edited)" : "") + (p.equivocation() ? " [WARNING: feed equivocated]" : "");
    out.println(indent + TerminalText.line(who) + " · " + Instant.ofEpochMilli(p.ts()) + flags + " · "
        + TerminalText.line(p.ref()));
    String text = p.deleted() ? "(deleted)" : TerminalText.body(p.text());
    for (String line : text.split("\n", -1)) {
      out.println(indent + "  " + line);
    }
    StringBuilder meta = new StringBuilder();
    p.reactions().forEach((e, n) -> meta.append(TerminalText.line(e)).append(' ').append(n).append("  "));
    if (p.replyCount() > 0) {
      meta.append(p.replyCount()).append(p.replyCount() == 1 ? " reply" : " replies");
    }
    if (meta.length() > 0) {
      out.println(indent + "  " + meta.toString().strip());
    }
  }

  @Command(name = "timeline", description = "Your home timeline (yours and followed feeds), or one feed's.")
  static final class Timeline extends ReadCommand {
    @Option(names = "--feed", paramLabel = "FEED", description = "One feed's timeline (a link or key).")
    String feed;

    @Option(names = "--limit", description = "How many (default: ${DEFAULT-VALUE}).")
    int limit = 20;

    @Option(names = "--cursor", description = "Continue from the 'next' cursor of a previous page.")
    String cursor;

    @Override
    Object read(AppService app) {
      return feed == null ? app.homeTimeline(cursor, limit)
          : app.authorTimeline(Cli.parseFeed(feed).toString(), cursor, limit);
    }

    @Override
    void print(Object result, PrintWriter out) {
      AppService.Page<?> page = (AppService.Page<?>) result;
      if (page.items().isEmpty()) {
        out.println("Nothing here yet.");
      }
      for (Object o : page.items()) {
        printPost((PostView) o, out, "");
        out.println();
      }
      if (page.nextCursor() != null) {
        out.println("More: --cursor " + TerminalText.line(page.nextCursor()));
      }
    }
  }

  @Command(name = "thread", description = "A post with all its comments.")
  static final class Thread extends ReadCommand {
    @Parameters(paramLabel = "REF")
    String ref;

    @Override
    Object read(AppService app) {
      return app.thread(org.charkha.feed.EntryRef.parse(ref).toString());
    }

    @Override
    void print(Object result, PrintWriter out) {
      AppService.ThreadView t = (AppService.ThreadView) result;
      printPost(t.root(), out, "");
      printReplies(t.replies(), out, "  ");
    }

    private static void printReplies(List<ThreadNode> replies, PrintWriter out, String indent) {
      for (ThreadNode n : replies) {
        printPost(n.post(), out, indent);
        printReplies(n.replies(), out, indent + "  ");
      }
    }
  }

  @Command(name = "search", description = "Full-text search over posts, comments and people's names and bios.")
  static final class Search extends ReadCommand {
    @Parameters(paramLabel = "QUERY", arity = "1..*")
    List<String> words;

    @Option(names = "--limit", description = "How many (default: ${DEFAULT-VALUE}).")
    int limit = 20;

    @Override
    Object read(AppService app) {
      return app.search(String.join(" ", words), limit);
    }

    @Override
    void print(Object result, PrintWriter out) {
      AppService.SearchResults hits = (AppService.SearchResults) result;
      if (hits.posts().isEmpty() && hits.people().isEmpty()) {
        out.println("No matches.");
      }
      if (!hits.people().isEmpty()) {
        out.println("People:");
        for (ProfileView p : hits.people()) {
          String name = p.name() == null || p.name().isEmpty() ? "(no name)" : TerminalText.line(p.name());
          out.println("  " + name + "  " + TerminalText.line(p.link()));
        }
        out.println();
      }
      for (PostView p : hits.posts()) {
        printPost(p, out, "");
        out.println();
      }
    }
  }

  abstract static class FollowList extends ReadCommand {
    @Parameters(arity = "0..1", paramLabel = "FEED", description = "Whose (default: yours).")
    String feed;

    String feedOrSelf(AppService app) {
      return feed == null ? app.self().feed() : Cli.parseFeed(feed).toString();
    }

    @Override
    @SuppressWarnings("unchecked")
    void print(Object result, PrintWriter out) {
      List<ProfileView> list = (List<ProfileView>) result;
      if (list.isEmpty()) {
        out.println("None known.");
      }
      for (ProfileView p : list) {
        out.println((p.name() == null || p.name().isEmpty() ? "(no name)" : TerminalText.line(p.name())) + "  " + TerminalText.line(p.link()));
      }
    }
  }

  @Command(name = "following", description = "Feeds you (or FEED) follow.")
  static final class Following extends FollowList {
    @Override
    Object read(AppService app) {
      return app.following(feedOrSelf(app));
    }
  }

  @Command(name = "followers", description = "Known feeds that follow you (or FEED).")
  static final class Followers extends FollowList {
    @Override
    Object read(AppService app) {
      return app.followers(feedOrSelf(app));
    }
  }

  @Command(name = "status", description = "DHT nodes, peers, and each followed feed's seq, lag, progress and problems.")
  static final class Status extends ReadCommand {
    @Override
    Object read(AppService app) {
      return app.status();
    }

    @Override
    void print(Object result, PrintWriter out) {
      AppService.StatusView s = (AppService.StatusView) result;
      out.println((s.running() ? "DHT nodes " + s.dhtNodes() + ", peers " + s.peers()
          : "node not running (start it with 'charkha run'); held copies only") + ", following " + s.feeds().size());
      for (AppService.FeedStatus f : s.feeds()) {
        out.printf("%s %-16s %-11s %s %s%s%s%s%n",
            TerminalText.line(f.feed().substring(0, Math.min(8, f.feed().length()))),
            f.name() == null ? "" : TerminalText.line(f.name()), TerminalText.line(f.state()), versions(f), progress(f),
            f.equivocation() ? "  WARNING: this feed signed two different histories" : "",
            f.rejected() == null ? "" : "  rejected: " + TerminalText.line(f.rejected()),
            f.ignored() == null ? "" : "  ignored: " + TerminalText.line(f.ignored().summary()));
      }
    }
  }

  /** Held and newest known seq, or "resolving" while no version of the feed has been found. */
  static String versions(AppService.FeedStatus f) {
    if (f.knownSeq() < 0) {
      return f.heldSeq() < 0 ? "resolving" : "held " + f.heldSeq() + " / resolving";
    }
    return String.format("held %d / known %d (lag %d)", f.heldSeq(), f.knownSeq(), f.lag());
  }

  /** "40%", or what a download waits for before it can count pieces. */
  static String progress(AppService.FeedStatus f) {
    return f.progress() == null ? "fetching metadata" : String.format("%3.0f%%", f.progress() * 100);
  }

  @Command(name = "reindex", description = "Rebuild the index from the stored feeds.")
  static final class ReindexCmd extends Cli.Base {
    @Option(names = "--json", description = "Print JSON: {\"entries\": N, \"feeds\": M}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      DataDir data = data();
      if (NodeInfo.read(data.home()).isPresent()) {
        throw new IllegalArgumentException("a node is running on this data directory; stop it first (it rebuilds a new index itself)");
      }
      try (FeedIndex index = FeedIndex.open(data.indexFile())) {
        long n = org.charkha.node.Reindex.run(data, index);
        index.awaitSearch();
        int feeds = data.storedFeeds().size();
        if (json) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("entries", n);
          doc.put("feeds", feeds);
          printJson(doc);
        } else {
          out().println("Reindexed " + n + " entries from " + feeds + " feeds");
        }
      }
      return 0;
    }
  }
}
