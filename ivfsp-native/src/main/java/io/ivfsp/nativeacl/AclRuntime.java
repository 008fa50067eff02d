package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.bytedeco.javacpp.IntPointer;

/**
 * One user's share of ACL in this process ({@code aclInit} ... {@code aclFinalize}). ACL's state is
 * process-global and usually owned by the host (a service that embeds mxIndex calls {@code aclInit},
 * {@code aclopSetModelDir} and {@code aclFinalize} itself), so this class shares it:
 *
 * <ul>
 *   <li>The first {@link #initialize()} in the JVM calls {@code aclInit}. If ACL answers
 *       {@code ACL_ERROR_REPEAT_INITIALIZE} (100002), someone else initialized it: the runtime is
 *       <em>borrowed</em> and this library never finalizes it.</li>
 *   <li>Every {@code initialize()} counts one user; {@link #close()} (idempotent, thread-safe) counts
 *       it off. When the last user closes, {@code aclFinalize} runs if, and only if, this library's
 *       {@code aclInit} initialized ACL.</li>
 *   <li>ACL cannot be initialized again in a process after {@code aclFinalize} (older toolkits refuse
 *       it, and the mock CANN does too), so after this library finalized, {@code initialize()} throws.
 *       A service that wants ACL for longer should call {@code aclInit} itself first (the library then
 *       borrows it), or keep one {@code AclRuntime} open for its life.</li>
 * </ul>
 *
 * <pre>{@code
 * try (AclRuntime acl = AclRuntime.initialize()) {
 *     String soc = acl.socName().orElseThrow();       // the --soc_version to compile for
 * }
 * }</pre>
 */
public final class AclRuntime implements AutoCloseable {

    private static final Object LOCK = new Object();
    /** Open runtimes in this JVM. Guarded by LOCK. */
    private static int users;
    /** Whether ACL is initialized by this library's aclInit (and so finalized by it). Guarded by LOCK. */
    private static boolean owned;
    /** Whether this library called aclFinalize: ACL cannot come back in this process. Guarded by LOCK. */
    private static boolean finalized;

    private final boolean borrowed;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AclRuntime(boolean borrowed) {
        this.borrowed = borrowed;
    }

    /**
     * Joins ACL: initializes it if nobody did, else borrows it.
     *
     * @throws NativeUnavailableException if the binding cannot load
     * @throws IllegalStateException      if this library already finalized ACL in this process
     * @throws AclException               if {@code aclInit} fails other than with 100002
     */
    public static AclRuntime initialize() {
        NativeAcl.ensureAvailability();
        synchronized (LOCK) {
            if (finalized) {
                throw new IllegalStateException("ACL was finalized in this process when its last AclRuntime closed,"
                        + " and ACL cannot be initialized again in one process; keep an AclRuntime open for as long"
                        + " as ACL is needed, or initialize ACL in the host (aclInit) before using ivfsp-native");
            }
            if (users == 0) {
                int rc = AclLibrary.aclInit(null);
                if (rc == AclException.REPEAT_INITIALIZE) {
                    owned = false;
                } else {
                    AclException.check("aclInit", rc);
                    owned = true;
                }
            }
            users++;
            return new AclRuntime(!owned);
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this AclRuntime is closed");
        }
    }

    /**
     * Whether ACL was already initialized by someone else (the host) when this library first joined it;
     * a borrowed ACL is never finalized by this library.
     */
    public boolean isBorrowed() {
        return borrowed;
    }

    /** The SoC ACL reports, e.g. {@code Ascend310P3}: the {@code --soc_version} models must be compiled for. */
    public Optional<String> socName() {
        requireOpen();
        return NativeAcl.string(AclLibrary.aclrtGetSocName());
    }

    /** How many devices ACL sees. */
    public int deviceCount() {
        requireOpen();
        try (IntPointer count = new IntPointer(1)) {
            AclException.check("aclrtGetDeviceCount", AclLibrary.aclrtGetDeviceCount(count));
            return count.get();
        }
    }

    /**
     * Sets the current device; closing the result resets it.
     *
     * @throws AclException if ACL refuses the device
     */
    public AclDevice setDevice(int deviceId) {
        requireOpen();
        AclException.check("aclrtSetDevice", AclLibrary.aclrtSetDevice(deviceId));
        return new AclDevice(deviceId);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Leaves ACL. The last user to leave finalizes it if this library initialized it. Closing twice, or
     * from several threads at once, counts once.
     *
     * @throws AclException if {@code aclFinalize} fails (this runtime is closed all the same)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (LOCK) {
            users--;
            if (users == 0 && owned) {
                owned = false;
                finalized = true;
                AclException.check("aclFinalize", AclLibrary.aclFinalize());
            }
        }
    }

    /** A device set with {@link AclRuntime#setDevice(int)}; closing resets it. */
    public static final class AclDevice implements AutoCloseable {
        private final int id;
        private final AtomicBoolean closed = new AtomicBoolean();

        private AclDevice(int id) {
            this.id = id;
        }

        /** The device id. */
        public int id() {
            return id;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                AclException.check("aclrtResetDevice", AclLibrary.aclrtResetDevice(id));
            }
        }
    }
}
