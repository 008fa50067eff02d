package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.StubProvider;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend named and shipped with the CLI is made without a ServiceLoader look-up: it must be the backend,
 * or the refusal, that choosing among every provider a look-up finds gives, with a toolkit and without.
 */
class BackendsTest {

    @TempDir
    Path dir;

    @Test
    void aShippedBackendNamedIsTheOneTheLookUpChooses() {
        AtcToolkit none = AtcToolkit.at(dir.resolve("no-toolkit"));
        AtcToolkit fake = FakeToolkit.create(dir.resolve("toolkit")).toolkit();
        List<String> shipped = List.of("atc", "mock", "native");
        assertThat(Backends.names()).as("the CLI's class path").containsAll(shipped);

        for (AtcToolkit toolkit : List.of(none, fake)) {
            for (String name : shipped) {
                StringWriter err = new StringWriter();
                Backends.Choice choice = Backends.choose("service", Optional.of(name), toolkit, Map.of(), true,
                        new PrintWriter(err, true));

                String what = name + " with " + toolkit.home();
                try {
                    OpCompilerProvider expected = OpCompilers.choose(
                            Optional.of(new OpCompilers.Request(name, "explicit")), Backends.providers(toolkit, Map.of()));
                    OpCompiler compiler = expected.create();
                    assertThat(choice.compiler()).as(what).isPresent();
                    assertThat(choice.compiler().get().getClass()).as(what).isEqualTo(compiler.getClass());
                    assertThat(choice.compiler().get().cacheIdentity()).as(what).isEqualTo(compiler.cacheIdentity());
                    assertThat(choice.named()).as(what).isTrue();
                    assertThat(err.toString()).as(what).isEmpty();
                } catch (IllegalStateException unavailable) {
                    assertThat(choice.compiler()).as(what).isEmpty();
                    assertThat(choice.exit()).as(what).isEqualTo(IvfspCli.COMPILE_FAILURE);
                    assertThat(err.toString()).as(what).contains(unavailable.getMessage());
                }
            }
        }
    }

    @Test
    void everyNameTheLookUpFindsIsTakenAndNoOther() {
        for (String name : Backends.names()) {
            assertThat(Backends.isName(name)).as(name).isTrue();
        }
        for (String name : List.of("", "tbe", "Mock", "mock ", "atc2", OpCompilers.AUTO + "x")) {
            assertThat(Backends.isName(name)).as("'%s'", name).isFalse();
        }
    }

    @Test
    void eachShippedBackendIsMadeAsTheLookUpFindsIt() {
        List<OpCompilerProvider> found = OpCompilers.providers();
        for (String name : Backends.SHIPPED) {
            List<String> classes = found.stream().filter(p -> p.name().equals(name)).map(p -> p.getClass().getName())
                    .toList();
            assertThat(classes).as("%s on the test class path", name).hasSize(1);
            if (!name.equals("atc")) {
                assertThat(Backends.shipped(name)).as(name).get()
                        .satisfies(p -> assertThat(p.name()).isEqualTo(name))
                        .satisfies(p -> assertThat(p.getClass().getName()).isEqualTo(classes.get(0)));
            }
        }
        assertThat(Backends.shipped("tbe")).isEmpty();
    }

    /** A provider elsewhere on the class path with a shipped name: the shipped backend, chosen with a look-up or not. */
    @Test
    void aShippedNameMeansTheShippedBackendWhateverElseHasIt() {
        OpCompilerProvider rogue = new StubProvider("mock", 1000, false, Optional.of("a vendor's mock says no"));
        AtcToolkit none = AtcToolkit.at(dir.resolve("no-toolkit"));
        List<OpCompilerProvider> found = new java.util.ArrayList<>(OpCompilers.providers());
        found.add(0, rogue);

        List<OpCompilerProvider> bound = Backends.bound(found, none, Map.of());

        assertThat(bound.stream().filter(p -> p.name().equals("mock")).toList()).singleElement()
                .isInstanceOf(io.ivfsp.compile.MockCompilerProvider.class);
        assertThat(OpCompilers.choose(Optional.of(new OpCompilers.Request("mock", "explicit")), bound))
                .isInstanceOf(io.ivfsp.compile.MockCompilerProvider.class);
        assertThat(bound).extracting(OpCompilerProvider::name).doesNotHaveDuplicates();
    }
}
