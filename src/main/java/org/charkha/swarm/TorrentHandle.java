package org.charkha.swarm;

import bt.processor.ProcessingContext;
import bt.runtime.BtClient;
import bt.torrent.TorrentSessionState;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;
import org.charkha.torrent.FeedTorrent;

/**
 * One feed torrent running in a {@link SwarmEngine}, seeded or being fetched. {@link #completion()}
 * completes with the validated torrent once every piece is on disk and hash-checked by bt; after
 * that the torrent keeps seeding until {@link #stop()}. It completes exceptionally with the
 * parse error when a peer's metadata is not a valid feed torrent, with a
 * {@link java.util.concurrent.TimeoutException} when the fetch timeout passes, and with a
 * {@link java.util.concurrent.CancellationException} when stopped before completion.
 */
public final class TorrentHandle {
  /** A snapshot; {@code piecesTotal} is -1 until the metadata is known. */
  public record Progress(int piecesDone, int piecesTotal, int piecesDownloaded, long bytesDownloaded,
      long bytesUploaded, int peers) {
    public boolean complete() {
      return piecesTotal > 0 && piecesDone == piecesTotal;
    }
  }

  private final SwarmEngine engine;
  private final FeedId feed;
  private final byte[] infohash;
  private final Path root;
  private final CompletableFuture<FeedTorrent> completion = new CompletableFuture<>();
  final AtomicInteger piecesDownloaded = new AtomicInteger();
  volatile BtClient client;
  volatile ProcessingContext context;
  volatile FeedTorrent torrent;
  /** Runs once the metadata is validated, before bt opens any file (see SwarmEngine#fetch). */
  volatile java.util.function.Consumer<FeedTorrent> beforeData = t -> { };
  private Thread processingThread;
  private boolean stopRequested;

  TorrentHandle(SwarmEngine engine, FeedId feed, byte[] infohash, Path root) {
    this.engine = engine;
    this.feed = feed;
    this.infohash = infohash.clone();
    this.root = root;
  }

  public FeedId feed() {
    return feed;
  }

  public byte[] infohash() {
    return infohash.clone();
  }

  public String infohashHex() {
    return Hex.encode(infohash);
  }

  /** The feed's segment files: {@code root/NNNNNNNN-<sha1 hex>.seg}. */
  public Path root() {
    return root;
  }

  public CompletableFuture<FeedTorrent> completion() {
    return completion;
  }

  /** The torrent once its metadata is known and valid. */
  public Optional<FeedTorrent> torrent() {
    return Optional.ofNullable(torrent);
  }

  public boolean isRunning() {
    BtClient c = client;
    return c != null && c.isStarted();
  }

  public Progress progress() {
    ProcessingContext ctx = context;
    TorrentSessionState s = ctx == null ? null : ctx.getState().orElse(null);
    if (s == null) {
      return new Progress(0, -1, piecesDownloaded.get(), 0, 0, 0);
    }
    // Not skipped: a torrent's media pieces (0004 section 2) are never fetched, so never done.
    return new Progress(s.getPiecesComplete(), s.getPiecesNotSkipped(), piecesDownloaded.get(), s.getDownloaded(),
        s.getUploaded(), s.getConnectedPeers().size());
  }

  /** Connected peers for this torrent. */
  public int peers() {
    return progress().peers();
  }

  /** Stops seeding or fetching; files stay where they are. */
  public void stop() {
    engine.stop(infohash);
  }

  void complete(FeedTorrent t) {
    completion.complete(t);
  }

  /** Called by the client executor when bt's processing chain for this torrent starts and ends. */
  synchronized void processingThread(Thread t) {
    processingThread = t;
    if (t != null && stopRequested && torrent == null) {
      t.interrupt(); // stopped before the chain even started
    }
  }

  /**
   * bt 1.10 waits for metadata with no way to give up (MetadataConsumer.waitForTorrent), so a stop
   * before the metadata came interrupts that wait; otherwise the thread would be lost for good.
   */
  synchronized void interruptIfWaitingForMetadata() {
    stopRequested = true;
    if (processingThread != null && torrent == null) {
      processingThread.interrupt();
    }
  }

  private volatile Throwable stopCause;

  /** Why the torrent is being stopped; the handle fails with it once bt has let go of the torrent. */
  void stopCause(Throwable e) {
    if (stopCause == null) {
      stopCause = e;
    }
  }

  void failStopped() {
    Throwable c = stopCause;
    fail(c != null ? c : new java.util.concurrent.CancellationException("torrent " + infohashHex() + " stopped"));
  }

  void fail(Throwable e) {
    completion.completeExceptionally(e);
  }

  @Override
  public String toString() {
    return "TorrentHandle{" + feed.shortName() + " " + infohashHex().substring(0, 8) + " " + progress() + "}";
  }
}
