package org.charkha.swarm;

import bt.event.EventSink;
import bt.metainfo.TorrentId;
import bt.peer.IPeerRegistry;
import bt.processor.ProcessingStage;
import bt.processor.torrent.ProcessTorrentStage;
import bt.processor.torrent.TorrentContext;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.TrackerAnnouncer;
import bt.tracker.ITrackerService;

/**
 * bt 1.10's download stage, which also ends for a torrent with skipped files. bt's waits on a latch
 * that counts every piece, skipped ones included, so a torrent whose media files (0004 section 2)
 * are skipped would never be complete. A torrent without skipped pieces (every torrent this version
 * writes) runs bt's stage unchanged.
 */
class SkippingProcessTorrentStage<C extends TorrentContext> extends ProcessTorrentStage<C> {
  /** How often the count of remaining pieces is read while skipped pieces keep bt's latch up. */
  private static final long POLL_MILLIS = 50;

  private final TorrentRegistry torrentRegistry;
  private final IPeerRegistry peerRegistry;
  private final EventSink eventSink;

  SkippingProcessTorrentStage(ProcessingStage<C> next, TorrentRegistry torrentRegistry, IPeerRegistry peerRegistry,
      ITrackerService trackerService, EventSink eventSink) {
    super(next, torrentRegistry, peerRegistry, trackerService, eventSink);
    this.torrentRegistry = torrentRegistry;
    this.peerRegistry = peerRegistry;
    this.eventSink = eventSink;
  }

  @Override
  protected void doExecute(C context) throws InterruptedException {
    TorrentId torrentId = context.getTorrentId().get();
    TorrentDescriptor descriptor = torrentRegistry.getDescriptor(torrentId)
        .orElseThrow(() -> new IllegalStateException("No descriptor present for torrent ID: " + torrentId));
    var bitfield = descriptor.getDataDescriptor().getBitfield();
    if (bitfield.getPiecesSkipped() == 0 || context.getTorrent().get().getAnnounceKey().isPresent()) {
      super.doExecute(context);
      return;
    }
    // As bt's stage (a feed torrent has no announce key), with the wait counting only the pieces
    // that are not skipped.
    descriptor.start();
    eventSink.fireTorrentStarted(torrentId);
    peerRegistry.triggerPeerCollection(torrentId);
    while (bitfield.getPiecesRemaining() > 0) {
      Thread.sleep(POLL_MILLIS);
    }
    descriptor.complete();
    context.getAnnouncer().ifPresent(TrackerAnnouncer::complete);
  }
}
