package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the ACL binding once, on first use, and says whether it is there. {@code ivfsp-core} never
 * needs it; everything native goes through here.
 *
 * <p>Search order: JavaCPP's loader finds the JNI library {@code jniAclLibrary} for this platform on
 * the class path (extracting it to its cache, {@code org.bytedeco.javacpp.cachedir}) or on
 * {@code java.library.path}; the dynamic linker then finds {@code libascendcl.so} on
 * {@code LD_LIBRARY_PATH}, which must hold the toolkit's {@code lib64}
 * ({@code source <toolkit>/set_env.sh} sets it). The system property {@value #DISABLE_PROPERTY}
 * {@code =true} turns the binding off.
 *
 * <pre>{@code
 * if (NativeAcl.isAvailable()) { ... } else { log.info("no ACL: {}", NativeAcl.unavailabilityCause().get()); }
 * }</pre>
 */
public final class NativeAcl {

    /** Setting this system property to {@code true} makes the binding unavailable. */
    public static final String DISABLE_PROPERTY = "ivfsp.native.disable";

    private static boolean probed;
    private static NativeUnavailableException cause;

    private NativeAcl() {
    }

    /** Whether the ACL binding loaded; probes once. */
    public static synchronized boolean isAvailable() {
        probe();
        return cause == null;
    }

    /** Why the binding is unavailable, or empty when it is available. */
    public static synchronized Optional<NativeUnavailableException> unavailabilityCause() {
        probe();
        return Optional.ofNullable(cause);
    }

    /**
     * @throws NativeUnavailableException listing every load attempt and what to set, if the binding is unavailable
     */
    public static void ensureAvailability() {
        Optional<NativeUnavailableException> why = unavailabilityCause();
        if (why.isPresent()) {
            NativeUnavailableException e = new NativeUnavailableException(why.get().getMessage());
            for (Throwable t : why.get().getSuppressed()) {
                e.addSuppressed(t);
            }
            throw e;
        }
    }

    private static void probe() {
        if (probed) {
            return;
        }
        probed = true;
        List<String> attempts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        if (Boolean.getBoolean(DISABLE_PROPERTY)) {
            attempts.add("none: disabled by -D" + DISABLE_PROPERTY + "=true");
        } else {
            try {
                Loader.load(AclLibrary.class);
                return;
            } catch (Throwable t) {
                errors.add(t);
                attempts.add("JavaCPP Loader.load(" + AclLibrary.class.getName() + ") for platform "
                        + Loader.getPlatform() + ": " + causes(t));
            }
        }
        StringBuilder sb = new StringBuilder("the ACL binding (ivfsp-native) is unavailable.");
        for (int i = 0; i < attempts.size(); i++) {
            sb.append(System.lineSeparator()).append("  attempt ").append(i + 1).append(": ").append(attempts.get(i));
        }
        sb.append(System.lineSeparator()).append("  LD_LIBRARY_PATH=").append(Optional.ofNullable(System.getenv("LD_LIBRARY_PATH")).orElse("(unset)"))
                .append(System.lineSeparator()).append("  java.library.path=").append(System.getProperty("java.library.path"))
                .append(System.lineSeparator()).append("To use it, install the CANN toolkit and start the JVM with its lib64 on LD_LIBRARY_PATH")
                .append(" (e.g. source /usr/local/Ascend/ascend-toolkit/set_env.sh, or LD_LIBRARY_PATH=")
                .append("/usr/local/Ascend/ascend-toolkit/latest/lib64); ivfsp-core works without it.");
        cause = new NativeUnavailableException(sb.toString());
        errors.forEach(cause::addSuppressed);
    }

    /** Every message of a cause chain: the loader's last fallback often hides the real reason deeper down. */
    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t));
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable c = t.getCause(); c != null && seen.add(c); c = c.getCause()) {
            sb.append("; caused by ").append(c);
        }
        for (Throwable s : t.getSuppressed()) {
            sb.append("; also ").append(s);
        }
        return sb.toString();
    }

    /** A Java string as a NUL-terminated UTF-8 C string. */
    static BytePointer utf8(String s) {
        return new BytePointer(s, StandardCharsets.UTF_8);
    }

    /** A C string as UTF-8, or empty for NULL. */
    static Optional<String> string(BytePointer p) {
        return p == null || p.isNull() ? Optional.empty() : Optional.of(p.getString(StandardCharsets.UTF_8));
    }

    /** ACL's last error message, or empty. */
    static Optional<String> recentError() {
        return string(AclLibrary.aclGetRecentErrMsg());
    }
}
