package org.charkha.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLink;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;
import org.charkha.node.EntryJson;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The command tree. Each command is small; the work happens in the node and store packages. */
// scope INHERIT: every subcommand, nested ones too, takes --help/-h and --version/-V (README promises it)
@Command(name = "charkha", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    version = "charkha 0.1.0",
    description = "Your own social feed, shared peer to peer over BitTorrent.",
    subcommands = {
        Cli.Init.class, Cli.Link.class, Cli.Post.class, Cli.CommentCmd.class, Cli.EditCmd.class,
        Cli.DeleteCmd.class, Cli.React.class, Cli.ProfileCmd.class, Cli.Log.class,
        Cli.ExportTorrent.class, Cli.Item.class, Cli.Follow.class, Cli.Unfollow.class,
        Cli.ImportArchive.class, Cli.Export.class, Cli.Import.class, Run.class,
        Reads.Timeline.class, Reads.Thread.class, Reads.Search.class, Reads.Following.class,
        Reads.Followers.class, Reads.Status.class, Reads.ReindexCmd.class,
        CommandLine.HelpCommand.class})
public final class Cli implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
      description = "Data directory (default: $CHARKHA_HOME or ~/.charkha).")
  String home;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Reads the environment; tests give their own. */
  private final java.util.function.UnaryOperator<String> env;

  Cli(java.util.function.UnaryOperator<String> env) {
    this.env = env;
  }

  static CommandLine commandLine() {
    return commandLine(System::getenv);
  }

  static CommandLine commandLine(java.util.function.UnaryOperator<String> env) {
    CommandLine cl = new CommandLine(new Cli(env));
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("charkha: " + TerminalText.line(message(e))); // messages may quote peer or file text
      if (System.getenv("CHARKHA_DEBUG") != null) {
        e.printStackTrace(cmd.getErr());
      }
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException && m != null && !m.contains(" ")) {
      m = "no such file: " + m;
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  DataDir data() {
    if (home != null && home.isBlank()) {
      // resolveHome would read a blank flag as absent and quietly use another directory
      throw new IllegalArgumentException("--home is empty; give a directory, or leave it out for $CHARKHA_HOME or ~/.charkha");
    }
    return DataDir.open(DataDir.resolveHome(home, env.apply("CHARKHA_HOME")));
  }

  /** Shared by the commands: where they print and how. */
  abstract static class Base implements Callable<Integer> {
    @ParentCommand
    Cli root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    DataDir data() {
      return root.data();
    }

    void printJson(Object value) throws IOException {
      out().println(JSON.writeValueAsString(value));
      out().flush();
    }

    OwnFeed own() throws IOException {
      return OwnFeed.open(data());
    }

    /** A reference given on the command line: a full {@code <feed>/<seq>}, or a bare seq of one's own. */
    EntryRef ref(String text, FeedId self) throws IOException {
      EntryRef r = text.matches("\\d+") ? EntryRef.of(self, ownSeq(text)) : EntryRef.parse(text);
      return own().pin(r);
    }

    /** What a comment or reaction answers: checked where its feed is held, and pinned. */
    EntryRef replyTarget(String text, OwnFeed own) throws IOException {
      EntryRef r = text.matches("\\d+") ? EntryRef.of(own.feed(), ownSeq(text)) : EntryRef.parse(text);
      return own.replyTarget(r);
    }

    private static long ownSeq(String digits) {
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("entry number " + (digits.length() <= 24 ? digits : digits.substring(0, 21) + "...")
            + " is too large for any feed");
      }
    }

    int created(String verb, OwnFeed own, OwnFeed.Published p) {
      out().println(verb + " " + EntryRef.of(own.feed(), p.entry().seq()));
      return 0;
    }
  }

  @Command(name = "init", description = "Create your identity (an Ed25519 key) and data directory.")
  static final class Init extends Base {
    @Option(names = "--name", description = "Your display name, published in your profile.")
    String name;

    @Option(names = "--passphrase", description = "Encrypt the key with a passphrase (asked on the terminal, or $CHARKHA_PASSPHRASE); "
        + "every command that signs asks for it.")
    boolean passphrase;

    @Override
    public Integer call() throws Exception {
      if (name != null && name.isBlank()) {
        throw new IllegalArgumentException("--name is empty; give a display name, or leave it out");
      }
      DataDir data = data();
      if (data.isInitialized()) {
        throw new IllegalArgumentException("already initialized: " + data.keyFile() + " exists");
      }
      char[] secret = passphrase ? org.charkha.store.Passphrase.askNew() : null;
      Identity id;
      try {
        id = data.initialize(Identity.generate(), secret);
      } finally {
        if (secret != null) {
          java.util.Arrays.fill(secret, '\0');
        }
      }
      OwnFeed own = OwnFeed.open(data);
      if (name != null) {
        own.append(new Content.Profile(Optional.of(name), Optional.empty()));
      }
      out().println("Created identity in " + data.home());
      out().println("Your link: " + new FeedLink(id.feed(), Optional.ofNullable(name)));
      return 0;
    }
  }

  @Command(name = "link", description = "Print your follow link (BEP 46 magnet).")
  static final class Link extends Base {
    @Option(names = "--json", description = "Print JSON: the link, the feed, its key and salt (hex) and name.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      Optional<String> name = Optional.empty();
      for (Entry e : own.log().entries()) {
        if (e.content() instanceof Content.Profile p && p.name().isPresent()) {
          name = p.name();
        }
      }
      FeedLink link = new FeedLink(own.feed(), name);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("link", link.toString());
        doc.put("feed", own.feed().toString());
        doc.put("key", own.feed().keyHex());
        doc.put("salt", Hex.encode(own.feed().salt()));
        doc.put("name", name.orElse(null));
        printJson(doc);
      } else {
        out().println(link);
      }
      return 0;
    }
  }

  @Command(name = "post", description = "Publish a post. Prints its reference.")
  static final class Post extends Base {
    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The text (words are joined by spaces).")
    List<String> words;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      return created("Posted", own, own.append(new Content.Post(String.join(" ", words))));
    }
  }

  @Command(name = "comment", description = "Reply to a post or comment. Prints the comment's reference.")
  static final class CommentCmd extends Base {
    @Parameters(index = "0", paramLabel = "REF", description = "What to reply to: <feed>/<seq>, or a seq of your own feed.")
    String ref;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT")
    List<String> words;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      return created("Commented", own, own.append(new Content.Comment(replyTarget(ref, own), String.join(" ", words))));
    }
  }

  @Command(name = "edit", description = "Replace the text of one of your posts or comments.")
  static final class EditCmd extends Base {
    @Parameters(index = "0", paramLabel = "REF")
    String ref;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT")
    List<String> words;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      EntryRef r = ref(ref, own.feed());
      if (!r.feed().equals(own.feed())) {
        throw new IllegalArgumentException("you can only edit your own entries; " + r + " is in another feed");
      }
      return created("Edited", own, own.append(new Content.Edit(r.seq(), String.join(" ", words))));
    }
  }

  @Command(name = "delete", description = "Delete one of your entries: its text leaves your feed.")
  static final class DeleteCmd extends Base {
    @Parameters(paramLabel = "REF")
    String ref;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      EntryRef r = ref(ref, own.feed());
      if (!r.feed().equals(own.feed())) {
        throw new IllegalArgumentException("you can only delete your own entries; " + r + " is in another feed");
      }
      return created("Deleted", own, own.append(new Content.Delete(r.seq())));
    }
  }

  @Command(name = "react", description = "React to a post or comment with an emoji.")
  static final class React extends Base {
    @Parameters(index = "0", paramLabel = "REF")
    String ref;

    @Parameters(index = "1", paramLabel = "EMOJI")
    String emoji;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      return created("Reacted", own, own.append(new Content.Reaction(replyTarget(ref, own), emoji)));
    }
  }

  @Command(name = "profile", description = "Set your display name and bio.")
  static final class ProfileCmd extends Base {
    @Option(names = "--name")
    String name;

    @Option(names = "--bio")
    String bio;

    @Override
    public Integer call() throws Exception {
      if (name == null && bio == null) {
        throw new IllegalArgumentException("give --name and/or --bio");
      }
      OwnFeed own = own();
      return created("Updated profile", own,
          own.append(new Content.Profile(Optional.ofNullable(name), Optional.ofNullable(bio))));
    }
  }

  @Command(name = "log", description = "Print the verified entries of your feed, or of a held feed.")
  static final class Log extends Base {
    @Parameters(arity = "0..1", paramLabel = "LINK", description = "A follow link or feed key; default: your own feed.")
    String link;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      FeedId feed = link == null ? own().feed() : parseFeed(link);
      FeedStore store = data().feed(feed);
      FeedLog log = store.load().orElseThrow(() ->
          new IllegalArgumentException("no stored copy of feed " + feed.shortName()));
      if (json) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Entry e : log.entries()) {
          entries.add(EntryJson.of(feed, e));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("feed", feed.toString());
        doc.put("version", store.currentVersion().orElse(0));
        doc.put("entries", entries);
        printJson(doc);
      } else {
        for (Entry e : log.entries()) {
          out().println(TerminalText.line(EntryJson.line(feed, e)));
        }
      }
      return 0;
    }
  }

  @Command(name = "export-torrent", description = "Write DIR/feed.torrent and its files, ready for any BitTorrent client.")
  static final class ExportTorrent extends Base {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      FeedLog log = own.log();
      if (log.isEmpty()) {
        throw new IllegalArgumentException("your feed has no entries yet");
      }
      FeedTorrent t = FeedTorrent.of(log);
      Path content = dir.resolve(t.name());
      Files.createDirectories(content);
      List<byte[]> pieces = log.pieces();
      for (int i = 0; i < pieces.size(); i++) {
        Files.write(content.resolve(FeedTorrent.fileName(i)), pieces.get(i));
      }
      Files.write(dir.resolve("feed.torrent"), t.metainfo());
      out().println("Wrote " + dir.resolve("feed.torrent") + " (" + pieces.size() + " pieces, infohash "
          + t.infohashHex() + ")");
      return 0;
    }
  }

  @Command(name = "item", description = "Print the current signed BEP 44 item of your feed.")
  static final class Item extends Base {
    @Option(names = "--json", description = "Print JSON (all fields hex).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      MutableItem item = own().currentItem().orElseThrow(() ->
          new IllegalArgumentException("your feed has no entries yet, so no item"));
      Map<String, Object> fields = new LinkedHashMap<>();
      for (String k : List.of("k", "salt", "seq", "v", "sig", "target")) {
        fields.put(k, item.toJsonFields().get(k));
      }
      if (json) {
        printJson(fields);
      } else {
        fields.forEach((k, v) -> out().println(k + " " + v));
      }
      return 0;
    }
  }

  private static final java.util.regex.Pattern URL_SCHEME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

  /**
   * A feed given on the command line: a follow link (note 0001: the magnet prefix in any case,
   * surrounding whitespace allowed) or a bare {@code <64 hex>[:<salt hex>]} key.
   */
  static FeedId parseFeed(String text) {
    String s = text.strip();
    if (s.regionMatches(true, 0, "magnet:", 0, 7)) {
      return FeedLink.parse(s).feed();
    }
    int colon = s.indexOf(':');
    if (colon > 0 && colon != 64 && URL_SCHEME.matcher(s.substring(0, colon)).matches()) {
      throw new IllegalArgumentException("not a feed link: expected magnet:?xs=urn:btpk:<64 hex> or a 64-hex feed key, got a '"
          + s.substring(0, Math.min(colon, 32)) + ":' address");
    }
    return FeedId.parse(s);
  }

  @Command(name = "follow", description = "Follow a feed by its link. A running node starts fetching it at once.")
  static final class Follow extends Base {
    @Parameters(paramLabel = "LINK", description = "magnet:?xs=urn:btpk:<64 hex>[&s=<salt hex>]")
    String link;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      FeedId feed = parseFeed(link);
      Optional<OwnFeed.Published> p = own.follow(feed);
      if (p.isEmpty()) {
        out().println("Already following " + feed);
        return 0;
      }
      return created("Following " + feed.shortName() + ":", own, p.get());
    }
  }

  @Command(name = "unfollow", description = "Stop following a feed and drop its stored copy.")
  static final class Unfollow extends Base {
    @Parameters(paramLabel = "LINK")
    String link;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      FeedId feed = parseFeed(link);
      return created("Unfollowed " + feed.shortName() + ":", own, own.unfollow(feed));
    }
  }

  @Command(name = "import-archive",
      description = "Bring your posts over from a Mastodon export (outbox.json) or an X/Twitter archive (tweets.js).")
  static final class ImportArchive extends Base {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      OwnFeed own = own();
      var report = org.charkha.archive.ArchiveReader.read(file);
      var plan = org.charkha.archive.ArchiveImport.plan(report, own.log());
      long started = System.nanoTime();
      OwnFeed.Published p = plan.contents().isEmpty() ? null : own.appendAll(plan.contents(), plan.timestamps());
      long millis = (System.nanoTime() - started) / 1_000_000;
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("imported", plan.contents().size());
      doc.put("repliesKept", plan.repliesKept());
      doc.put("repliesToOthersImportedAsPosts", plan.repliesFlattened());
      doc.put("skipped", report.skipped());
      doc.put("millis", millis);
      if (json) {
        printJson(doc);
        return 0;
      }
      out().println("Imported " + plan.contents().size() + " posts in " + millis + " ms ("
          + plan.repliesKept() + " replies kept as comments, " + plan.repliesFlattened()
          + " replies to others imported as posts)");
      report.skipped().forEach((reason, n) -> out().println("Skipped " + n + ": " + TerminalText.line(reason)));
      if (p != null) {
        out().println("Last entry " + EntryRef.of(own.feed(), p.entry().seq()));
      }
      return 0;
    }
  }

  @Command(name = "export", description = "Write your key, your feed and every held feed to DIR, to move to another machine.")
  static final class Export extends Base {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      int n = org.charkha.store.Backup.export(data(), dir);
      out().println("Exported your key and " + n + " feeds to " + dir + " (keep it private: it holds your key)");
      return 0;
    }
  }

  @Command(name = "import", description = "Restore an export made with 'charkha export' into this data directory.")
  static final class Import extends Base {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      var feeds = org.charkha.store.Backup.restore(data(), dir);
      out().println("Imported " + feeds.size() + " feeds into " + data().home());
      return 0;
    }
  }
}
