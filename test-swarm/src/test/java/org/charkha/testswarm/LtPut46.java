package org.charkha.testswarm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * test-swarm/peers/lt_put46.cpp, a BEP 46 put through libtorrent's own C++ DHT put (the Python binding
 * can only put byte strings), compiled against libtorrent-rasterbar into {@code target/lt_put46} once
 * per test run (first use).
 */
final class LtPut46 {
  private static Path binary;

  private LtPut46() {}

  /** {@code lt_put46 --bind <host>:<port> args...}, to run on {@code host}. */
  static List<String> command(Host host, int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary(host.swarm()).toString(), "--bind", host.address(port)));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  static synchronized Path binary(Swarm swarm) {
    if (binary == null) {
      binary = compile(swarm.swarmDir().resolve("peers/lt_put46.cpp"), Path.of("target/lt_put46").toAbsolutePath());
    }
    return binary;
  }

  private static Path compile(Path source, Path out) {
    // pkg-config's flags go after the source: the linker needs the libraries after the objects using them
    String script = "set -e; flags=$(pkg-config --cflags --libs libtorrent-rasterbar); "
        + "g++ -std=c++17 -O1 \"$1\" $flags -o \"$2\"";
    try {
      Files.createDirectories(out.getParent());
      Process p = new ProcessBuilder("bash", "-c", script, "lt_put46-build", source.toString(), out.toString())
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("compiling " + source + " took over 5 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("cannot compile " + source + " (needs g++, pkg-config and libtorrent-rasterbar-dev;"
            + " run-tests installs them), exit " + p.exitValue() + ":\n" + output);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compile " + source, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compiling " + source, e);
    }
  }
}
