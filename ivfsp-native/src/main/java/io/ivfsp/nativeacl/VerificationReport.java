package io.ivfsp.nativeacl;

import java.nio.file.Path;
import java.util.List;

/**
 * Which expected ops a model directory serves, as ACL (and so mxIndex) sees it.
 *
 * @param directory the model directory
 * @param socName   the SoC ACL reported
 * @param checks    one per expected op, in plan order
 */
public record VerificationReport(Path directory, String socName, List<OpCheck> checks) {

    public VerificationReport {
        checks = List.copyOf(checks);
    }

    /** The ops no loaded model matches. */
    public List<OpCheck> missing() {
        return checks.stream().filter(c -> !c.present()).toList();
    }

    /** Whether every expected op has a model. */
    public boolean isComplete() {
        return missing().isEmpty();
    }
}
