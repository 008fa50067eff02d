package io.ivfsp.json;

/**
 * Text that is not valid JSON, or exceeds a {@link JsonReader}'s limits. The message names the
 * offset and the problem, e.g. {@code invalid JSON at offset 7: leading zero in a number}.
 */
public final class InvalidJsonException extends IllegalArgumentException {

    private final int offset;
    private final String problem;

    /**
     * @param offset  where in the text the problem is, in chars from the start
     * @param problem what is wrong there, in words
     */
    public InvalidJsonException(int offset, String problem) {
        super("invalid JSON at offset " + offset + ": " + bounded(problem));
        this.offset = offset;
        this.problem = bounded(problem);
    }

    /** The most of a problem's text kept: it may quote the input (a number, a key), which is untrusted and unbounded. */
    static final int MAX_PROBLEM_CHARS = 200;

    private static String bounded(String problem) {
        return problem.length() <= MAX_PROBLEM_CHARS ? problem
                : problem.substring(0, MAX_PROBLEM_CHARS) + "... (" + problem.length() + " chars)";
    }

    /** Where in the text the problem is, in chars from the start. */
    public int offset() {
        return offset;
    }

    /** What is wrong, without the offset. */
    public String problem() {
        return problem;
    }
}
