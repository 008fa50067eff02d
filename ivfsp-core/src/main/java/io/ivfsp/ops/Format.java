package io.ivfsp.ops;

/** A tensor format: its spelling in single-op JSON and its {@code ge::Format} / {@code aclFormat} number. */
public enum Format {
    /** Plain n-dimensional layout; every IVFSP tensor uses it. */
    ND("ND", 2);

    private final String jsonName;
    private final int atcEnum;

    Format(String jsonName, int atcEnum) {
        this.jsonName = jsonName;
        this.atcEnum = atcEnum;
    }

    /** The {@code "format"} string in single-op JSON. */
    public String jsonName() {
        return jsonName;
    }

    /** The numeric value ATC and ACL use. */
    public int atcEnum() {
        return atcEnum;
    }
}
