package org.charkha.swarm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import bt.BtClientBuilder;
import bt.magnet.MagnetUri;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import bt.net.IPeerConnectionPool;
import bt.net.InetPeerAddress;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.BtRuntimeBuilder;
import bt.runtime.Config;
import com.google.inject.Module;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.charkha.dht.Bep44;
import org.charkha.dht.DhtNode;
import org.charkha.feed.FeedId;
import org.charkha.feed.Hex;
import org.charkha.feed.Limits;
import org.charkha.torrent.FeedTorrent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one BitTorrent runtime (bt 1.10) and DHT node: seeds feed torrents from disk and
 * fetches new versions by infohash. There must be one engine per process and port: bt leaks threads
 * when runtimes are created repeatedly (bt issue #249).
 *
 * <pre>{@code
 * try (SwarmEngine engine = SwarmEngine.start(SwarmConfig.builder(6881, dataDir.resolve("dht")).build())) {
 *   engine.seed(FeedTorrent.of(log), store.segmentsDir());                   // serve my feed
 *   Optional<MutableItem> head = engine.bep44().orElseThrow().get(feed, lastSeq).join();
 *   TorrentHandle h = engine.fetch(feed, head.get().infohash(), store.segmentsDir(), List.of(), Duration.ofMinutes(2));
 *   FeedTorrent t = h.completion().join();                                    // pieces in store.segmentFile(t, i)
 * }
 * }</pre>
 *
 * <p>Extension point: BEP 10 messages (for example a "new version" push) can be added later by
 * passing a Guice module to {@link #start(SwarmConfig, Module...)} that calls
 * {@code ProtocolModule.extend(binder).addExtendedMessageHandler(name, handler)} and
 * {@code ServiceModule.extend(binder).addMessagingAgent(agent)}.
 */
public final class SwarmEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmEngine.class);
  /** Open files kept per torrent; a seeding torrent reopens segments on demand. */
  private static final int OPEN_FILES_PER_TORRENT = 8;

  private final SwarmConfig config;
  private final DhtNode dht;
  private final Bep44 bep44;
  private final KnownPeers knownPeers;
  private final ClientExecutor clientExecutor;
  private final BtRuntime runtime;
  private final Map<TorrentId, TorrentHandle> torrents = new ConcurrentHashMap<>();
  private final Map<TorrentId, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();

  private SwarmEngine(SwarmConfig config, DhtNode dht, KnownPeers knownPeers, ClientExecutor clientExecutor,
      BtRuntime runtime) {
    this.config = config;
    this.dht = dht;
    this.bep44 = dht == null ? null : new Bep44(dht.dht());
    this.knownPeers = knownPeers;
    this.clientExecutor = clientExecutor;
    this.runtime = runtime;
  }

  /**
   * Binds the TCP listener and (if enabled) the DHT on {@code config.port()} and starts bt.
   * {@code extensions} are extra Guice modules for bt's injector (BEP 10 messages, agents).
   */
  public static SwarmEngine start(SwarmConfig config, Module... extensions) {
    InetAddress bind = config.bindAddress().orElseGet(SwarmEngine::anyAddress);
    DhtNode dht = null;
    if (config.dht()) {
      dht = DhtNode.start(config.stateDir().resolve("dht"), bind, config.port(), config.publicBootstrap(),
          config.bootstrapNodes());
    }
    ClientExecutor clientExecutor = new ClientExecutor(config.port());
    KnownPeers knownPeers = new KnownPeers();
    try {
      Config bt = btConfig(config, bind);
      BtRuntimeBuilder b = BtRuntime.builder(bt)
          .module(new SwarmModule(dht, knownPeers, clientExecutor, bt.getNetworkBufferSize()))
          .disableAutomaticShutdown();
      for (Module m : extensions) {
        b.module(m);
      }
      if (!config.lsd()) {
        b.disableLocalServiceDiscovery();
      }
      if (!config.pex()) {
        b.disablePeerExchange();
      }
      BtRuntime runtime = b.build();
      runtime.startup();
      SwarmEngine engine = new SwarmEngine(config, dht, knownPeers, clientExecutor, runtime);
      engine.listen();
      LOG.info("swarm engine on {}:{} (dht {}, lsd {}, pex {})", bind.getHostAddress(), config.port(),
          config.dht(), config.lsd(), config.pex());
      return engine;
    } catch (RuntimeException e) {
      clientExecutor.shutdownNow();
      if (dht != null) {
        dht.close();
      }
      throw e;
    }
  }

  private static Config btConfig(SwarmConfig c, InetAddress bind) {
    Config bt = new Config();
    bt.setAcceptorAddress(bind); // bt's default is the first non-loopback interface, not "any"
    bt.setAcceptorPort(c.port());
    bt.setPeerDiscoveryInterval(c.peerDiscoveryInterval());
    // BEP 9: peers declare the metadata size; FeedTorrent bounds a valid one (bt rejects size >= max)
    bt.setMetadataExchangeMaxSize(FeedTorrent.MAX_INFO_SIZE + 1);
    // One buffer each way per connection, for its whole life (bt's default is 1 MB each): a node
    // holding hundreds of connections for pushes kept hundreds of MB of them. A buffer must hold
    // the largest message we send or accept: a whole piece asked as one block, plus its header.
    bt.setNetworkBufferSize(Limits.SEGMENT_SIZE + 1024);
    bt.setMaxPeerConnectionsPerTorrent(50);
    bt.setMaxPeerConnections(c.maxConnections());
    // Holders of a feed stay connected while idle: those connections carry the push message.
    bt.setPeerConnectionInactivityThreshold(java.time.Duration.ofMinutes(30));
    // bt assigns 3 pieces per peer at a time and its dispatcher idles up to 100 ms between rounds:
    // with one seeder that caps a catch-up near 1 MB/s. Feeds are many small (64 KiB) pieces.
    bt.setMaxSimultaneouslyAssignedPieces(128);
    bt.setMaxMessageProcessingInterval(java.time.Duration.ofMillis(10));
    // No Message Stream Encryption: bt 1.10 accepts libtorrent's encrypted handshake and then
    // reads its initial payload, encrypted, as plaintext whenever it arrives in a read of its own
    // (garbled messages, the connection dropped; libtorrent gave up after three tries in CI).
    // Plaintext, as libtorrent and most clients accept; an encrypted attempt fails at once and
    // libtorrent retries in plaintext. It also spares every connection a Diffie-Hellman exchange.
    bt.setMseDisabled(true);
    return bt;
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private void listen() {
    runtime.getEventSource().onPieceVerified(null, e -> {
      TorrentHandle h = torrents.get(e.getTorrentId());
      if (h != null) {
        h.piecesDownloaded.incrementAndGet(); // bt fires this only for pieces received from peers
      }
    });
    // bt's registry listens for this event too and releases the torrent then, before or after
    // this listener: bt's event bus keeps listeners in a hash set (see awaitStopped)
    runtime.getEventSource().onTorrentStopped(null, e -> {
      TorrentHandle h = torrents.remove(e.getTorrentId());
      knownPeers.remove(e.getTorrentId());
      CompletableFuture<Void> s = stopping.remove(e.getTorrentId());
      if (s != null) {
        s.complete(null);
      }
      if (h != null) {
        h.failStopped();
      }
    });
  }

  /**
   * Seeds {@code t} from the segment files already in {@code segments} (named as
   * {@link org.charkha.store.FeedStore#segmentFileName} says), in place. bt checks them first; the
   * handle completes when all pieces are there (pieces that are missing or wrong are fetched from
   * peers, like any download). Returns the running handle if this torrent is already running
   * from the same directory.
   */
  public TorrentHandle seed(FeedTorrent t, Path segments) {
    Torrent bt = new FeedBtTorrent(t);
    TorrentHandle h = register(t.feed(), t.infohash(), segments);
    if (h.client != null) {
      return h;
    }
    h.torrent = t;
    start(h, new FeedClientBuilder(runtime, h).torrent(() -> bt));
    return h;
  }

  /**
   * Fetches the feed torrent {@code infohash} into the segment files of {@code segments}: metadata
   * by BEP 9 from peers (checked with {@link FeedTorrent#parseInfo} before any data is asked for),
   * peers from the DHT, PEX, LSD and {@code knownPeers}. Pieces whose segment file is already there
   * and passes its check are not downloaded again; one that fails it is overwritten in place. After completion the torrent keeps seeding
   * until stopped. If not complete within {@code timeout} it is stopped and the handle fails with a
   * {@link TimeoutException}.
   */
  public TorrentHandle fetch(FeedId feed, byte[] infohash, Path segments, Collection<InetSocketAddress> knownPeers,
      Duration timeout) {
    return fetch(feed, infohash, segments, knownPeers, timeout, t -> { });
  }

  /**
   * As {@link #fetch(FeedId, byte[], Path, Collection, Duration)}, and {@code beforeData} runs once
   * the metadata has arrived and parsed as a feed torrent, before bt opens or checks any file: the
   * moment to check the metadata against a quota and to record which files the download uses.
   */
  public TorrentHandle fetch(FeedId feed, byte[] infohash, Path segments, Collection<InetSocketAddress> knownPeers,
      Duration timeout, java.util.function.Consumer<FeedTorrent> beforeData) {
    checkArgument(infohash.length == 20, "a v1 infohash is 20 bytes");
    TorrentHandle h = register(feed, infohash, segments);
    if (h.client != null) {
      addPeers(infohash, knownPeers);
      return h;
    }
    h.beforeData = beforeData;
    try {
      Files.createDirectories(segments);
    } catch (IOException e) {
      torrents.remove(TorrentId.fromBytes(infohash));
      throw new UncheckedIOException(e);
    }
    TorrentId id = TorrentId.fromBytes(infohash);
    this.knownPeers.add(id, knownPeers);
    MagnetUri.Builder magnet = MagnetUri.torrentId(id);
    knownPeers.stream().filter(a -> !a.isUnresolved()).limit(KnownPeers.MAX_PER_TORRENT)
        .forEach(a -> magnet.peer(new InetPeerAddress(a.getAddress().getHostAddress(), a.getPort()))); // dialled at once
    start(h, new FeedClientBuilder(runtime, h).magnet(magnet.buildUri()));
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (!h.completion().isDone() && handle(infohash).orElse(null) == h) {
        LOG.info("fetch of {} {} timed out after {}: {}", feed.shortName(), h.infohashHex(), timeout, h.progress());
        stop(infohash, new TimeoutException("fetch of " + h.infohashHex() + " not complete after " + timeout));
      }
    });
    return h;
  }

  /** Adds peers to try for a running torrent (for example a follower that just announced itself). */
  public void addPeers(byte[] infohash, Collection<InetSocketAddress> peers) {
    TorrentId id = TorrentId.fromBytes(infohash);
    if (torrents.containsKey(id)) {
      knownPeers.add(id, peers);
    }
  }

  private TorrentHandle register(FeedId feed, byte[] infohash, Path segments) {
    TorrentId id = TorrentId.fromBytes(infohash);
    awaitStopped(id);
    Path r = segments.toAbsolutePath().normalize();
    TorrentHandle h = torrents.computeIfAbsent(id, k -> new TorrentHandle(this, feed, infohash, r));
    checkState(h.root().equals(r) && h.feed().equals(feed),
        "torrent %s already runs for %s from %s", Hex.encode(infohash), h.feed().shortName(), h.root());
    return h;
  }

  private synchronized void start(TorrentHandle h, BtClientBuilder builder) {
    if (h.client != null) {
      return;
    }
    BtClient client = builder.storage(new FeedStorage(h.root(), OPEN_FILES_PER_TORRENT)).build();
    h.client = client;
    ClientExecutor.STARTING.set(h::processingThread);
    try {
      // the handle fails on bt's torrent-stopped event, once bt has released the torrent
      client.startAsync().whenComplete((r, e) -> {
        if (e != null) {
          h.fail(e);
        }
      });
    } finally {
      ClientExecutor.STARTING.remove();
    }
  }

  /**
   * Stops a torrent (seeding or fetching) and waits briefly until bt has released it, so the same
   * infohash can be started again. Returns false if it was not running.
   */
  public boolean stop(byte[] infohash) {
    return stop(infohash, null);
  }

  private boolean stop(byte[] infohash, Exception cause) {
    TorrentId id = TorrentId.fromBytes(infohash);
    TorrentHandle h = torrents.get(id);
    if (h == null) {
      return false;
    }
    stopping.computeIfAbsent(id, k -> new CompletableFuture<>());
    h.stopCause(cause != null ? cause : new CancellationException("torrent " + h.infohashHex() + " stopped"));
    BtClient c = h.client;
    if (c != null) {
      c.stop();
    }
    h.interruptIfWaitingForMetadata();
    awaitStopped(id);
    return true;
  }

  /**
   * Waits until a stopping torrent is stopped and bt's registry has released it. Starting the same
   * torrent before that lets the registry's late release remove the new start's descriptor, and
   * the new start fails.
   */
  private void awaitStopped(TorrentId id) {
    CompletableFuture<Void> s = stopping.get(id);
    try {
      if (s != null) {
        s.get(5, TimeUnit.SECONDS);
      }
      if (torrents.containsKey(id)) {
        return; // running: the registry holds it for us
      }
      TorrentRegistry registry = runtime.service(TorrentRegistry.class);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (registry.getDescriptor(id).isPresent()) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("bt's registry still holds " + id);
        }
        Thread.sleep(1); // the stopped event's other listener, on the thread that fired it: a moment
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("torrent {} did not stop within 5 s", id);
      stopping.remove(id);
      TorrentHandle h = torrents.remove(id);
      knownPeers.remove(id);
      if (h != null) {
        h.failStopped();
      }
    }
  }

  public Optional<TorrentHandle> handle(byte[] infohash) {
    return Optional.ofNullable(torrents.get(TorrentId.fromBytes(infohash)));
  }

  public List<TorrentHandle> torrents() {
    return List.copyOf(torrents.values());
  }

  /** See {@link ClientExecutor#busyThreads()}. */
  int busyProcessingThreads() {
    return clientExecutor.busyThreads();
  }

  /** Open peer connections over all torrents. */
  public int connectedPeers() {
    return runtime.service(IPeerConnectionPool.class).size();
  }

  /** BEP 44 over this engine's DHT node; empty when the DHT is off. */
  public Optional<Bep44> bep44() {
    return Optional.ofNullable(bep44);
  }

  public Optional<DhtNode> dht() {
    return Optional.ofNullable(dht);
  }

  public int routingTableSize() {
    return dht == null ? 0 : dht.routingTableSize();
  }

  public SwarmConfig config() {
    return config;
  }

  public int port() {
    return config.port();
  }

  /** Stops every torrent, bt and the DHT (which saves its routing table). */
  @Override
  public void close() {
    for (TorrentHandle h : List.copyOf(torrents.values())) {
      BtClient c = h.client;
      if (c != null) {
        c.stop();
      }
      h.interruptIfWaitingForMetadata();
    }
    try {
      runtime.shutdown();
    } finally {
      clientExecutor.shutdownNow();
      if (dht != null) {
        dht.close();
      }
    }
  }
}
