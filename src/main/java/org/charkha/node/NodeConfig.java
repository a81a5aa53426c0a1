package org.charkha.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Settings of a running node, from {@code charkha run}'s options. */
public record NodeConfig(
    Path home,
    int port,
    String bindAddress,
    List<InetSocketAddress> bootstrap,
    boolean publicBootstrap,
    boolean lsd,
    boolean push,
    Duration pollInterval,
    int webPort) {

  public static final int DEFAULT_PORT = 6881;
  public static final int DEFAULT_WEB_PORT = 7881;
}
