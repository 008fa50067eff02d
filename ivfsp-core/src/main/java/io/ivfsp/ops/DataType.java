package io.ivfsp.ops;

/**
 * A tensor data type: its spelling in single-op JSON and its {@code ge::DataType} number, which ATC
 * puts in {@code .om} file names and ACL uses as {@code aclDataType}.
 */
public enum DataType {
    /** {@code "float"}: the spelling one AICPU output uses; the same type as {@link #FLOAT32}. */
    FLOAT("float", 0),
    FLOAT32("float32", 0),
    FLOAT16("float16", 1),
    INT8("int8", 2),
    INT32("int32", 3),
    UINT8("uint8", 4),
    INT16("int16", 6),
    UINT16("uint16", 7),
    UINT32("uint32", 8),
    INT64("int64", 9),
    UINT64("uint64", 10),
    DOUBLE("double", 11),
    BOOL("bool", 12);

    private final String jsonName;
    private final int atcEnum;

    DataType(String jsonName, int atcEnum) {
        this.jsonName = jsonName;
        this.atcEnum = atcEnum;
    }

    /** The {@code "type"} string in single-op JSON. */
    public String jsonName() {
        return jsonName;
    }

    /** The numeric value ATC and ACL use. */
    public int atcEnum() {
        return atcEnum;
    }
}
