package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegisteringSelectorTest {

  @Test
  void aChannelRegisteredWhileTheLoopSelectsIsRead() throws Exception {
    RegisteringSelector selector = new RegisteringSelector(Selector.open(), new DispatchSignal());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger readable = new AtomicInteger();
    // bt's data-receiving loop: select, and select again at once whenever nothing was ready
    Thread loop = new Thread(() -> {
      try {
        while (running.get()) {
          selector.select(1000);
          selector.selectNow();
          for (SelectionKey k : selector.selectedKeys()) {
            if (k.isReadable()) {
              readable.incrementAndGet();
              ((SocketChannel) k.channel()).read(ByteBuffer.allocate(16));
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (Exception e) {
        running.set(false);
      }
    }, "selecting-loop");
    loop.start();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
           SocketChannel accepted = server.accept()) {
        accepted.configureBlocking(false);
        CompletableFuture.runAsync(() -> selector.wakeupAndRegister(accepted, SelectionKey.OP_READ, null))
            .get(5, TimeUnit.SECONDS);
        client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (readable.get() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(readable.get() > 0, "the loop saw the registered channel's data");
        assertEquals(1, selector.keys().size());
      }
    } finally {
      running.set(false);
      selector.wakeup();
      loop.join(5000);
      selector.close();
    }
  }
}
