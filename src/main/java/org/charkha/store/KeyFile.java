package org.charkha.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;
import org.charkha.feed.Hex;
import org.charkha.feed.Identity;

/**
 * The text of {@code identity.key} (protocol-notes/0008-key-file.md): either the plain seed, or the
 * seed sealed with AES-256-GCM under a key that scrypt derives from the owner's passphrase. The
 * scrypt parameters and salt are in the file, and the header lines are the cipher's associated
 * data, so a changed parameter fails like a wrong passphrase instead of weakening the key.
 */
final class KeyFile {
  static final String PLAIN = "charkha-ed25519-seed";
  static final String ENCRYPTED = "charkha-ed25519-seed-encrypted";
  /** scrypt cost for new files: 2^15 x r 8 is 32 MiB and about 0.1 s, the "interactive" level. */
  static final int LOG_N = 15;
  static final int R = 8;
  static final int P = 1;
  // Bounds for reading: a planted file must not make us allocate gigabytes or spin for minutes.
  private static final int MIN_LOG_N = 14;
  private static final int MAX_LOG_N = 20;
  private static final int MAX_R = 16;
  private static final int MAX_P = 4;
  private static final int SALT = 16;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private KeyFile() {}

  static boolean isEncrypted(List<String> lines) {
    return !lines.isEmpty() && lines.get(0).equals(ENCRYPTED);
  }

  static byte[] plain(Identity identity) {
    return (PLAIN + "\n" + Hex.encode(identity.seed()) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] encrypted(Identity identity, char[] passphrase) {
    SecureRandom random = new SecureRandom();
    byte[] salt = new byte[SALT];
    byte[] nonce = new byte[NONCE];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    return encrypted(identity, passphrase, salt, nonce);
  }

  /** With a given salt and nonce: for the test vector of protocol-notes/0008 only. */
  static byte[] encrypted(Identity identity, char[] passphrase, byte[] salt, byte[] nonce) {
    String params = "scrypt " + LOG_N + " " + R + " " + P + " " + Hex.encode(salt);
    String cipherLine = "aes-256-gcm " + Hex.encode(nonce);
    byte[] key = derive(passphrase, salt, LOG_N, R, P);
    byte[] seed = identity.seed();
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData(params, cipherLine));
      byte[] sealed = c.doFinal(seed);
      return (ENCRYPTED + "\n" + params + "\n" + cipherLine + "\n" + Hex.encode(sealed) + "\n")
          .getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The identity in a plain key file; throws {@link java.io.IOException} naming the file otherwise. */
  static Identity readPlain(List<String> lines, String file) throws java.io.IOException {
    if (lines.size() < 2 || !lines.get(0).equals(PLAIN) || lines.get(1).length() != 64) {
      throw new java.io.IOException("key file " + file + " is not a Charkha key file");
    }
    try {
      return Identity.fromSeed(Hex.decode(lines.get(1), "key seed"));
    } catch (IllegalArgumentException e) {
      throw new java.io.IOException("key file " + file + " is damaged: " + e.getMessage());
    }
  }

  static Identity readEncrypted(List<String> lines, char[] passphrase, String file) throws java.io.IOException {
    String[] params = lines.size() == 4 ? lines.get(1).split(" ") : new String[0];
    String[] cipherLine = lines.size() == 4 ? lines.get(2).split(" ") : new String[0];
    if (params.length != 5 || !params[0].equals("scrypt") || cipherLine.length != 2
        || !cipherLine[0].equals("aes-256-gcm")) {
      throw new java.io.IOException("encrypted key file " + file + " is damaged (expected the "
          + "scrypt and aes-256-gcm lines of protocol-notes/0008-key-file.md)");
    }
    int logN;
    int r;
    int p;
    byte[] salt;
    byte[] nonce;
    byte[] sealed;
    try {
      logN = Integer.parseInt(params[1]);
      r = Integer.parseInt(params[2]);
      p = Integer.parseInt(params[3]);
      salt = Hex.decode(params[4], "salt");
      nonce = Hex.decode(cipherLine[1], "nonce");
      sealed = Hex.decode(lines.get(3), "sealed seed");
    } catch (IllegalArgumentException e) {
      throw new java.io.IOException("encrypted key file " + file + " is damaged: " + e.getMessage());
    }
    if (logN < MIN_LOG_N || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P
        || salt.length != SALT || nonce.length != NONCE || sealed.length != 32 + TAG_BITS / 8) {
      throw new java.io.IOException("encrypted key file " + file + " has parameters outside the bounds of "
          + "protocol-notes/0008-key-file.md (scrypt 2^" + MIN_LOG_N + "..2^" + MAX_LOG_N + ", r<=" + MAX_R
          + ", p<=" + MAX_P + ")");
    }
    byte[] key = derive(passphrase, salt, logN, r, p);
    byte[] seed = null;
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData(lines.get(1), lines.get(2)));
      seed = c.doFinal(sealed);
      return Identity.fromSeed(seed);
    } catch (AEADBadTagException e) {
      throw new WrongPassphraseException("wrong passphrase for " + file + " (or the key file was altered)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    } finally {
      Arrays.fill(key, (byte) 0);
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  private static byte[] associatedData(String params, String cipherLine) {
    return (ENCRYPTED + "\n" + params + "\n" + cipherLine + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** scrypt over the passphrase's NFC UTF-8 bytes, so the same words typed anywhere give the same key. */
  private static byte[] derive(char[] passphrase, byte[] salt, int logN, int r, int p) {
    String nfc = Normalizer.normalize(CharBuffer.wrap(passphrase), Normalizer.Form.NFC);
    ByteBuffer utf8 = StandardCharsets.UTF_8.encode(nfc);
    byte[] bytes = new byte[utf8.remaining()];
    utf8.get(bytes);
    try {
      return SCrypt.generate(bytes, salt, 1 << logN, r, p, 32);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** The passphrase did not open the key. */
  static final class WrongPassphraseException extends java.io.IOException {
    WrongPassphraseException(String message) {
      super(message);
    }
  }
}
