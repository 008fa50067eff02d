package io.ivfsp.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard error on a terminal, shared by the CLI's messages, the log and the progress line: a
 * line written while the progress line is shown first clears it, and the progress line is drawn
 * again below once the line is complete, so that log lines never run into it.
 */
final class TerminalErr extends OutputStream implements ProgressLine.Status {

    private static final byte[] CLEAR = "\r\033[K".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private String status;
    private boolean statusShown;
    private boolean atLineStart = true;

    TerminalErr(OutputStream out) {
        this.out = out;
    }

    @Override
    public synchronized void show(String line) {
        status = line;
        if (atLineStart) {
            draw();
        }
    }

    @Override
    public synchronized void clear() {
        status = null;
        if (statusShown) {
            writeQuietly(CLEAR);
            statusShown = false;
        }
        flushQuietly();
    }

    private void draw() {
        writeQuietly(CLEAR);
        writeQuietly(status.getBytes(StandardCharsets.UTF_8));
        statusShown = true;
        flushQuietly();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (statusShown) {
            out.write(CLEAR);
            statusShown = false;
        }
        out.write(b, off, len);
        atLineStart = b[off + len - 1] == '\n';
        if (atLineStart && status != null) {
            draw();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    private void writeQuietly(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            // standard error is gone: nothing left to tell
        }
    }

    private void flushQuietly() {
        try {
            out.flush();
        } catch (IOException e) {
            // as above
        }
    }
}
