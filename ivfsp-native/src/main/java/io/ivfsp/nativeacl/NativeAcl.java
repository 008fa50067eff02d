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
 * <p>Search order: {@link AclLibrary}'s static initializer has JavaCPP's loader find the JNI library
 * {@code jniAclLibrary} for this platform on the class path, in the platform jar
 * {@code ivfsp-native-<version>-<platform>.jar} (extracting it to its cache, {@code ~/.javacpp/cache}
 * or {@code org.bytedeco.javacpp.cachedir}), or on {@code java.library.path}; the dynamic linker then finds {@code libascendcl.so} on
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
                // AclLibrary loads its JNI library in its static initializer (JavaCPP's Loader.load()).
                Class.forName(AclLibrary.class.getName(), true, AclLibrary.class.getClassLoader());
                return;
            } catch (Throwable t) {
                Throwable why = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
                errors.add(why);
                attempts.add("JavaCPP Loader.load(" + AclLibrary.class.getName() + ") for platform "
                        + Loader.getPlatform() + ": " + causes(why));
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

    /** What the mock CANN's libascendcl.so says it is, or empty for a real ACL (or no binding). */
    static Optional<String> mockCannIdentity() {
        if (!isAvailable()) {
            return Optional.empty();
        }
        return mockIdentity(ACL_LIBRARY);
    }

    /** The file name the dynamic linker finds ACL by. */
    static final String ACL_LIBRARY = "libascendcl.so";
    /** The symbol only the mock CANN exports; its function returns the mock's version string. */
    static final String MOCK_SYMBOL = "ivfsp_mock_cann_identity";

    /** What {@code library}'s mock identity function returns, or empty when it exports none (a real toolkit). */
    static Optional<String> mockIdentity(String library) {
        return symbol(library, MOCK_SYMBOL).map(AclLibrary::ivfsp_call_string).flatMap(NativeAcl::string);
    }

    private static final java.util.Map<String, Optional<org.bytedeco.javacpp.Pointer>> SYMBOLS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, String> SYMBOL_ERRORS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The address of {@code symbol} in {@code library}, looked up once per process: the library is
     * opened on the first look-up and stays open (ACL libraries are never unloaded).
     */
    static Optional<org.bytedeco.javacpp.Pointer> symbol(String library, String symbol) {
        ensureAvailability();
        return SYMBOLS.computeIfAbsent(library + '\0' + symbol, k -> {
            try (BytePointer lib = utf8(library); BytePointer sym = utf8(symbol); BytePointer error = new BytePointer(1024)) {
                org.bytedeco.javacpp.Pointer p = AclLibrary.ivfsp_find_symbol(lib, sym, error, 1024);
                if (p == null || p.isNull()) {
                    SYMBOL_ERRORS.put(k, string(error).orElse(""));
                    return Optional.empty();
                }
                return Optional.of(p);
            }
        });
    }

    /** Why {@link #symbol} found nothing (the dynamic linker's message), or empty. */
    static String symbolError(String library, String symbol) {
        return SYMBOL_ERRORS.getOrDefault(library + '\0' + symbol, "");
    }

    /** A Java string as a NUL-terminated UTF-8 C string. */
    static BytePointer utf8(String s) {
        return new BytePointer(s, StandardCharsets.UTF_8);
    }

    /** A C string as UTF-8, or empty for NULL. */
    static Optional<String> string(BytePointer p) {
        if (p == null || p.isNull()) {
            return Optional.empty();
        }
        // A buffer allocated here has a limit, and getString reads to it: the C string ends at its NUL.
        String s = p.getString(StandardCharsets.UTF_8);
        int nul = s.indexOf('\0');
        return Optional.of(nul < 0 ? s : s.substring(0, nul));
    }

    /** ACL's last error message, or empty. */
    static Optional<String> recentError() {
        return string(AclLibrary.aclGetRecentErrMsg());
    }
}
