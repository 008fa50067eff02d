package io.ivfsp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The house as README's architecture section draws it, checked on every module's main sources: each
 * room (source file) under about 300 lines and named in the section, and every reference between
 * packages running down the layers (config, json, files; ops; compile, store; atc; remote; generate;
 * the native binding and the S3 registry; the CLI and examples on top), never two packages leaning on
 * each other.
 */
class ArchitectureTest {

    private static final int MAX_LINES = 300;

    /** Each package's layer; a subpackage is its package's (nativeacl.bind, remote.s3). */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("config", 0), Map.entry("json", 0), Map.entry("files", 0),
            Map.entry("ops", 1),
            Map.entry("compile", 2), Map.entry("store", 2),
            Map.entry("atc", 3),
            Map.entry("remote", 4),
            Map.entry("generate", 5),
            Map.entry("nativeacl", 6),
            Map.entry("cli", 7), Map.entry("examples", 7));

    private static final Pattern PACKAGE = Pattern.compile("^package io\\.ivfsp\\.([a-z0-9]+)", Pattern.MULTILINE);
    /**
     * An import (single-type, on demand or static) or a qualified name of an ivfsp type:
     * io.ivfsp.pkg[.sub].Type or io.ivfsp.pkg[.sub].*
     */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.ivfsp\\.([a-z0-9]+)(?:\\.[a-z0-9]+)*\\.(?:[A-Z]|\\*)");

    private static List<Path> mainSources() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("ivfsp-")).toList()) {
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                    }
                }
            }
        }
        assertThat(sources).as("main sources of the modules under " + root).hasSizeGreaterThan(100);
        return sources;
    }

    /** The ivfsp packages a source names, in every form Java allows. */
    static Set<String> referencedPackages(String text) {
        Set<String> packages = new TreeSet<>();
        Matcher r = REFERENCE.matcher(text);
        while (r.find()) {
            packages.add(r.group(1));
        }
        return packages;
    }

    @Test
    void referencesOfEveryFormAreSeen() {
        assertThat(referencedPackages("import io.ivfsp.generate.*;")).containsExactly("generate");
        assertThat(referencedPackages("import static io.ivfsp.store.ModelStore.open;")).containsExactly("store");
        assertThat(referencedPackages("import static io.ivfsp.json.JsonReader.*;")).containsExactly("json");
        assertThat(referencedPackages("import io.ivfsp.remote.s3.S3Registry;")).containsExactly("remote");
        assertThat(referencedPackages("var x = new io.ivfsp.atc.AtcCompiler.Builder();")).containsExactly("atc");
        assertThat(referencedPackages("package io.ivfsp.cli; // io.ivfsp.cli and io.ivfsp are no types"))
                .isEmpty();
    }

    /** README's architecture section, from its heading to the next section of the same level or above. */
    private static String architectureSection() throws IOException {
        Path readme = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf("\n## Architecture\n");
        assertThat(start).as("README's architecture section").isNotNegative();
        int end = text.indexOf("\n## ", start + 1);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }

    @Test
    void everyRoomIsNamedInReadmesArchitectureSection() throws IOException {
        String section = architectureSection();
        List<String> unnamed = new ArrayList<>();
        for (Path f : mainSources()) {
            String name = f.getFileName().toString().replaceFirst("\\.java$", "");
            if (!name.equals("package-info") && !Pattern.compile("\\b" + name + "\\b").matcher(section).find()) {
                unnamed.add(f.getParent().getFileName() + "/" + name);
            }
        }
        assertThat(unnamed).as("rooms missing from README's architecture section").isEmpty();
    }

    @Test
    void everyRoomIsUnderAboutThreeHundredLines() throws IOException {
        List<String> tooBig = new ArrayList<>();
        for (Path f : mainSources()) {
            long lines = Files.readAllLines(f, StandardCharsets.UTF_8).size();
            if (lines > MAX_LINES) {
                tooBig.add(f.getFileName() + ": " + lines + " lines");
            }
        }
        assertThat(tooBig).as("split by responsibility").isEmpty();
    }

    @Test
    void everyReferenceBetweenPackagesRunsDownTheLayers() throws IOException {
        Set<String> upward = new TreeSet<>();
        Set<String> edges = new TreeSet<>();
        for (Path f : mainSources()) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            Matcher p = PACKAGE.matcher(text);
            assertThat(p.find()).as(f.toString()).isTrue();
            String from = p.group(1);
            assertThat(LAYER).as("the layer of package " + from + " (" + f + ")").containsKey(from);
            for (String to : referencedPackages(text)) {
                if (to.equals(from)) {
                    continue;
                }
                assertThat(LAYER).as("the layer of package " + to + " (named in " + f + ")").containsKey(to);
                edges.add(from + " -> " + to);
                if (LAYER.get(to) > LAYER.get(from)) {
                    upward.add(f.getFileName() + ": " + from + " -> " + to);
                }
            }
        }
        List<String> mutual = edges.stream().filter(e -> {
            String[] ends = e.split(" -> ");
            return edges.contains(ends[1] + " -> " + ends[0]);
        }).toList();

        assertThat(upward).as("references up the layers").isEmpty();
        assertThat(mutual).as("packages that lean on each other").isEmpty();
        assertThat(edges).as("the check sees references at all").contains("generate -> store", "cli -> generate");
    }
}
