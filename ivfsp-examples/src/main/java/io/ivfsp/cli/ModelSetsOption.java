package io.ivfsp.cli;

import io.ivfsp.config.ModelSet;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code --sets} option of the commands that take model sets by name (verify, fetch, publish). */
final class ModelSetsOption {

    private ModelSetsOption() {
    }

    /**
     * The sets {@code names} name; each bad name, or none at all when nothing else is wrong yet, is added
     * to {@code problems}.
     */
    static Set<ModelSet> read(List<String> names, List<String> problems) {
        Set<ModelSet> chosen = EnumSet.noneOf(ModelSet.class);
        for (String s : names) {
            try {
                chosen.add(ModelSet.fromCliName(s.trim()));
            } catch (IllegalArgumentException e) {
                problems.add("--sets: " + e.getMessage());
            }
        }
        if (chosen.isEmpty() && problems.isEmpty()) {
            problems.add("--sets: name at least one of service, aicpu, training");
        }
        return chosen;
    }
}
