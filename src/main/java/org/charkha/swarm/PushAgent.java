package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Message;
import bt.protocol.extended.ExtendedHandshake;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push extension on bt's connections. Each torrent is mapped to the feed it is a version of;
 * on every connection of a feed's torrents whose peer announced {@code charkha_item}, the newest
 * item this node knows for that feed is sent once. Received items are verified, then handed to
 * the sync engine, which relays them (by calling {@link #publish}) only if they were new to it.
 */
public final class PushAgent {
  private static final Logger log = LoggerFactory.getLogger(PushAgent.class);
  /** A peer that sends more items than this in one connection is ignored from then on. */
  private static final int MAX_ITEMS_PER_CONNECTION = 10_000;

  private final Map<TorrentId, FeedId> feedOfTorrent = new ConcurrentHashMap<>();
  private final Map<FeedId, MutableItem> latest = new ConcurrentHashMap<>();
  private final Map<ConnectionKey, Long> sentSeq = new ConcurrentHashMap<>();
  private final Map<ConnectionKey, Integer> received = new ConcurrentHashMap<>();
  private final Set<ConnectionKey> capable = ConcurrentHashMap.newKeySet();
  private volatile BiConsumer<MutableItem, InetSocketAddress> receiver = (item, from) -> { };
  private volatile boolean enabled = true;

  /** The Guice module that puts this agent and the {@code charkha_item} message into a bt runtime. */
  public com.google.inject.Module module() {
    return binder -> {
      bt.module.ProtocolModule.extend(binder).addExtendedMessageHandler(ItemMessage.EXTENSION_NAME, new ItemPushHandler());
      bt.module.ServiceModule.extend(binder).addMessagingAgent(this);
    };
  }

  /** Where verified incoming items go. */
  public void onItem(BiConsumer<MutableItem, InetSocketAddress> receiver) {
    this.receiver = receiver;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** Records that {@code infohash} is a version of {@code feed}, so its connections carry that feed's items. */
  public void mapTorrent(byte[] infohash, FeedId feed) {
    feedOfTorrent.put(TorrentId.fromBytes(infohash), feed);
  }

  public void unmapTorrent(byte[] infohash) {
    TorrentId id = TorrentId.fromBytes(infohash);
    feedOfTorrent.remove(id);
    sentSeq.keySet().removeIf(k -> k.getTorrentId().equals(id));
    received.keySet().removeIf(k -> k.getTorrentId().equals(id));
    capable.removeIf(k -> k.getTorrentId().equals(id));
  }

  /** Makes {@code item} the one to push to every connected peer of its feed. */
  public void publish(MutableItem item) {
    latest.merge(item.feed(), item, (old, now) -> now.seq() > old.seq() ? now : old);
  }

  @Consumes
  public void consume(ExtendedHandshake handshake, MessageContext context) {
    if (handshake.getSupportedMessageTypes().contains(ItemMessage.EXTENSION_NAME)) {
      capable.add(context.getConnectionKey());
    }
  }

  @Consumes
  public void consume(ItemPush push, MessageContext context) {
    ConnectionKey key = context.getConnectionKey();
    int count = received.merge(key, 1, Integer::sum);
    if (!enabled || count > MAX_ITEMS_PER_CONNECTION) {
      return;
    }
    InetSocketAddress from = new InetSocketAddress(key.getPeer().getInetAddress(), key.getRemotePort());
    if (push.payload() == null) {
      log.debug("oversized push message from {} ignored", from);
      return;
    }
    MutableItem item;
    try {
      item = ItemMessage.decode(push.payload());
    } catch (IllegalArgumentException e) {
      log.debug("invalid push message from {}: {}", from, e.getMessage());
      return;
    }
    FeedId expected = feedOfTorrent.get(context.getTorrentId());
    if (expected == null || !expected.equals(item.feed())) {
      log.debug("push for {} on a torrent of another feed from {} ignored", item.feed().shortName(), from);
      return;
    }
    // The sender has it: never send it back.
    sentSeq.merge(key, item.seq(), Math::max);
    receiver.accept(item, from);
  }

  @Produces
  public void produce(Consumer<Message> out, MessageContext context) {
    if (!enabled) {
      return;
    }
    ConnectionKey key = context.getConnectionKey();
    if (!capable.contains(key)) {
      return;
    }
    FeedId feed = feedOfTorrent.get(context.getTorrentId());
    MutableItem item = feed == null ? null : latest.get(feed);
    if (item == null) {
      return;
    }
    Long sent = sentSeq.get(key);
    if (sent != null && sent >= item.seq()) {
      return;
    }
    sentSeq.put(key, item.seq());
    out.accept(new ItemPush(ItemMessage.encode(item)));
  }

  /** Forgets a closed connection's bookkeeping. */
  public void disconnected(ConnectionKey key) {
    sentSeq.remove(key);
    received.remove(key);
    capable.remove(key);
  }

  List<FeedId> mappedFeeds() {
    return List.copyOf(feedOfTorrent.values());
  }
}
