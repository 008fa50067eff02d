package io.ivfsp.nativeacl.bind;

import java.util.Optional;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.ByPtrPtr;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The bound subset of CANN's ACL C API, hand-written (a dozen functions), plus the thin glue of
 * {@code ivfsp_glue.h}. Internal: use {@link io.ivfsp.nativeacl.NativeAcl} and the types beside it.
 * Strings cross as {@link BytePointer}s the callers encode and decode as UTF-8.
 *
 * <p>The class loads its JNI library itself when it is first used (JavaCPP's {@link Loader#load()}),
 * so a host may call, say, {@link #aclInit} through it before anything else of ivfsp-native runs. If
 * the JNI library for this platform is not on the class path, the {@link UnsatisfiedLinkError} names
 * the platform jar to add ({@code ivfsp-native-<version>-<platform>.jar}).
 */
@Platform(include = {"acl/acl.h", "acl/acl_op.h", "acl/acl_op_compiler.h", "ivfsp_glue.h"}, link = "ascendcl")
public final class AclLibrary {

    /** The JavaCPP platforms a platform jar exists for. */
    public static final java.util.List<String> PLATFORMS = java.util.List.of("linux-x86_64", "linux-arm64");

    static {
        try {
            Loader.load();
        } catch (UnsatisfiedLinkError e) {
            throw explain(e);
        }
    }

    private AclLibrary() {
    }

    /** The loader's error, with the platform jar that is missing when the JNI library is not on the class path. */
    private static UnsatisfiedLinkError explain(UnsatisfiedLinkError e) {
        String platform = Loader.getPlatform();
        String resource = platform + "/" + System.mapLibraryName("jni" + AclLibrary.class.getSimpleName());
        if (AclLibrary.class.getResource(resource) != null) {
            return e; // the JNI library is there: the cause is further down (libascendcl.so on LD_LIBRARY_PATH)
        }
        String version = Optional.ofNullable(AclLibrary.class.getPackage().getImplementationVersion()).orElse("<version>");
        String jar = "ivfsp-native-" + version + "-" + platform + ".jar";
        String message = PLATFORMS.contains(platform)
                ? "the platform jar " + jar + " is not on the class path (no " + AclLibrary.class.getPackageName()
                  .replace('.', '/') + "/" + resource + "): add the dependency io.ivfsp:ivfsp-native:" + version
                  + " with <classifier>" + platform + "</classifier> (or ${javacpp.platform}) beside ivfsp-native"
                : "ivfsp-native has no JNI library for the platform " + platform + "; platform jars exist for "
                  + String.join(" and ", PLATFORMS);
        UnsatisfiedLinkError better = new UnsatisfiedLinkError(message + " [" + e.getMessage() + "]");
        better.initCause(e);
        return better;
    }

    /** {@code aclTensorDesc}. */
    @Opaque
    public static final class aclTensorDesc extends Pointer {
        /** A null descriptor, filled by the functions that return one. */
        public aclTensorDesc() {
            super((Pointer) null);
        }

        /** @param p the address */
        public aclTensorDesc(Pointer p) {
            super(p);
        }
    }

    /** {@code aclopAttr}. */
    @Opaque
    public static final class aclopAttr extends Pointer {
        /** A null attribute set. */
        public aclopAttr() {
            super((Pointer) null);
        }

        /** @param p the address */
        public aclopAttr(Pointer p) {
            super(p);
        }
    }

    /** {@code aclopHandle}. */
    @Opaque
    public static final class aclopHandle extends Pointer {
        /** A null handle, filled by {@link #aclopCreateHandle}. */
        public aclopHandle() {
            super((Pointer) null);
        }

        /** @param p the address */
        public aclopHandle(Pointer p) {
            super(p);
        }
    }

    public static native int aclInit(@Cast("const char*") BytePointer configPath);

    public static native int aclFinalize();

    public static native @Cast("const char*") BytePointer aclrtGetSocName();

    public static native int aclrtGetDeviceCount(@Cast("uint32_t*") IntPointer count);

    public static native int aclrtSetDevice(int deviceId);

    public static native int aclrtResetDevice(int deviceId);

    public static native int aclopSetModelDir(@Cast("const char*") BytePointer modelDir);

    public static native int aclopLoad(@Cast("const void*") Pointer model, @Cast("size_t") long modelSize);

    public static native aclTensorDesc aclCreateTensorDesc(@Cast("aclDataType") int dataType, int numDims,
                                                           @Cast("const int64_t*") LongPointer dims,
                                                           @Cast("aclFormat") int format);

    public static native void aclDestroyTensorDesc(aclTensorDesc desc);

    public static native int aclSetTensorShapeRange(aclTensorDesc desc, @Cast("size_t") long dimsCount,
                                                    @Cast("int64_t(*)[ACL_TENSOR_SHAPE_RANGE_NUM]") LongPointer ranges);

    public static native aclopAttr aclopCreateAttr();

    public static native void aclopDestroyAttr(aclopAttr attr);

    public static native int aclopCreateHandle(@Cast("const char*") BytePointer opType, int numInputs,
                                               @Cast("const aclTensorDesc*const*") PointerPointer<?> inputs,
                                               int numOutputs,
                                               @Cast("const aclTensorDesc*const*") PointerPointer<?> outputs,
                                               aclopAttr attr, @ByPtrPtr aclopHandle handle);

    public static native void aclopDestroyHandle(aclopHandle handle);

    public static native @Cast("const char*") BytePointer aclGetRecentErrMsg();

    public static native Pointer ivfsp_find_symbol(@Cast("const char*") BytePointer library,
                                                   @Cast("const char*") BytePointer symbol,
                                                   @Cast("char*") BytePointer error, int errorLength);

    public static native int ivfsp_library_file(Pointer address, @Cast("char*") BytePointer path, int pathLength);

    public static native @Cast("const char*") BytePointer ivfsp_call_string(Pointer address);

    public static native int ivfsp_atc_main(Pointer address, int argc,
                                            @Cast("const char*const*") PointerPointer<?> argv);

    public static native @Cast("const char*") BytePointer ivfsp_getenv(@Cast("const char*") BytePointer name);

    public static native int ivfsp_setenv(@Cast("const char*") BytePointer name, @Cast("const char*") BytePointer value);

    public static native int ivfsp_capture_begin(@Cast("const char*") BytePointer path, IntPointer saved);

    public static native void ivfsp_capture_end(IntPointer saved);
}
