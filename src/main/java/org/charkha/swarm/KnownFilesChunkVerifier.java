package org.charkha.swarm;

import static com.google.common.base.Preconditions.checkArgument;

import bt.data.ChunkDescriptor;
import bt.data.ChunkVerifier;
import bt.data.LocalBitfield;
import bt.data.StorageUnit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charkha.store.VerifiedFiles;

/**
 * bt's piece checks, except that a torrent starting on files {@link VerifiedFiles} vouches for
 * does not hash them again. A feed's new version is the old one's segment files plus what
 * changed, so bt's start-up check of every piece made each version of a long feed cost its
 * whole length, on the author's side and on every follower's. Pieces downloaded or checked now
 * are hashed as bt would and remembered.
 */
final class KnownFilesChunkVerifier implements ChunkVerifier {
  private final ChunkVerifier hashing;
  private final VerifiedFiles verified;

  KnownFilesChunkVerifier(ChunkVerifier hashing, VerifiedFiles verified) {
    this.hashing = hashing;
    this.verified = verified;
  }

  @Override
  public boolean verify(List<ChunkDescriptor> chunks, LocalBitfield bitfield) {
    checkArgument(chunks.size() == bitfield.getPiecesTotal(), "%s chunks for a bitfield of %s pieces",
        chunks.size(), bitfield.getPiecesTotal());
    // Files vouched for cost a stat each (about 1 us): in one pass, since a parallel stream's
    // overhead is more than that. The others are read and hashed, in parallel.
    List<Integer> unknown = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      Path file = segmentFile(chunks.get(i));
      if (file != null && verified.vouches(file, chunks.get(i).getChecksum())) {
        bitfield.markLocalPieceVerified(i);
      } else {
        unknown.add(i);
      }
    }
    unknown.parallelStream()
        .filter(i -> startsVerified(chunks.get(i)))
        .forEach(bitfield::markLocalPieceVerified);
    return bitfield.getPiecesRemaining() == 0;
  }

  @Override
  public boolean verify(ChunkDescriptor chunk) {
    Path file = segmentFile(chunk);
    return file == null ? hashing.verify(chunk)
        : verified.verifyNow(file, chunk.getChecksum(), () -> hashing.verify(chunk));
  }

  @Override
  public boolean verifyIfPresent(ChunkDescriptor chunk) {
    Path file = segmentFile(chunk);
    return file == null ? hashing.verifyIfPresent(chunk)
        : verified.verifyNow(file, chunk.getChecksum(), () -> hashing.verifyIfPresent(chunk));
  }

  /** A file vouched for costs one stat: it was whole when hashed, so it is present. */
  private boolean startsVerified(ChunkDescriptor chunk) {
    Path file = segmentFile(chunk);
    return file == null ? isPresent(chunk) && hashing.verifyIfPresent(chunk)
        : verified.verify(file, chunk.getChecksum(), () -> isPresent(chunk) && hashing.verifyIfPresent(chunk));
  }

  /** As bt's check: a piece with a file shorter than its part in it is missing, not read. */
  private static boolean isPresent(ChunkDescriptor chunk) {
    boolean[] present = {true};
    chunk.getData().visitUnits((unit, off, lim) -> {
      if (unit.size() < lim) {
        present[0] = false;
      }
      return present[0];
    });
    return present[0];
  }

  /** The one whole segment file a feed torrent's piece is, or null for any other layout. */
  private static Path segmentFile(ChunkDescriptor chunk) {
    List<StorageUnit> units = new ArrayList<>(1);
    long[] range = new long[2];
    chunk.getData().visitUnits((unit, off, lim) -> {
      units.add(unit);
      range[0] = off;
      range[1] = lim;
      return units.size() < 2;
    });
    if (units.size() != 1 || !(units.get(0) instanceof FeedStorage.SegmentUnit unit)
        || range[0] != 0 || range[1] != unit.capacity()) {
      return null;
    }
    return unit.file();
  }
}
