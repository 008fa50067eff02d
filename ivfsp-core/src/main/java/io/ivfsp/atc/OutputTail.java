package io.ivfsp.atc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ivfsp.compile.CompileFailure;

/**
 * Keeps what a person needs of a process's output in bounded memory, however much it writes: the
 * last lines (at most {@link #MAX_TAIL_CHARS} characters) and the first lines that carry an ATC
 * error code (the error block may scroll out of the tail), each line cut at {@link #MAX_LINE_BYTES}.
 * Everything else is read and dropped, so the process never blocks on a full pipe.
 */
final class OutputTail {

    /** Bytes of one line that are kept; the rest of the line is counted and dropped. */
    static final int MAX_LINE_BYTES = 4 * 1024;
    /** Characters of the tail (the last lines). */
    static final int MAX_TAIL_CHARS = 64 * 1024;
    /** Lines with an error code kept when they scroll out of the tail. */
    static final int MAX_ERROR_LINES = 16;

    private record Line(long number, String text) {
    }

    private final int maxLines;
    private final ArrayDeque<Line> tail = new ArrayDeque<>();
    private final List<Line> errorLines = new ArrayList<>();
    private final byte[] current = new byte[MAX_LINE_BYTES];
    private int currentLength;
    private long currentDropped;
    private long lineCount;
    private long tailChars;
    private String errorCode;

    OutputTail(int maxLines) {
        if (maxLines <= 0) {
            throw new IllegalArgumentException("tail lines must be positive: " + maxLines);
        }
        this.maxLines = maxLines;
    }

    /** Reads {@code in} to its end, keeping the tail; an unfinished last line counts as a line. */
    void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                accept(buffer, 0, n);
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; what was read so far is kept.
        } finally {
            finish();
        }
    }

    /** Takes some bytes of output. */
    synchronized void accept(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else if (currentLength < current.length) {
                current[currentLength++] = b;
            } else {
                currentDropped++;
            }
        }
    }

    /** Ends an unfinished last line. */
    synchronized void finish() {
        if (currentLength > 0 || currentDropped > 0) {
            endLine();
        }
    }

    private void endLine() {
        int length = currentLength;
        if (length > 0 && current[length - 1] == '\r' && currentDropped == 0) {
            length--;
        }
        String text = decode(current, length);
        if (currentDropped > 0) {
            text += " [... " + currentDropped + " more bytes of this line dropped]";
        }
        currentLength = 0;
        currentDropped = 0;
        Line line = new Line(lineCount++, text);
        Optional<String> code = CompileFailure.findErrorCode(text);
        if (code.isPresent()) {
            if (errorCode == null) {
                errorCode = code.get();
            }
            if (errorLines.size() < MAX_ERROR_LINES) {
                errorLines.add(line);
            }
        }
        tail.addLast(line);
        tailChars += text.length();
        // One line is never longer than MAX_TAIL_CHARS (MAX_LINE_BYTES and its note are far below), so the
        // character bound never empties the tail.
        while (tail.size() > maxLines || tailChars > MAX_TAIL_CHARS) {
            tailChars -= tail.removeFirst().text().length();
        }
    }

    private static String decode(byte[] bytes, int length) {
        // A line cut inside a UTF-8 sequence ends in a replacement character rather than an exception.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder threw", e);
        }
    }

    /**
     * The error-code lines that scrolled out of the tail, a line saying how many were left out, then
     * the tail.
     */
    synchronized String text() {
        List<String> out = new ArrayList<>();
        long firstInTail = tail.isEmpty() ? lineCount : tail.peekFirst().number();
        long shown = 0;
        for (Line e : errorLines) {
            if (e.number() < firstInTail) {
                out.add(e.text());
                shown++;
            }
        }
        long hidden = firstInTail - shown;
        if (hidden > 0) {
            out.add("[... " + hidden + " lines not shown ...]");
        }
        tail.forEach(l -> out.add(l.text()));
        return String.join(System.lineSeparator(), out);
    }

    /** The first ATC error code seen anywhere in the output. */
    synchronized Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }
}
