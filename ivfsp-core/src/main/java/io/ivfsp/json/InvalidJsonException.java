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
        super("invalid JSON at offset " + offset + ": " + problem);
        this.offset = offset;
        this.problem = problem;
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
