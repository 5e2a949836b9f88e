package dev.taskforge.executors;

import dev.taskforge.logs.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a process's output into lines as it is read, holding at most {@value #MAX_LINE_BYTES}
 * bytes of any one line: a longer one (even gigabytes without a newline) is handed on in pieces,
 * each but the last ending with {@link #CONTINUES}, so nothing is lost and memory stays bounded.
 * Lines end at LF, CR LF or CR, as {@code BufferedReader.readLine} ended them. Bytes are decoded
 * as UTF-8 (a malformed sequence becomes U+FFFD, a piece never splits a character) and made
 * {@linkplain LogText storable}. One reader per stream, used by one thread.
 */
final class BoundedLineReader {
  static final int MAX_LINE_BYTES = 64 * 1024;
  static final String CONTINUES = " [continued on the next line]";

  private final InputStream in;
  private final byte[] chunk = new byte[8192];
  private int position;
  private int limit;
  /** The line so far; with the marker, a piece stays within MAX_LINE_BYTES (and as many characters). */
  private final byte[] line = new byte[MAX_LINE_BYTES - CONTINUES.length()];
  private int length;
  private boolean afterCarriageReturn;
  private boolean ended;
  private int largestHeld;

  BoundedLineReader(InputStream in) {
    this.in = in;
  }

  /** The next line or piece of one, or null at the end of the stream. */
  String next() throws IOException {
    while (true) {
      if (position == limit) {
        int read = ended ? -1 : in.read(chunk);
        if (read < 0) {
          ended = true;
          return length > 0 ? take(length, "") : null;
        }
        position = 0;
        limit = read;
        continue;
      }
      byte b = chunk[position++];
      if (b == '\n' && afterCarriageReturn) {
        afterCarriageReturn = false;
        continue;
      }
      afterCarriageReturn = b == '\r';
      if (b == '\n' || b == '\r') {
        return take(length, "");
      }
      if (length == line.length) {
        position--;
        return take(pieceEnd(), CONTINUES);
      }
      line[length++] = b;
      largestHeld = Math.max(largestHeld, length);
    }
  }

  /** The most bytes of one line this reader has held at once: its whole memory cost for any line. */
  int largestHeld() {
    return largestHeld;
  }

  /** Where a full buffer is cut: before its last character when that character is incomplete. */
  private int pieceEnd() {
    int lead = length - 1;
    while (lead > 0 && length - lead < 4 && (line[lead] & 0xC0) == 0x80) {
      lead--;
    }
    return lead > 0 && lead + sequenceLength(line[lead]) > length ? lead : length;
  }

  private static int sequenceLength(byte lead) {
    if ((lead & 0xE0) == 0xC0) {
      return 2;
    }
    if ((lead & 0xF0) == 0xE0) {
      return 3;
    }
    return (lead & 0xF8) == 0xF0 ? 4 : 1;
  }

  /** The first {@code end} bytes as text, with {@code suffix}; what follows them starts the next line. */
  private String take(int end, String suffix) {
    String text = LogText.storable(new String(line, 0, end, StandardCharsets.UTF_8)) + suffix;
    System.arraycopy(line, end, line, 0, length - end);
    length -= end;
    return text;
  }
}
