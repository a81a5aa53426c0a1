package org.charkha.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Binds and releases a node's ports before it starts: bt only logs a BindException and runs on
 * without a listener, and a DHT on a taken port never hears an answer, so a busy port must stop
 * {@code charkha run} at once, with the port and protocol named.
 */
final class PortCheck {
  private PortCheck() {}

  /** Fails with an {@link IllegalStateException} if TCP {@code port} cannot be bound on {@code address}. */
  static void tcp(InetAddress address, int port, String what, String option) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the real listeners do: a closed connection in TIME_WAIT is no conflict
      s.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw busy("TCP", address, port, what, option, e);
    }
  }

  /** Fails with an {@link IllegalStateException} if UDP {@code port} cannot be bound on {@code address}. */
  static void udp(InetAddress address, int port, String what, String option) {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, port))) {
      // bound; closing frees it for the DHT
    } catch (IOException e) {
      throw busy("UDP", address, port, what, option, e);
    }
  }

  private static IllegalStateException busy(String protocol, InetAddress address, int port, String what,
      String option, IOException e) {
    return new IllegalStateException(protocol + " port " + port + " (" + what + ") on " + address.getHostAddress()
        + " is not available: " + e.getMessage() + "; is another program using it? choose another with " + option, e);
  }
}
