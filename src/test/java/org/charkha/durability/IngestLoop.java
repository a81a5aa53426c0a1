package org.charkha.durability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.index.Cursor;
import org.charkha.index.FeedIndex;
import org.charkha.index.ItemView;
import org.charkha.index.Page;
import org.charkha.node.LoopbackNode;
import org.charkha.node.Node;

/**
 * The child process of {@link IngestCrashTest}: an author and a follower node on loopback (real bt,
 * real files, real SQLite). The author publishes a version of 50 more posts after another; the
 * follower fetches, verifies, stores and indexes each. Prints {@code REINDEXED n} once the
 * restarted follower's index holds every post of its stored copy, then {@code READY}, then
 * {@code HELD seq size} after each version the follower stored. Args: author home, follower home.
 */
public final class IngestLoop {
  static final int BATCH = 50;

  private IngestLoop() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      System.out.println("FAILED " + t);
      t.printStackTrace(System.out);
      System.out.flush();
      System.exit(3);
    }
  }

  private static void run(String[] args) throws Exception {
    LoopbackNode started = start(Path.of(args[0]));
    Node author = started.node();
    Node follower = start(Path.of(args[1])).node();
    FeedId a = author.own().feed();
    follower.own().follow(a);
    follower.checkOwnFeed();
    long held = follower.data().feed(a).load().map(FeedLog::size).orElse(0L);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (indexedPosts(follower.index(), a) != held) {
      if (System.nanoTime() > deadline) {
        System.out.println("NOT-REINDEXED held " + held + " indexed " + indexedPosts(follower.index(), a));
        System.exit(3);
      }
      Thread.sleep(20);
    }
    System.out.println("REINDEXED " + held);
    System.out.println("READY");
    System.out.flush();
    InetSocketAddress authorAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), started.port());
    long last = follower.data().feed(a).readItem().map(i -> i.seq()).orElse(-1L);
    while (true) {
      long size = author.own().log().size();
      List<Content> posts = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        posts.add(new Content.Post("post " + (size + i) + " " + "x".repeat(150)));
      }
      author.own().appendAll(posts, Collections.nCopies(BATCH, System.currentTimeMillis()));
      author.checkOwnFeed();
      var item = author.own().currentItem().orElseThrow();
      follower.sync().offer(item, List.of(authorAddress));
      while (true) {
        Optional<Long> seq = follower.data().feed(a).readItem().map(i -> i.seq());
        if (seq.isPresent() && seq.get() > last) {
          last = seq.get();
          System.out.println("HELD " + last + " " + follower.data().feed(a).load().map(FeedLog::size).orElse(0L));
          System.out.flush();
          if (last >= item.seq()) {
            break;
          }
        }
        Thread.sleep(5);
      }
    }
  }

  private static LoopbackNode start(Path home) throws IOException {
    return LoopbackNode.start(home, Duration.ofSeconds(30));
  }

  /** Posts of {@code feed} in the index, counted page by page. */
  static long indexedPosts(FeedIndex index, FeedId feed) {
    long n = 0;
    Cursor cursor = Cursor.LATEST;
    do {
      Page<ItemView> page = index.authorTimeline(feed, cursor, 1000);
      n += page.items().stream().filter(i -> i.kind() == ItemView.Kind.POST).count();
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return n;
  }
}
