package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;
import io.ivfsp.ops.DimRange;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a model directory the way mxIndex will load it, without taking its one
 * {@code aclopSetModelDir} away: it reads the {@code .om} files as ACL scans a model directory (up to
 * three levels, regular files only, never through a symbolic link), loads each from memory with
 * {@code aclopLoad}, and then asks {@code aclopCreateHandle} for every expected op descriptor. A model
 * mxIndex lacks surfaces late and unclearly there ("op init failed"); this names it before the
 * service starts.
 *
 * <p>Inside a service, in this order: {@code aclInit} (the host's, or {@link AclRuntime#initialize()}),
 * then {@code verify} as often as needed, then the host's own {@code aclopSetModelDir}, which still
 * succeeds because verification never calls it. ACL cannot unload models: what verification loaded
 * stays loaded in the process, and ops that were already served before a verification (by the host's
 * model directory or an earlier verification) are reported as {@link OpCheck#loadedBefore()}, since the
 * directory's own answer for them cannot be told apart. For an exact answer per directory, verify in a
 * fresh process ({@code ivfsp verify}).
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

    private static final Logger LOG = LoggerFactory.getLogger(ModelVerifier.class);

    /** How deep ACL scans a model directory: files in it and in two levels of directories below. */
    static final int SCAN_DEPTH = 3;
    /** Larger files are skipped unread (a single-op model is kilobytes to a few megabytes). */
    static final long MAX_MODEL_BYTES = 256L << 20;
    /** At most this many model files are read from one directory. */
    static final int MAX_MODEL_FILES = 100_000;

    private ModelVerifier() {
    }

    /**
     * Loads the models of {@code modelDir} into ACL from memory and looks up every op of the plan.
     *
     * @throws IllegalStateException if the runtime is closed
     * @throws AclException          with {@code ACL_ERROR_INVALID_PARAM} (100000) if ACL would refuse the
     *                               directory: not a directory, or a path with a symbolic link
     * @throws UncheckedIOException  if the directory cannot be read
     */
    public static VerificationReport verify(AclRuntime runtime, Path modelDir, ModelPlan plan) {
        if (runtime.isClosed()) {
            throw new IllegalStateException("the AclRuntime is closed");
        }
        Path dir = modelDir.toAbsolutePath().normalize();
        checkDirectory(dir);

        List<OpDesc> ops = new ArrayList<>();
        plan.files().forEach(f -> ops.addAll(f.ops()));
        List<Integer> before = new ArrayList<>();
        for (OpDesc op : ops) {
            before.add(lookUp(op));
        }
        List<VerificationReport.SkippedModel> skipped = new ArrayList<>();
        int loaded = load(dir, skipped);
        LOG.debug("loaded {} model(s) from {}, skipped {}", loaded, dir, skipped.size());

        List<OpCheck> checks = new ArrayList<>();
        int k = 0;
        for (OpFile file : plan.files()) {
            List<String> oms = file.omFileNames();
            for (int i = 0; i < file.ops().size(); i++, k++) {
                OpDesc op = file.ops().get(i);
                int error = lookUp(op);
                String message = error == 0 ? "" : NativeAcl.recentError().orElse("");
                checks.add(new OpCheck(file.set(), file.fileName(), i, op, oms.get(i), error, message, before.get(k) == 0));
            }
        }
        return new VerificationReport(dir, runtime.socName().orElse(""), checks, skipped);
    }

    private static void checkDirectory(Path dir) {
        try {
            if (Files.exists(dir) && !dir.toRealPath().equals(dir)) {
                throw new AclException("aclopSetModelDir", AclException.INVALID_PARAM, "model directory " + dir
                        + " contains a symbolic link, which ACL refuses (give the real path " + dir.toRealPath() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the model directory " + dir, e);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new AclException("aclopSetModelDir", AclException.INVALID_PARAM, "model directory " + dir
                    + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? " is not a directory" : " does not exist")
                    + " (checked by ivfsp as ACL checks it)");
        }
    }

    /** Reads and loads every model file ACL would; returns how many loaded. */
    private static int load(Path dir, List<VerificationReport.SkippedModel> skipped) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(dir, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), SCAN_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".om")) {
                                if (files.size() >= MAX_MODEL_FILES) {
                                    skip(skipped, file, "more than " + MAX_MODEL_FILES + " model files in the directory");
                                } else if (attrs.size() > MAX_MODEL_BYTES) {
                                    skip(skipped, file, attrs.size() + " bytes, more than " + MAX_MODEL_BYTES);
                                } else {
                                    files.add(file);
                                }
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (file.getFileName() != null && file.getFileName().toString().endsWith(".om")) {
                                skip(skipped, file, String.valueOf(e));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model directory " + dir, e);
        }
        files.sort(null);
        int loaded = 0;
        for (Path file : files) {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes((int) MAX_MODEL_BYTES + 1);
            } catch (IOException e) {
                skip(skipped, file, String.valueOf(e));
                continue;
            }
            if (bytes.length == 0 || bytes.length > MAX_MODEL_BYTES) {
                skip(skipped, file, bytes.length == 0 ? "empty" : "grew past " + MAX_MODEL_BYTES + " bytes while read");
                continue;
            }
            int rc;
            try (BytePointer data = new BytePointer(bytes)) {
                rc = AclLibrary.aclopLoad(data, bytes.length);
            }
            if (rc != 0) {
                skip(skipped, file, "aclopLoad returned " + rc + NativeAcl.recentError().map(m -> ": " + m).orElse(""));
            } else {
                loaded++;
            }
        }
        return loaded;
    }

    private static void skip(List<VerificationReport.SkippedModel> skipped, Path file, String reason) {
        LOG.warn("skipping unreadable model {}: {}", file, reason);
        skipped.add(new VerificationReport.SkippedModel(file, reason));
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
            throw new AclException("aclCreateTensorDesc", AclException.INVALID_PARAM, "cannot describe " + t
                    + NativeAcl.recentError().map(m -> ": " + m).orElse(""));
        }
        if (!t.shapeRange().isEmpty()) {
            long[] ranges = new long[t.shapeRange().size() * 2];
            for (int i = 0; i < t.shapeRange().size(); i++) {
                DimRange r = t.shapeRange().get(i);
                ranges[2 * i] = r.min();
                ranges[2 * i + 1] = r.max();
            }
            int rc;
            try (LongPointer p = new LongPointer(ranges)) {
                rc = AclLibrary.aclSetTensorShapeRange(d, t.shapeRange().size(), p);
            }
            if (rc != 0) {
                AclLibrary.aclDestroyTensorDesc(d); // the caller only frees descriptors it was given
                AclException.check("aclSetTensorShapeRange", rc);
            }
        }
        return d;
    }
}
