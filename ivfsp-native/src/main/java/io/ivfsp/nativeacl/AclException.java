package io.ivfsp.nativeacl;

/** An ACL call returned an error. */
public final class AclException extends RuntimeException {

    /** {@code ACL_ERROR_INVALID_PARAM}. */
    public static final int INVALID_PARAM = 100000;
    /** {@code ACL_ERROR_REPEAT_INITIALIZE}; also what a second {@code aclopSetModelDir} returns. */
    public static final int REPEAT_INITIALIZE = 100002;

    private final String function;
    private final int code;

    /**
     * @param function the ACL function
     * @param code     its error value
     * @param detail   what it means here, including ACL's own message if any
     */
    public AclException(String function, int code, String detail) {
        super(function + " returned " + code + ": " + detail);
        this.function = function;
        this.code = code;
    }

    /** The ACL function that failed. */
    public String function() {
        return function;
    }

    /** The {@code aclError} value. */
    public int code() {
        return code;
    }

    static void check(String function, int code) {
        if (code != 0) {
            throw new AclException(function, code, NativeAcl.recentError().orElse("(no message from ACL)"));
        }
    }
}
