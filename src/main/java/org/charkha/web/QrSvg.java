package org.charkha.web;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.Map;

/** A QR code as a small SVG: one path of unit squares, a quiet zone of four modules. */
final class QrSvg {
  static final int MAX_TEXT = 2048;
  private static final int QUIET = 4; // ISO/IEC 18004: quiet zone of 4 modules

  private QrSvg() {}

  static String of(String text) {
    if (text.isEmpty() || text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("QR text must be 1 to " + MAX_TEXT + " characters");
    }
    ByteMatrix m;
    try {
      m = Encoder.encode(text, ErrorCorrectionLevel.M, Map.of(EncodeHintType.CHARACTER_SET, "UTF-8"))
          .getMatrix();
    } catch (WriterException e) {
      throw new IllegalArgumentException("text does not fit in a QR code: " + e.getMessage());
    }
    int size = m.getWidth() + 2 * QUIET;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      int x = 0;
      while (x < m.getWidth()) {
        if (m.get(x, y) != 1) {
          x++;
          continue;
        }
        int run = x;
        while (run < m.getWidth() && m.get(run, y) == 1) {
          run++;
        }
        path.append('M').append(x + QUIET).append(' ').append(y + QUIET)
            .append('h').append(run - x).append("v1h-").append(run - x).append('z');
        x = run;
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
        + "\" shape-rendering=\"crispEdges\"><rect width=\"" + size + "\" height=\"" + size
        + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
  }
}
