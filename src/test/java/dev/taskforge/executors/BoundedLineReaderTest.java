package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A process's output becomes lines without ever holding more than a line's cap of it. */
class BoundedLineReaderTest {
  /** {@code size} bytes of {@code fill}, made as they are read. */
  private static InputStream repeated(byte fill, long size) {
    return new InputStream() {
      private long left = size;

      @Override
      public int read() {
        return left-- > 0 ? fill : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, fill);
        left -= n;
        return n;
      }
    };
  }

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> all(BoundedLineReader reader) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = reader.next(); line != null; line = reader.next()) {
      lines.add(line);
    }
    return lines;
  }

  @Test
  void aTwoHundredMegabyteLineIsReadThroughABufferOfAtMostTheCap() throws IOException {
    BoundedLineReader reader = new BoundedLineReader(new SequenceInputStream(repeated((byte) 'x', 200_000_000L),
        text("\nafter\n")));

    long xs = 0;
    int pieces = 0;
    String line;
    String last = null;
    while ((line = reader.next()) != null) {
      pieces++;
      xs += line.replace(BoundedLineReader.CONTINUES, "").chars().filter(c -> c == 'x').count();
      last = line;
    }

    assertThat(reader.largestHeld()).isLessThanOrEqualTo(BoundedLineReader.MAX_LINE_BYTES);
    assertThat(xs).isEqualTo(200_000_000L);
    assertThat(pieces).isGreaterThan(200_000_000 / BoundedLineReader.MAX_LINE_BYTES);
    assertThat(last).isEqualTo("after");
  }

  @Test
  void aLongLineIsSplitAtACharacterBoundaryAndEachPieceButTheLastSaysItContinues() throws IOException {
    String line = "é".repeat(100_000);

    List<String> pieces = all(new BoundedLineReader(text(line + "\n")));

    assertThat(pieces).hasSizeGreaterThan(1);
    assertThat(pieces.subList(0, pieces.size() - 1))
        .allSatisfy(p -> assertThat(p).endsWith(BoundedLineReader.CONTINUES));
    assertThat(pieces).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(BoundedLineReader.MAX_LINE_BYTES));
    assertThat(String.join("", pieces).replace(BoundedLineReader.CONTINUES, "")).isEqualTo(line);
  }

  @Test
  void linesEndAtNewlinesCarriageReturnsOrBothAndTheLastNeedsNone() throws IOException {
    assertThat(all(new BoundedLineReader(text("a\nb\r\nc\rd\n\nlast"))))
        .containsExactly("a", "b", "c", "d", "", "last");
  }

  @Test
  void whatPostgresqlCannotStoreBecomesAReplacementCharacter() throws IOException {
    byte[] bytes = {'a', 0, 'b', '\n', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'};

    assertThat(all(new BoundedLineReader(new ByteArrayInputStream(bytes)))).hasSize(2)
        .allSatisfy(l -> assertThat(l).doesNotContain("\u0000").contains("\uFFFD"));
  }
}
