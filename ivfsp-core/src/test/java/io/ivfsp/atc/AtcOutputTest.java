package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.ChildJvm;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ATC's output is kept in bounded memory however much of it there is, and its error codes survive. */
class AtcOutputTest {

    @TempDir
    Path dir;

    private static OutputTail drained(int lines, String text) {
        OutputTail tail = new OutputTail(lines);
        tail.drain(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        return tail;
    }

    @Test
    void aLongLineIsCutAndTheRestCounted() {
        String line = "y".repeat(OutputTail.MAX_LINE_BYTES + 1000);

        OutputTail tail = drained(10, line + "\nlast\n");

        assertThat(tail.text().lines()).containsExactly(
                "y".repeat(OutputTail.MAX_LINE_BYTES) + " [... 1000 more bytes of this line dropped]", "last");
    }

    @Test
    void theTailIsBoundedInCharactersAsWellAsLines() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            out.append(i).append(' ').append("z".repeat(OutputTail.MAX_LINE_BYTES - 10)).append('\n');
        }

        String text = drained(1000, out.toString()).text();

        assertThat(text.length()).isLessThanOrEqualTo(OutputTail.MAX_TAIL_CHARS + 100);
        assertThat(text.lines().toList()).last().asString().startsWith("199 ");
        assertThat(text.lines().toList()).first().asString().matches("\\[\\.\\.\\. \\d+ lines not shown \\.\\.\\.\\]");
    }

    @Test
    void errorLinesThatScrolledOutAreKeptBeforeTheTail() {
        List<String> lines = new ArrayList<>();
        lines.add("E10025: first error");
        for (int i = 0; i < 100; i++) {
            lines.add("noise " + i);
        }
        lines.add("[ERROR] EZ9999: not at the start of the line, so not a code line");
        lines.add("EZ9999: second error");
        lines.add("done");

        OutputTail tail = drained(2, String.join("\n", lines));

        assertThat(tail.errorCode()).hasValue("E10025");
        assertThat(tail.text().lines()).containsExactly("E10025: first error", "[... 101 lines not shown ...]",
                "EZ9999: second error", "done");
    }

    @Test
    void carriageReturnsAndAnUnfinishedLastLineAreHandled() {
        assertThat(drained(5, "a\r\nb\r\nunfinished").text().lines()).containsExactly("a", "b", "unfinished");
    }

    @Test
    void carriageReturnsEndingLinesAreRemovedAndEmptyLinesKept() {
        assertThat(drained(5, "a\r\n\nb\r\n").text()).isEqualTo(String.join(System.lineSeparator(), "a", "", "b"));
    }

    @Test
    void aCarriageReturnInsideACutLineIsContent() {
        // The line is cut after its \r: that \r did not end the line, the dropped bytes did.
        String line = "y".repeat(OutputTail.MAX_LINE_BYTES - 1) + "\r" + "zz";

        assertThat(drained(5, line + "\n").text())
                .isEqualTo("y".repeat(OutputTail.MAX_LINE_BYTES - 1) + "\r [... 2 more bytes of this line dropped]");
    }

    @Test
    void theTailKeepsAsManyWholeLinesAsFitItsCharacterBound() {
        StringBuilder out = new StringBuilder();
        int lineChars = 1024;
        int lines = 100;
        for (int i = 0; i < lines; i++) {
            out.append(String.format("%04d", i)).append("z".repeat(lineChars - 4)).append('\n');
        }
        int fit = OutputTail.MAX_TAIL_CHARS / lineChars;

        List<String> kept = drained(1000, out.toString()).text().lines().toList();

        assertThat(kept).hasSize(fit + 1);
        assertThat(kept.get(0)).isEqualTo("[... " + (lines - fit) + " lines not shown ...]");
        assertThat(kept.get(1)).startsWith(String.format("%04d", lines - fit));
    }

    @Test
    void theLineCountMustBePositive() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OutputTail(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tail lines must be positive: 0");
        assertThat(drained(1, "a\nb").text()).isEqualTo("[... 1 lines not shown ...]" + System.lineSeparator() + "b");
    }

    @Test
    void errorLinesKeptAreBounded() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            out.append("E1").append(String.format("%04d", i)).append(": error ").append(i).append('\n');
        }

        assertThat(drained(3, out.toString()).text().lines()).hasSize(OutputTail.MAX_ERROR_LINES + 1 + 3);
    }

    @Test
    void aSmallHeapSurvivesAnyAmountOfAtcOutputAndStillReportsTheErrorCode() throws Exception {
        // The full tiered compiler (the later flag wins over ChildJvm's level 1): the 2.2 GiB pass through
        // OutputTail's byte loop costs 11 s of CPU under the client compiler alone and 4 s with C2.
        ChildJvm.Result r = ChildJvm.runWithOptions(List.of("-Xmx192m", "-XX:TieredStopAtLevel=4"), Map.of(), List.of(),
                HeavyOutputCompile.class, dir.toString());
        System.out.println(r.out().lines().filter(l -> l.startsWith("result") || l.startsWith("memory"))
                .reduce((a, b) -> a + System.lineSeparator() + b).orElse(""));

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).doesNotContain("OutOfMemoryError")
                .contains("result huge-line kind COMPILED code none")
                .contains("tail huge-line last: ATC run success, welcome to the next use.")
                .contains("result many-lines kind EXIT_STATUS code E10025")
                .contains("tail many-lines first: E10025: the fixture's error before a flood of output")
                .contains("tail many-lines last:         TraceBack (most recent call last):");
        String many = r.out().lines().filter(l -> l.startsWith("result many-lines")).findFirst().orElseThrow();
        assertThat(Long.parseLong(many.replaceAll(".* tail-chars (\\d+) .*", "$1")))
                .isLessThanOrEqualTo(OutputTail.MAX_TAIL_CHARS + (long) OutputTail.MAX_ERROR_LINES * 5000);
    }
}
