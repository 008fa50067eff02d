package io.ivfsp.store;

import io.ivfsp.compile.AtcArguments;
import io.ivfsp.files.Sha256Digest;
import io.ivfsp.ops.OpFile;

import java.nio.charset.StandardCharsets;

/**
 * The cache key of one single-op JSON file: SHA-256 over the JSON bytes, the SoC version, the ATC
 * options that are not paths ({@code --soc_version}, {@code --log}), the backend name and the
 * backend's identity (for ATC: the toolkit's {@code opp/version.info} and the content of
 * {@code bin/atc}). A toolkit upgrade or another SoC changes it; nothing else does.
 */
public final class CacheKey {

    private CacheKey() {
    }

    /** The key, lower-case hex. */
    public static String of(OpFile file, String socVersion, String backend, String backendIdentity) {
        // Plain-Java SHA-256: the same digest, without the JCA lookup a fresh JVM's warm run would pay ~20 ms for.
        Sha256Digest md = new Sha256Digest();
        update(md, "ivfsp-cache-key-1");
        md.update(file.jsonBytes());
        update(md, AtcArguments.socVersion(socVersion));
        update(md, AtcArguments.log(file).orElse("(no --log)"));
        update(md, backend);
        update(md, backendIdentity);
        return md.hex();
    }

    private static void update(Sha256Digest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update((byte) (b.length >>> 24));
        md.update((byte) (b.length >>> 16));
        md.update((byte) (b.length >>> 8));
        md.update((byte) b.length);
        md.update(b);
    }
}
