package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A name read from disk and shown in a message cannot forge a log line, nor flood it. */
class ModelNamesQuoteTest {

    @Test
    void controlCharactersQuotesAndBackslashesAreEscaped() {
        assertThat(ModelNames.quote("a\nb\u0000c\u001fd\u007fe'f\\g h~"))
                .isEqualTo("'a\\u000ab\\u0000c\\u001fd\\u007fe\\u0027f\\u005cg h~'");
    }

    @Test
    void aLongNameIsCutAfter200Characters() {
        assertThat(ModelNames.quote("x".repeat(200))).isEqualTo("'" + "x".repeat(200) + "'");
        assertThat(ModelNames.quote("x".repeat(201))).isEqualTo("'" + "x".repeat(200) + "...'");
    }

    @Test
    void aRefusedModelNameIsShownEscaped() {
        assertThatThrownBy(() -> new Manifest.Model("0_A\n[WARN] forged.om", 1, "a".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a model file name of the catalog: '0_A\\u000a[WARN] forged.om'");
    }
}
