package org.charkha.swarm;

import bt.metainfo.IMetadataService;
import bt.data.ChunkVerifier;
import bt.data.DefaultChunkVerifier;
import bt.data.digest.Digester;
import bt.dht.DHTConfig;
import bt.dht.DHTHandshakeHandler;
import bt.dht.DHTPeerSourceFactory;
import bt.dht.DHTService;
import bt.module.PeerConnectionSelector;
import bt.module.ProtocolModule;
import bt.module.ServiceModule;
import bt.event.EventSource;
import bt.module.BitTorrentProtocol;
import bt.net.DataReceiver;
import bt.net.IConnectionHandlerFactory;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionFactory;
import bt.net.PeerConnectionFactory;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;
import bt.torrent.TorrentRegistry;
import bt.net.SharedSelector;
import bt.net.buffer.IBufferManager;
import bt.processor.ProcessorFactory;
import bt.runtime.Config;
import bt.protocol.handler.PortMessageHandler;
import bt.service.IRuntimeLifecycleBinder;
import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.concurrent.ExecutorService;
import org.charkha.dht.DhtNode;
import org.charkha.store.VerifiedFiles;

/**
 * Our bindings in bt's Guice injector, in place of bt-dht's DHTModule: the DHT is our
 * {@link DhtNode} (persistent id and table, same port as TCP), plus known-peer injection, the BEP 6
 * allowed-fast fix, a client executor we can interrupt, seeding without a thread per torrent
 * ({@link SeedingProcessorFactory}), a message dispatcher that visits quiet connections seldom
 * ({@link PacedDispatcher}), room for new versions in a pool full of quiet connections
 * ({@link IdleConnectionTrimmer}), piece checks that skip files known good
 * ({@link KnownFilesChunkVerifier}), network buffers and a selector that cannot deadlock
 * ({@link ReleaseSafeBuffers}, {@link RegisteringSelector}), and connections that start without
 * Nagle's delay or bt's handshake naps ({@link NoDelaySockets}, {@link PromptHandshakes}).
 * Passed to bt as a custom module, so it overrides bt's standard bindings (Modules.override).
 */
final class SwarmModule implements Module {
  private final DhtNode dht; // null: no DHT
  private final KnownPeers knownPeers;
  private final ClientExecutor clientExecutor;
  private final int networkBufferSize;

  SwarmModule(DhtNode dht, KnownPeers knownPeers, ClientExecutor clientExecutor, int networkBufferSize) {
    this.dht = dht;
    this.knownPeers = knownPeers;
    this.clientExecutor = clientExecutor;
    this.networkBufferSize = networkBufferSize;
  }

  @Override
  public void configure(Binder binder) {
    ServiceModule.extend(binder).addPeerSourceFactory(knownPeers);
    ProtocolModule.extend(binder).addMessageHandler(AllowedFast.ID, new AllowedFast.Handler());
    binder.bind(ExecutorService.class).annotatedWith(bt.module.ClientExecutor.class).toInstance(clientExecutor);
    binder.bind(IBufferManager.class).toInstance(new ReleaseSafeBuffers(networkBufferSize));
    binder.bind(ProcessorFactory.class).to(SeedingProcessorFactory.class).in(Singleton.class);
    binder.bind(IMetadataService.class).to(FeedMetadataService.class).in(Singleton.class);
    binder.bind(DispatchSignal.class).in(Singleton.class);
    binder.bind(IMessageDispatcher.class).to(PacedDispatcher.class).asEagerSingleton();
    binder.bind(IdleConnectionTrimmer.class).asEagerSingleton();

    if (dht != null) {
      // BEP 5: peers learn our DHT port from the handshake's reserved bit and the PORT message
      DHTConfig dhtConfig = new DHTConfig();
      dhtConfig.setListeningPort(dht.port());
      binder.bind(DHTConfig.class).toInstance(dhtConfig);
      binder.bind(DhtNode.class).toInstance(dht);
      binder.bind(DHTService.class).to(MldhtPeers.class).in(Singleton.class);
      ServiceModule.extend(binder).addPeerSourceFactory(DHTPeerSourceFactory.class);
      ProtocolModule.extend(binder).addHandshakeHandler(DHTHandshakeHandler.class);
      ProtocolModule.extend(binder).addMessageHandler(PortMessageHandler.PORT_ID, PortMessageHandler.class);
    }
  }

  /** In place of bt's piece checks: see {@link KnownFilesChunkVerifier}. */
  @Provides
  @Singleton
  ChunkVerifier verifier(Config config, Digester digester) {
    return new KnownFilesChunkVerifier(new DefaultChunkVerifier(digester, config.getNumOfHashingThreads()),
        VerifiedFiles.shared());
  }

  /**
   * bt's connection factory, with handshakes that do not nap ({@link PromptHandshakes}) and Nagle
   * off on incoming connections ({@link NoDelaySockets}).
   */
  @Provides
  @Singleton
  IPeerConnectionFactory connectionFactory(@PeerConnectionSelector SharedSelector selector,
      IConnectionHandlerFactory connectionHandlerFactory, @BitTorrentProtocol MessageHandler<Message> protocol,
      TorrentRegistry torrentRegistry, IChannelPipelineFactory channelPipelineFactory, IBufferManager bufferManager,
      DataReceiver dataReceiver, EventSource eventSource, Config config) {
    return NoDelaySockets.factory(new PeerConnectionFactory(selector, new PromptHandshakes(connectionHandlerFactory),
        channelPipelineFactory, protocol, torrentRegistry, bufferManager, dataReceiver, eventSource, config));
  }

  /** In place of bt's selector provider (same lifecycle): see {@link RegisteringSelector}. */
  @Provides
  @Singleton
  @PeerConnectionSelector
  SharedSelector selector(IRuntimeLifecycleBinder lifecycle, DispatchSignal signal) {
    RegisteringSelector selector;
    try {
      selector = new RegisteringSelector(Selector.open(), signal);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the connection selector", e);
    }
    lifecycle.onShutdown("Shutdown selector", () -> {
      try {
        selector.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return selector;
  }
}
