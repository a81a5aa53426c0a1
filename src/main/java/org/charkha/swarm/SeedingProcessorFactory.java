package org.charkha.swarm;

import bt.event.EventSink;
import bt.event.EventSource;
import bt.metainfo.IMetadataService;
import bt.module.MessagingAgents;
import bt.net.IConnectionSource;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.peer.IPeerRegistry;
import bt.processor.ChainProcessor;
import bt.processor.ContextFinalizer;
import bt.processor.ProcessingContext;
import bt.processor.ProcessingStage;
import bt.processor.Processor;
import bt.processor.ProcessorFactory;
import bt.processor.listener.ListenerSource;
import bt.processor.listener.ProcessingEvent;
import bt.processor.magnet.FetchMetadataStage;
import bt.processor.magnet.InitializeMagnetTorrentProcessingStage;
import bt.processor.magnet.MagnetContext;
import bt.processor.torrent.ChooseFilesStage;
import bt.processor.torrent.CreateSessionStage;
import bt.processor.torrent.FetchTorrentStage;
import bt.processor.torrent.InitializeTorrentProcessingStage;
import bt.processor.torrent.TorrentContext;
import bt.processor.torrent.TorrentContextFinalizer;
import bt.runtime.Config;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.DataWorker;
import bt.tracker.ITrackerService;
import com.google.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * bt's two processing chains (torrent file and magnet link), except for their last stage. bt's
 * seeding stage holds a thread for as long as the torrent runs, waking every second to see whether
 * it was stopped: a node seeding 1,000 feeds kept 1,000 threads and 1,000 wake-ups a second for
 * nothing, since serving peers happens on bt's network threads. Here a torrent held whole leaves
 * its chain and its thread; the client's stop ends it as bt's would (the descriptor stops, the
 * torrent-stopped event fires), at once instead of within a second.
 */
final class SeedingProcessorFactory implements ProcessorFactory {
  private final Processor<TorrentContext> torrentProcessor;
  private final Processor<MagnetContext> magnetProcessor;

  @Inject
  SeedingProcessorFactory(TorrentRegistry torrentRegistry, DataWorker dataWorker,
      IBufferedPieceRegistry bufferedPieceRegistry, ITrackerService trackerService,
      @bt.module.ClientExecutor ExecutorService executor, IPeerRegistry peerRegistry,
      IConnectionSource connectionSource, IPeerConnectionPool connectionPool, IMessageDispatcher messageDispatcher,
      @MessagingAgents Set<Object> messagingAgents, IMetadataService metadataService, EventSource eventSource,
      EventSink eventSink, Config config) {
    // the same stages in the same order as bt 1.10's TorrentProcessorFactory, the last one replaced, and
    // the download stage one that also ends when skipped (media) pieces are all that is missing
    Seeding<TorrentContext> torrentSeeding = new Seeding<>(torrentRegistry, eventSink);
    ProcessingStage<TorrentContext> torrentChain =
        new FetchTorrentStage(
        new CreateSessionStage<>(
        new InitializeTorrentProcessingStage<>(
        new ChooseFilesStage<>(
        new SkippingProcessTorrentStage<>(torrentSeeding.handOff, torrentRegistry, peerRegistry, trackerService, eventSink),
            torrentRegistry, config),
            connectionPool, torrentRegistry, dataWorker, bufferedPieceRegistry, eventSink, config),
            torrentRegistry, eventSource, connectionSource, messageDispatcher, messagingAgents, config),
            eventSink);
    torrentProcessor = torrentSeeding.processor(torrentChain, executor);

    Seeding<MagnetContext> magnetSeeding = new Seeding<>(torrentRegistry, eventSink);
    ProcessingStage<MagnetContext> magnetChain =
        new CreateSessionStage<>(
        new FetchMetadataStage(
        new InitializeMagnetTorrentProcessingStage(
        new ChooseFilesStage<>(
        new SkippingProcessTorrentStage<MagnetContext>(magnetSeeding.handOff, torrentRegistry, peerRegistry, trackerService,
            eventSink),
            torrentRegistry, config),
            connectionPool, torrentRegistry, dataWorker, bufferedPieceRegistry, eventSink, config),
            metadataService, torrentRegistry, peerRegistry, eventSink, config),
            torrentRegistry, eventSource, connectionSource, messageDispatcher, messagingAgents, config);
    magnetProcessor = magnetSeeding.processor(magnetChain, executor);
  }

  @SuppressWarnings("unchecked")
  @Override
  public <C extends ProcessingContext> Processor<C> processor(Class<C> contextType) {
    if (contextType == TorrentContext.class) {
      return (Processor<C>) torrentProcessor;
    }
    if (contextType == MagnetContext.class) {
      return (Processor<C>) magnetProcessor;
    }
    return null; // as bt's factory for a context type it does not know
  }

  /**
   * The end of one chain type: torrents that reached it seed without a thread until their
   * client's future completes, which is what the client's {@code stop()} does first.
   */
  private static final class Seeding<C extends TorrentContext> {
    private final TorrentRegistry registry;
    private final ContextFinalizer<C> finalizer;
    private final Map<C, Run> runs = new ConcurrentHashMap<>(); // contexts compare by identity

    final ProcessingStage<C> handOff = new ProcessingStage<>() {
      @Override
      public ProcessingEvent after() {
        return null;
      }

      @Override
      public ProcessingStage<C> execute(C context) {
        Run run = runs.get(context);
        if (run != null && isActive(context)) {
          run.startSeeding();
        }
        return null; // the chain ends here; the finalizer below skips a context that now seeds
      }
    };

    Seeding(TorrentRegistry registry, EventSink eventSink) {
      this.registry = registry;
      this.finalizer = new TorrentContextFinalizer<>(registry, eventSink);
    }

    Processor<C> processor(ProcessingStage<C> chainHead, ExecutorService executor) {
      ChainProcessor<C> chain = new ChainProcessor<>(chainHead, executor, context -> {
        Run run = runs.get(context);
        if (run != null) {
          run.chainEnded();
        }
      });
      return (context, listeners) -> process(chain, context, listeners);
    }

    private CompletableFuture<?> process(ChainProcessor<C> chain, C context, ListenerSource<C> listeners) {
      Run run = new Run(() -> {
        runs.remove(context);
        finalizer.finalizeContext(context);
      });
      runs.put(context, run);
      chain.process(context, listeners).whenComplete((r, e) -> {
        if (e != null) {
          run.result.completeExceptionally(e);
        } else if (!run.seeding()) {
          run.result.complete(null);
        }
      });
      return run.result;
    }

    private boolean isActive(C context) {
      return context.getTorrentId().flatMap(registry::getDescriptor).map(TorrentDescriptor::isActive).orElse(false);
    }
  }

  /**
   * One start of one torrent. Its result is the client's future: the client completes it to stop.
   * It is finalized exactly once: when its chain ends, unless it seeds then, else when it is
   * stopped. A second finalization fires a second torrent-stopped event, and bt's registry then
   * releases a new start of the same torrent (a stop that came as seeding began did that).
   */
  static final class Run {
    final CompletableFuture<Void> result = new CompletableFuture<>();
    private final Runnable finalizer;
    private boolean seeding;
    private boolean finalized;

    Run(Runnable finalizer) {
      this.finalizer = finalizer;
      result.whenComplete((r, e) -> stopped());
    }

    synchronized void startSeeding() {
      seeding = !result.isDone(); // a stop that came first wins: the chain's end finalizes
    }

    synchronized boolean seeding() {
      return seeding;
    }

    /** The chain ended: failed, stopped before it seeded, or handed over to seeding. */
    void chainEnded() {
      synchronized (this) {
        if (seeding || finalized) {
          return;
        }
        finalized = true;
      }
      finalizer.run();
    }

    private void stopped() {
      synchronized (this) {
        if (!seeding || finalized) {
          return; // the chain's end finalizes it
        }
        seeding = false;
        finalized = true;
      }
      finalizer.run();
    }
  }
}
