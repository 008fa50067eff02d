package io.ivfsp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in README.md is a source file the build compiles: a {@code <!-- source: PATH -->}
 * line names it, and the ```java block that follows must be that file, or the part of it between
 * {@code // README begin} and {@code // README end} (de-indented).
 */
class ReadmeSnippetsTest {

    private static final Pattern SNIPPET =
            Pattern.compile("<!-- source: (\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);

    private static Path repository() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    /** The snippet a source file gives: all of it, or its marked part with the common indent removed. */
    static String snippetOf(String source) {
        int begin = source.indexOf("// README begin\n");
        if (begin < 0) {
            return source;
        }
        int end = source.lastIndexOf('\n', source.lastIndexOf("// README end")) + 1;
        String part = source.substring(begin + "// README begin\n".length(), end);
        List<String> lines = part.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return sb.toString();
    }

    @Test
    void everyJavaSnippetIsACompiledSourceFileAsWritten() throws IOException {
        String readme = Files.readString(repository().resolve("README.md"));
        List<String> sources = new ArrayList<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            Path source = repository().resolve(m.group(1));
            sources.add(m.group(1));
            assertThat(m.group(2)).as("README snippet of " + m.group(1)).isEqualTo(snippetOf(Files.readString(source)));
        }
        assertThat(sources).contains("ivfsp-examples/src/main/java/io/ivfsp/examples/JavaApiExample.java",
                "ivfsp-examples/src/test/java/io/ivfsp/examples/MockBackendExampleTest.java");
        assertThat(readme.split("```java", -1)).as("every java block is tied to a source file").hasSize(sources.size() + 1);
    }
}
