package io.ivfsp.generate;

/** The order in which a generator starts its jobs. */
public enum Scheduling {
    /**
     * Longest expected compile time first (recorded in the manifest, else estimated from the shapes):
     * the long jobs start at once and the short ones fill the gaps. The default.
     */
    LONGEST_FIRST,
    /** The plan's order, which is the reference scripts' order: for comparisons. */
    PLAN_ORDER
}
