package io.ivfsp.nativeacl.bind;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
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
 * Strings cross as {@link BytePointer}s the callers encode and decode as UTF-8. The JNI library is
 * loaded by {@link io.ivfsp.nativeacl.NativeAcl#ensureAvailability()}, never by this class.
 */
@Platform(include = {"acl/acl.h", "acl/acl_op.h", "acl/acl_op_compiler.h", "ivfsp_glue.h"}, link = "ascendcl")
public final class AclLibrary {

    private AclLibrary() {
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

    public static native int ivfsp_atc_main(Pointer address, int argc,
                                            @Cast("const char*const*") PointerPointer<?> argv);

    public static native int ivfsp_setenv(@Cast("const char*") BytePointer name, @Cast("const char*") BytePointer value);
}
