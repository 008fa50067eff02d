package io.ivfsp.remote;

import io.ivfsp.ops.OpFile;

import java.util.List;

/** Some models of a fetch are missing or bad in the registry; nothing was installed. */
public final class MissingModelsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Missing> missing;

    /** One model content the registry was asked for and what is wrong with it. */
    public record Missing(OpFile file, String key, String reason) {
    }

    MissingModelsException(List<Missing> missing) {
        super(missing.size() + " model contents missing or bad in the registry, first "
                + missing.get(0).file().fileName() + " (key " + missing.get(0).key() + "): " + missing.get(0).reason());
        this.missing = List.copyOf(missing);
    }

    /** Each missing or bad content. */
    public List<Missing> missing() {
        return missing;
    }
}
