package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;
import io.ivfsp.ops.DimRange;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Checks a model directory the way mxIndex loads it: {@code aclopSetModelDir}, then
 * {@code aclopCreateHandle} for every expected op descriptor. A model mxIndex lacks surfaces late
 * and unclearly there ("op init failed"); this names it before the service starts.
 *
 * <pre>{@code
 * try (AclRuntime acl = AclRuntime.initialize()) {
 *     VerificationReport r = ModelVerifier.verify(acl, Path.of("/srv/ivfsp/modelpath"),
 *             OpCatalog.plan(config, EnumSet.allOf(ModelSet.class)));
 *     r.missing().forEach(c -> log.error("missing {} ({})", c.descriptor(), c.omFile()));
 * }
 * }</pre>
 */
public final class ModelVerifier {

    private ModelVerifier() {
    }

    /**
     * Loads {@code modelDir} into ACL and looks up every op of the plan.
     *
     * @throws IllegalStateException if the runtime is closed, or this process already set a model directory
     *                               (ACL allows one per process: verify each directory in its own process)
     * @throws AclException          if ACL refuses the directory (missing, or a path with a symbolic link)
     */
    public static VerificationReport verify(AclRuntime runtime, Path modelDir, ModelPlan plan) {
        if (runtime.isClosed()) {
            throw new IllegalStateException("the AclRuntime is closed");
        }
        Path dir = modelDir.toAbsolutePath();
        int rc;
        try (BytePointer path = NativeAcl.utf8(dir.toString())) {
            rc = AclLibrary.aclopSetModelDir(path);
        }
        if (rc == AclException.REPEAT_INITIALIZE) {
            throw new IllegalStateException("ACL loads one model directory per process and this process already set one"
                    + " (aclopSetModelDir(" + dir + ") returned " + rc + "); verify each directory in its own process");
        }
        AclException.check("aclopSetModelDir(" + dir + ")", rc);

        List<OpCheck> checks = new ArrayList<>();
        for (OpFile file : plan.files()) {
            List<String> oms = file.omFileNames();
            for (int i = 0; i < file.ops().size(); i++) {
                OpDesc op = file.ops().get(i);
                int error = lookUp(op);
                String message = error == 0 ? "" : NativeAcl.recentError().orElse("");
                checks.add(new OpCheck(file.set(), file.fileName(), i, op, oms.get(i), error, message));
            }
        }
        return new VerificationReport(dir, runtime.socName().orElse(""), checks);
    }

    /** {@code aclopCreateHandle} for one descriptor: 0 when a model matches, else ACL's error. */
    private static int lookUp(OpDesc op) {
        List<AclLibrary.aclTensorDesc> descs = new ArrayList<>();
        AclLibrary.aclopAttr attr = AclLibrary.aclopCreateAttr();
        try (BytePointer type = NativeAcl.utf8(op.opType());
             PointerPointer<AclLibrary.aclTensorDesc> inputs = new PointerPointer<>(Math.max(1, op.inputs().size()));
             PointerPointer<AclLibrary.aclTensorDesc> outputs = new PointerPointer<>(Math.max(1, op.outputs().size()))) {
            for (int i = 0; i < op.inputs().size(); i++) {
                AclLibrary.aclTensorDesc d = create(op.inputs().get(i));
                descs.add(d);
                inputs.put(i, d);
            }
            for (int i = 0; i < op.outputs().size(); i++) {
                AclLibrary.aclTensorDesc d = create(op.outputs().get(i));
                descs.add(d);
                outputs.put(i, d);
            }
            AclLibrary.aclopHandle handle = new AclLibrary.aclopHandle();
            int rc = AclLibrary.aclopCreateHandle(type, op.inputs().size(), inputs, op.outputs().size(), outputs,
                    attr, handle);
            if (rc == 0) {
                AclLibrary.aclopDestroyHandle(handle);
            }
            return rc;
        } finally {
            descs.forEach(AclLibrary::aclDestroyTensorDesc);
            AclLibrary.aclopDestroyAttr(attr);
        }
    }

    private static AclLibrary.aclTensorDesc create(TensorDesc t) {
        long[] dims = t.shape().stream().mapToLong(Long::longValue).toArray();
        AclLibrary.aclTensorDesc d;
        try (LongPointer p = new LongPointer(Math.max(1, dims.length))) {
            p.put(dims);
            d = AclLibrary.aclCreateTensorDesc(t.type().atcEnum(), dims.length, p, t.format().atcEnum());
        }
        if (d == null || d.isNull()) {
            throw new AclException("aclCreateTensorDesc", 100000, "cannot describe " + t);
        }
        if (!t.shapeRange().isEmpty()) {
            long[] ranges = new long[t.shapeRange().size() * 2];
            for (int i = 0; i < t.shapeRange().size(); i++) {
                DimRange r = t.shapeRange().get(i);
                ranges[2 * i] = r.min();
                ranges[2 * i + 1] = r.max();
            }
            try (LongPointer p = new LongPointer(ranges)) {
                AclException.check("aclSetTensorShapeRange", AclLibrary.aclSetTensorShapeRange(d, t.shapeRange().size(), p));
            }
        }
        return d;
    }
}
