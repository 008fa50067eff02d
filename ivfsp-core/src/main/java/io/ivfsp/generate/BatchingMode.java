package io.ivfsp.generate;

/**
 * Whether small single-op jobs of one set may share one compiler call, paying ATC's start-up once.
 * Each model of a shared call is still checked, renamed to the name it has alone and recorded for
 * its own file; an op the call did not produce is compiled alone and reported as its own job.
 */
public enum BatchingMode {
    /**
     * Share calls only where the cost model predicts a shorter makespan: learned from the compile times
     * the manifests recorded, or, without them, the static guess and only calls that cannot take longer
     * than the longest unshared job whatever the real costs. The default.
     */
    AUTO,
    /** Share calls in the packing the cost model predicts best, even when it predicts no gain. */
    ALWAYS,
    /** One call per job. */
    NEVER
}
