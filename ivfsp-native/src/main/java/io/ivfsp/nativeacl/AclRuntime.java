package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;

import java.util.Optional;

import org.bytedeco.javacpp.IntPointer;

/**
 * ACL initialized for this process ({@code aclInit} ... {@code aclFinalize}). ACL is process-global:
 * one runtime may be open at a time.
 *
 * <pre>{@code
 * try (AclRuntime acl = AclRuntime.initialize()) {
 *     String soc = acl.socName().orElseThrow();       // the --soc_version to compile for
 * }
 * }</pre>
 */
public final class AclRuntime implements AutoCloseable {

    private static AclRuntime open;

    private boolean closed;

    private AclRuntime() {
    }

    /**
     * Initializes ACL.
     *
     * @throws NativeUnavailableException if the binding cannot load
     * @throws IllegalStateException      if a runtime is already open in this process
     * @throws AclException               if {@code aclInit} fails
     */
    public static AclRuntime initialize() {
        NativeAcl.ensureAvailability();
        synchronized (AclRuntime.class) {
            if (open != null) {
                throw new IllegalStateException("ACL is already initialized in this process; close that AclRuntime first");
            }
            AclException.check("aclInit", AclLibrary.aclInit(null));
            open = new AclRuntime();
            return open;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this AclRuntime is closed");
        }
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
        return closed;
    }

    /** Finalizes ACL; closing twice is harmless. */
    @Override
    public void close() {
        synchronized (AclRuntime.class) {
            if (closed) {
                return;
            }
            closed = true;
            open = null;
            AclException.check("aclFinalize", AclLibrary.aclFinalize());
        }
    }

    /** A device set with {@link AclRuntime#setDevice(int)}; closing resets it. */
    public static final class AclDevice implements AutoCloseable {
        private final int id;
        private boolean closed;

        private AclDevice(int id) {
            this.id = id;
        }

        /** The device id. */
        public int id() {
            return id;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                AclException.check("aclrtResetDevice", AclLibrary.aclrtResetDevice(id));
            }
        }
    }
}
