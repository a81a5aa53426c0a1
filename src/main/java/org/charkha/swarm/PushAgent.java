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
  /** The listening port each peer announced (BEP 10 'p'): where to reach it for its own torrents. */
  private final Map<ConnectionKey, Integer> listenPorts = new ConcurrentHashMap<>();
  /** Items of other feeds that reply to a feed: sent on that feed's connections too. */
  private final Map<FeedId, Map<FeedId, MutableItem>> mentions = new ConcurrentHashMap<>();
  private final Map<ConnectionKey, Map<FeedId, Long>> sentMentions = new ConcurrentHashMap<>();
  private volatile Receiver receiver = (item, from, via) -> { };
  private volatile InvalidReceiver invalidReceiver = (feed, from, reason) -> { };
  private volatile DispatchSignal dispatch = new DispatchSignal(); // bt's runtime injects its own
  private volatile boolean enabled = true;

  /**
   * The Guice module that puts this agent and the {@code charkha_item} message into a bt runtime.
   * A disabled agent puts in nothing, so the runtime's extended handshake does not advertise a
   * message it would never send or act on: call {@link #setEnabled} first.
   */
  public com.google.inject.Module module() {
    if (!enabled) {
      return binder -> { };
    }
    return binder -> {
      bt.module.ProtocolModule.extend(binder).addExtendedMessageHandler(ItemMessage.EXTENSION_NAME, new ItemPushHandler());
      bt.module.ServiceModule.extend(binder).addMessagingAgent(this);
      binder.requestInjection(this);
    };
  }

  /** A new item goes out on quiet connections, which the dispatcher visits seldom: wake it. */
  @com.google.inject.Inject
  void dispatchSignal(DispatchSignal signal) {
    this.dispatch = signal;
  }

  /** Where verified incoming items go. */
  public interface Receiver {
    /**
     * @param via the feed whose torrent the item arrived on: the item's own feed, or another feed
     *     that the item's feed replied to (a mention)
     */
    void onItem(MutableItem item, InetSocketAddress from, FeedId via);
  }

  public void onItem(Receiver receiver) {
    this.receiver = receiver;
  }

  /** Told of a push message whose item claims a feed and does not verify. */
  public interface InvalidReceiver {
    void onInvalid(FeedId feed, InetSocketAddress from, String reason);
  }

  public void onInvalidItem(InvalidReceiver receiver) {
    this.invalidReceiver = receiver;
  }

  /**
   * Also sends {@code item} (of the feed that replied) on the connections of {@code target}'s
   * torrents, so that target's author learns of the reply through the swarm they share.
   */
  public void mention(FeedId target, MutableItem item) {
    mentions.computeIfAbsent(target, k -> new ConcurrentHashMap<>())
        .merge(item.feed(), item, (old, now) -> now.seq() > old.seq() ? now : old);
    dispatch.visitAll();
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
    sentMentions.keySet().removeIf(k -> k.getTorrentId().equals(id));
    listenPorts.keySet().removeIf(k -> k.getTorrentId().equals(id));
    received.keySet().removeIf(k -> k.getTorrentId().equals(id));
    capable.removeIf(k -> k.getTorrentId().equals(id));
  }

  /** Makes {@code item} the one to push to every connected peer of its feed. */
  public void publish(MutableItem item) {
    latest.merge(item.feed(), item, (old, now) -> now.seq() > old.seq() ? now : old);
    dispatch.visitAll();
  }

  @Consumes
  public void consume(ExtendedHandshake handshake, MessageContext context) {
    if (handshake.getSupportedMessageTypes().contains(ItemMessage.EXTENSION_NAME)) {
      capable.add(context.getConnectionKey());
    }
    log.debug("extended handshake from {} on {}: {}", context.getConnectionKey().getPeer().getInetAddress(),
        context.getTorrentId(), handshake.getSupportedMessageTypes());
    if (handshake.getPort() != null) {
      long p = handshake.getPort().getValue().longValue();
      if (p > 0 && p < 65536) {
        listenPorts.put(context.getConnectionKey(), (int) p);
      }
    }
  }

  @Consumes
  public void consume(ItemPush push, MessageContext context) {
    ConnectionKey key = context.getConnectionKey();
    int count = received.merge(key, 1, Integer::sum);
    if (!enabled || count > MAX_ITEMS_PER_CONNECTION) {
      return;
    }
    // An incoming connection's remote port is ephemeral; the peer's own torrents listen on 'p'.
    InetSocketAddress from = new InetSocketAddress(key.getPeer().getInetAddress(),
        listenPorts.getOrDefault(key, key.getRemotePort()));
    if (push.payload() == null) {
      log.debug("oversized push message from {} ignored", from);
      return;
    }
    MutableItem item;
    try {
      item = ItemMessage.decode(push.payload());
    } catch (ItemMessage.Unverified e) {
      log.debug("push message from {} does not verify: {}", from, e.getMessage());
      invalidReceiver.onInvalid(e.feed(), from, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      log.debug("invalid push message from {}: {}", from, e.getMessage());
      return;
    }
    FeedId via = feedOfTorrent.get(context.getTorrentId());
    if (via == null) {
      log.debug("push for {} on an unknown torrent from {} ignored", item.feed().shortName(), from);
      return;
    }
    if (via.equals(item.feed())) {
      sentSeq.merge(key, item.seq(), Math::max); // the sender has it: never send it back
    }
    log.debug("received {} seq {} via {} from {}", item.feed().shortName(), item.seq(), via.shortName(), from);
    receiver.onItem(item, from, via);
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
    if (feed == null) {
      return;
    }
    MutableItem item = latest.get(feed);
    Long sent = sentSeq.get(key);
    if (item != null && (sent == null || sent < item.seq())) {
      sentSeq.put(key, item.seq());
      log.debug("push {} seq {} to {}", item.feed().shortName(), item.seq(), key.getPeer().getInetAddress());
      out.accept(new ItemPush(ItemMessage.encode(item)));
      return; // one message per call; bt calls produce again
    }
    Map<FeedId, MutableItem> replies = mentions.get(feed);
    if (replies == null) {
      return;
    }
    Map<FeedId, Long> sentHere = sentMentions.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    for (MutableItem m : replies.values()) {
      Long s = sentHere.get(m.feed());
      if (s == null || s < m.seq()) {
        sentHere.put(m.feed(), m.seq());
        log.debug("push reply notice {} seq {} on {}'s swarm", m.feed().shortName(), m.seq(), feed.shortName());
        out.accept(new ItemPush(ItemMessage.encode(m)));
        return;
      }
    }
  }

  /** Forgets a closed connection's bookkeeping. */
  public void disconnected(ConnectionKey key) {
    sentSeq.remove(key);
    sentMentions.remove(key);
    listenPorts.remove(key);
    received.remove(key);
    capable.remove(key);
  }

  /** Connections whose peer advertised {@code charkha_item}. */
  int capableConnections() {
    return capable.size();
  }

  List<FeedId> mappedFeeds() {
    return List.copyOf(feedOfTorrent.values());
  }
}
