package org.charkha.dht;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.GenericStorage.StorageItem;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.messages.PutRequest;
import lbms.plugins.mldht.kad.tasks.GetLookupTask;
import lbms.plugins.mldht.kad.tasks.PutTask;
import org.charkha.feed.FeedId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 44 mutable items of feeds over an mldht {@link DHT}: get the newest signed item for a feed,
 * put one. Built on mldht's {@code GetLookupTask}/{@code PutTask}, which are public but not
 * documented API. Values that come back are re-checked by {@link MutableItem#verified}, so a caller
 * only ever sees items with a good signature by the feed's key.
 */
public final class Bep44 {
  private static final Logger LOG = LoggerFactory.getLogger(Bep44.class);

  private final DHT dht;
  private volatile Dropped dropped = new Dropped() {
    @Override
    public void invalid(FeedId feed, String reason) {}

    @Override
    public void notNewer(MutableItem item) {}
  };

  /** Told of the values a get received for a feed and does not return, so they can be shown in status. */
  public interface Dropped {
    /** A value under the feed's key whose signature (or value) does not verify. */
    void invalid(FeedId feed, String reason);

    /** A verified item whose seq is not above the one asked for. */
    void notNewer(MutableItem item);
  }

  public Bep44(DHT dht) {
    this.dht = dht;
  }

  public void onDropped(Dropped dropped) {
    this.dropped = dropped;
  }

  /**
   * Looks up the feed's item and completes with the highest {@code seq} seen above
   * {@code seqAbove} (pass -1 for any), or empty. {@code seqAbove} travels in the get request
   * (BEP 44 {@code seq}), so nodes holding nothing newer answer without the value. The future
   * completes when the iterative lookup ends (usually about a second); callers bound it with
   * {@code orTimeout}. Fails if the node has no active socket.
   */
  public CompletableFuture<Optional<MutableItem>> get(FeedId feed, long seqAbove) {
    RPCServer srv = dht.getServerManager().getRandomActiveServer(true);
    if (srv == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("DHT has no active socket"));
    }
    AtomicReference<MutableItem> best = new AtomicReference<>();
    Key target = new Key(MutableItem.target(feed));
    // our own node may be one of the storing nodes; the lookup never asks itself
    dht.getStorage().get(target).ifPresent(item -> offer(feed, seqAbove, item, best, dropped));

    GetLookupTask task = new GetLookupTask(target, srv, dht.getNode());
    // BEP 44: the salt is not in responses but is part of target and signature; mldht needs it
    task.expectedSalt(saltOrNull(feed));
    if (seqAbove >= 0) {
      task.setSequence(seqAbove);
    }
    task.setValueConsumer(item -> offer(feed, seqAbove, item, best, dropped));
    CompletableFuture<Optional<MutableItem>> result = new CompletableFuture<>();
    task.addListener(t -> result.complete(Optional.ofNullable(best.get())));
    dht.getTaskManager().addTask(task);
    return result;
  }

  private static void offer(FeedId feed, long seqAbove, StorageItem item, AtomicReference<MutableItem> best,
      Dropped dropped) {
    if (!item.mutable()) {
      return;
    }
    byte[] pk = bytes(item.pubKey().orElseThrow());
    if (!Arrays.equals(pk, feed.publicKey())) {
      return;
    }
    MutableItem m;
    try {
      m = MutableItem.verified(feed, item.seq(), bytes(item.getRawValue()), bytes(item.sig().orElseThrow()));
    } catch (IllegalArgumentException e) {
      LOG.debug("dropped BEP 44 value for {}: {}", feed.shortName(), e.getMessage());
      dropped.invalid(feed, e.getMessage());
      return;
    }
    if (m.seq() <= seqAbove) {
      dropped.notNewer(m);
      return;
    }
    best.accumulateAndGet(m, (cur, neu) -> neu.isNewerThan(cur) ? neu : cur);
  }

  /**
   * Stores the item on the nodes closest to its target: a get for write tokens, then puts. Our own
   * node keeps a copy too. Completes with the number of remote nodes that accepted it (0 when the
   * routing table is empty or every node refused, for example because it holds a higher seq).
   */
  public CompletableFuture<Integer> put(MutableItem item) {
    RPCServer srv = dht.getServerManager().getRandomActiveServer(true);
    if (srv == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("DHT has no active socket"));
    }
    PutRequest req = new PutRequest();
    req.setPubkey(item.feed().publicKey());
    req.setSalt(saltOrNull(item.feed()));
    req.setSequenceNumber(item.seq());
    req.setSignature(item.signature());
    req.setValue(ByteBuffer.wrap(item.value()));
    StorageItem stored = new StorageItem(req);
    dht.getStorage().putOrUpdate(stored.fingerprint(), stored, -1);

    CompletableFuture<Integer> result = new CompletableFuture<>();
    GetLookupTask tokens = new GetLookupTask(stored.fingerprint(), srv, dht.getNode());
    tokens.expectedSalt(saltOrNull(item.feed()));
    tokens.addListener(t -> {
      if (tokens.getTokens().isEmpty()) {
        result.complete(0);
        return;
      }
      // reuse the server that collected the tokens: tokens are bound to our address
      PutTask put = new PutTask(srv, dht.getNode(), tokens.getTokens(), stored);
      put.addListener(p -> result.complete(put.getRecvResponses()));
      dht.getTaskManager().addTask(put);
    });
    dht.getTaskManager().addTask(tokens);
    return result;
  }

  private static byte[] saltOrNull(FeedId feed) {
    return feed.hasSalt() ? feed.salt() : null; // mldht signs "4:salt0:" for an empty non-null salt
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
