package org.charkha.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;
import org.charkha.feed.TestFeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key at rest: owner-only, and with a passphrase never in the clear on disk. */
class KeyFileTest {
  @TempDir
  Path home;

  private final Identity alice = TestFeeds.alice();
  private final String seedHex = Hex.encode(alice.seed());

  @Test
  void aPassphraseKeepsTheSeedOffTheDiskAndOpensItAgain() throws IOException {
    DataDir.open(home).initialize(alice, "correct horse".toCharArray());
    String text = Files.readString(home.resolve("identity.key"));
    assertTrue(text.startsWith("charkha-ed25519-seed-encrypted\nscrypt 15 8 1 "), text);
    assertFalse(text.contains(seedHex), "the seed must not be on disk in the clear");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("identity.key"))));
    DataDir fresh = DataDir.open(home);
    assertTrue(fresh.isKeyEncrypted());
    assertArrayEquals(alice.publicKey(), fresh.identity("correct horse".toCharArray()).publicKey());
  }

  @Test
  void aWrongPassphraseSaysSo() throws IOException {
    DataDir.open(home).initialize(alice, "correct horse".toCharArray());
    IOException e = assertThrows(IOException.class, () -> DataDir.open(home).identity("battery staple".toCharArray()));
    assertTrue(e.getMessage().startsWith("wrong passphrase for " + home.resolve("identity.key")), e.getMessage());
  }

  @Test
  void theSameWordsInAnotherUnicodeFormOpenTheKey() throws IOException {
    DataDir.open(home).initialize(alice, "caf\u00e9".toCharArray()); // precomposed é
    assertArrayEquals(alice.publicKey(), DataDir.open(home).identity("cafe\u0301".toCharArray()).publicKey());
  }

  @Test
  void weakenedOrDamagedParametersDoNotOpenTheKey() throws IOException {
    DataDir.open(home).initialize(alice, "pw".toCharArray());
    Path key = home.resolve("identity.key");
    String text = Files.readString(key);
    // A lower cost is bound into the cipher's associated data: it fails like a wrong passphrase.
    Files.writeString(key, text.replace("scrypt 15 ", "scrypt 14 "));
    IOException weakened = assertThrows(IOException.class, () -> DataDir.open(home).identity("pw".toCharArray()));
    assertTrue(weakened.getMessage().startsWith("wrong passphrase"), weakened.getMessage());
    // A planted cost that would take gigabytes is refused before scrypt runs.
    Files.writeString(key, text.replace("scrypt 15 ", "scrypt 30 "));
    IOException huge = assertThrows(IOException.class, () -> DataDir.open(home).identity("pw".toCharArray()));
    assertTrue(huge.getMessage().contains("outside the bounds"), huge.getMessage());
    Files.writeString(key, "charkha-ed25519-seed-encrypted\nscrypt\n");
    IOException damaged = assertThrows(IOException.class, () -> DataDir.open(home).identity("pw".toCharArray()));
    assertTrue(damaged.getMessage().contains("is damaged"), damaged.getMessage());
  }

  @Test
  void theNoteVectorOpensAndIsReproduced() throws IOException {
    String note = Files.readString(Path.of("protocol-notes/0008-key-file.md"));
    int start = note.indexOf("```\ncharkha-ed25519-seed-encrypted") + 4;
    String vector = note.substring(start, note.indexOf("```", start));
    Files.writeString(home.resolve("identity.key"), vector);
    Files.setPosixFilePermissions(home.resolve("identity.key"), PosixFilePermissions.fromString("rw-------"));
    assertEquals(seedHex, Hex.encode(DataDir.open(home).identity("correct horse".toCharArray()).seed()));
    byte[] salt = Hex.decode("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", "salt");
    byte[] nonce = Hex.decode("c0c1c2c3c4c5c6c7c8c9cacb", "nonce");
    assertEquals(vector, new String(KeyFile.encrypted(alice, "correct horse".toCharArray(), salt, nonce),
        java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void thePlainFormatStillWorks() throws IOException {
    DataDir.open(home).initialize(alice);
    assertEquals("charkha-ed25519-seed\n" + seedHex + "\n", Files.readString(home.resolve("identity.key")));
    DataDir fresh = DataDir.open(home);
    assertFalse(fresh.isKeyEncrypted());
    assertArrayEquals(alice.publicKey(), fresh.identity().publicKey());
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws IOException {
    DataDir.open(home).initialize(alice);
    Files.setPosixFilePermissions(home.resolve("identity.key"), PosixFilePermissions.fromString("rw-r--r--"));
    IOException e = assertThrows(IOException.class, () -> DataDir.open(home).identity());
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void anEncryptedKeyStaysEncryptedThroughExportAndImport() throws Exception {
    DataDir source = DataDir.open(home.resolve("a"));
    source.initialize(alice, "pw".toCharArray());
    Backup.export(source, home.resolve("export"));
    DataDir target = DataDir.open(home.resolve("b"));
    target.adoptKeyFile(source); // what restore does with the export's key
    assertFalse(Files.readString(target.keyFile()).contains(seedHex));
    assertArrayEquals(alice.publicKey(), DataDir.open(home.resolve("b")).identity("pw".toCharArray()).publicKey());
  }
}
