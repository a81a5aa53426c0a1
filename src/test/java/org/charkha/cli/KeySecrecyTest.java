package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.charkha.feed.Hex;
import org.charkha.store.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole CLI session, each command in its own JVM as a user runs it, with debug stack traces on:
 * the private key appears in no output, no error message, and no file but the key file, and an
 * encrypted key asks for its passphrase and explains a wrong one.
 */
class KeySecrecyTest {
  @TempDir
  Path dir;

  record Run(int code, String output) {}

  @Test
  void theSeedNeverAppearsInOutputErrorsOrStoredFiles() throws Exception {
    Path home = dir.resolve("plain");
    StringBuilder all = new StringBuilder();
    for (List<String> cmd : List.of(List.of("init", "--name", "Asha"), List.of("post", "hello"), List.of("item", "--json"),
        List.of("link"), List.of("log", "--json"), List.of("comment", "999", "x"), List.of("follow", "magnet:?bad"),
        List.of("edit", "not-a-ref", "x"), List.of("export", dir.resolve("export").toString()))) {
      all.append(run(home, Map.of("CHARKHA_DEBUG", "1"), cmd).output());
    }
    String seed = Hex.encode(DataDir.open(home).identity().seed());
    assertFalse(all.toString().toLowerCase().contains(seed), "the seed appeared in the CLI's output");
    assertNoFileButTheKeyHolds(home, seed);
  }

  @Test
  void anEncryptedKeyAsksForItsPassphraseOnEveryCommandThatSigns() throws Exception {
    Path home = dir.resolve("enc");
    Map<String, String> pw = Map.of("CHARKHA_PASSPHRASE", "correct horse", "CHARKHA_DEBUG", "1");
    StringBuilder all = new StringBuilder();
    Run init = run(home, pw, List.of("init", "--passphrase", "--name", "Asha"));
    assertEquals(0, init.code(), init.output());
    Run post = run(home, pw, List.of("post", "hello"));
    assertEquals(0, post.code(), post.output());
    assertTrue(post.output().contains("Posted "), post.output());

    Run wrong = run(home, Map.of("CHARKHA_PASSPHRASE", "battery staple", "CHARKHA_DEBUG", "1"), List.of("post", "x"));
    assertNotEquals(0, wrong.code());
    assertTrue(wrong.output().contains("charkha: wrong passphrase for "), wrong.output());

    Run none = run(home, Map.of(), List.of("post", "x")); // no terminal under the test, no variable
    assertEquals(2, none.code(), none.output());
    assertTrue(none.output().contains("is encrypted: set CHARKHA_PASSPHRASE or run in a terminal"), none.output());

    all.append(init.output()).append(post.output()).append(wrong.output()).append(none.output());
    all.append(run(home, pw, List.of("item", "--json")).output());
    String seed = Hex.encode(DataDir.open(home).identity("correct horse".toCharArray()).seed());
    assertFalse(all.toString().toLowerCase().contains(seed), "the seed appeared in the CLI's output");
    assertNoFileButTheKeyHolds(home, seed);
    assertFalse(Files.readString(home.resolve("identity.key")).contains(seed));
  }

  private static void assertNoFileButTheKeyHolds(Path home, String seedHex) throws IOException {
    byte[] seed = Hex.decode(seedHex, "seed");
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (f.getFileName().toString().equals("identity.key")) {
          continue;
        }
        byte[] b = Files.readAllBytes(f);
        String latin = new String(b, StandardCharsets.ISO_8859_1);
        assertFalse(latin.toLowerCase().contains(seedHex) || latin.contains(new String(seed, StandardCharsets.ISO_8859_1)),
            f + " holds the private key");
      }
    }
  }

  private static Run run(Path home, Map<String, String> env, List<String> args) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, Main.class.getName(), "--home", home.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().remove("CHARKHA_PASSPHRASE");
    pb.environment().remove("CHARKHA_HOME");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), out);
  }
}
