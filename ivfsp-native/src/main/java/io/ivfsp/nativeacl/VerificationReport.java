package io.ivfsp.nativeacl;

import java.nio.file.Path;
import java.util.List;

/**
 * Which expected ops a model directory serves, as ACL (and so mxIndex) sees it.
 *
 * @param directory the model directory
 * @param socName   the SoC ACL reported
 * @param checks    one per expected op, in plan order
 * @param skipped   the {@code .om} files ACL could not load (it skips them too, with a warning)
 */
public record VerificationReport(Path directory, String socName, List<OpCheck> checks, List<SkippedModel> skipped) {

    public VerificationReport {
        checks = List.copyOf(checks);
        skipped = List.copyOf(skipped);
    }

    /** The ops no loaded model matches. */
    public List<OpCheck> missing() {
        return checks.stream().filter(c -> !c.present()).toList();
    }

    /** The ops ACL served before the directory was loaded: the directory's own answer for them is unknown. */
    public List<OpCheck> loadedBefore() {
        return checks.stream().filter(OpCheck::loadedBefore).toList();
    }

    /** Whether every expected op has a model. */
    public boolean isComplete() {
        return missing().isEmpty();
    }

    /**
     * A model file that was not loaded.
     *
     * @param file   the file
     * @param reason why: too large, unreadable, or ACL's error for it
     */
    public record SkippedModel(Path file, String reason) {
    }
}
