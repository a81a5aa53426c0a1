package org.charkha.swarm;

import bt.BtClientBuilder;
import bt.metainfo.Torrent;
import bt.processor.ProcessingContext;
import bt.processor.listener.ListenerSource;
import bt.processor.listener.ProcessingEvent;
import bt.runtime.BtRuntime;
import org.charkha.torrent.FeedTorrent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bt's client builder with one more stage listener: when the torrent's metadata is known (fetched
 * by BEP 9 or given), it must parse as a feed torrent of the expected feed, or the processing chain
 * ends before bt creates any file or asks for any piece. bt's public {@code afterTorrentFetched}
 * hook cannot do this: exceptions from it are logged and the chain goes on. Media files after
 * the segments are skipped: their pieces are neither fetched nor awaited for completion.
 */
final class FeedClientBuilder extends BtClientBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(FeedClientBuilder.class);

  private final TorrentHandle handle;

  FeedClientBuilder(BtRuntime runtime, TorrentHandle handle) {
    this.handle = handle;
    runtime(runtime);
    fileSelector(FeedBtTorrent::priority); // media files (0004 section 2) are not fetched
  }

  @Override
  protected <C extends ProcessingContext> void collectStageListeners(ListenerSource<C> listeners) {
    super.collectStageListeners(listeners);
    listeners.addListener(ProcessingEvent.TORRENT_FETCHED, (context, next) -> {
      Torrent t = context.getTorrent().orElse(null);
      if (t == null) {
        return next; // the stage failed or was interrupted by a stop; bt finalizes the chain
      }
      handle.context = context;
      try {
        handle.torrent = FeedTorrent.parseInfo(handle.feed(), t.getSource().getExchangedMetadata());
        handle.beforeData.accept(handle.torrent);
        return next;
      } catch (RuntimeException e) {
        LOG.warn("feed {} torrent {}: metadata rejected: {}", handle.feed().shortName(), handle.infohashHex(),
            e.getMessage());
        handle.stopCause(e);
        return null; // ends the chain; bt's finalizer stops and unregisters the torrent
      }
    });
    listeners.addListener(ProcessingEvent.DOWNLOAD_COMPLETE, (context, next) -> {
      handle.complete(handle.torrent);
      return next; // on to bt's seed stage
    });
  }
}
