package io.ivfsp.nativeacl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.nativeacl.bind.AclLibrary;
import io.ivfsp.testing.Waits;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native layer's packaging: the platform jar a loader asks for, and the BOM that aligns the modules. */
@ResourceLock("io.ivfsp.nativeacl.AclRuntime")  // the ACL runtime of this JVM is one per process
class PlatformJarTest {

    @TempDir
    Path tmp;

    @Test
    void withoutThePlatformJarTheLoaderNamesIt() throws Exception {
        // ivfsp-native's classes without io/ivfsp/nativeacl/bind/<platform>/: the Java jar alone.
        Path classes = Path.of(AclLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path javaOnly = tmp.resolve("classes");
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.toList()) {
                String rel = classes.relativize(p).toString();
                if (rel.matches("io/ivfsp/nativeacl/bind/linux-[^/]+(/.*)?")) {
                    continue;
                }
                Path target = javaOnly.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(e).toAbsolutePath().equals(classes.toAbsolutePath()) ? javaOnly.toString() : e);
        }
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + tmp.resolve("javacpp-cache"),
                "-cp", String.join(File.pathSeparator, cp), VerifyChild.class.getName(), "unavailable")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Waits.exit(p);
        String text = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(text).isZero();
        String platform = Loader.getPlatform();
        assertThat(text).contains("available false")
                .contains("the platform jar ivfsp-native-").contains("-" + platform + ".jar is not on the class path")
                .contains("<classifier>" + platform + "</classifier>").contains("core plans 45");
    }

    @Test
    void bomManagesEveryModuleAtTheProjectVersion() throws Exception {
        String parent = Files.readString(Path.of("..", "pom.xml"));
        String bom = Files.readString(Path.of("..", "ivfsp-bom", "pom.xml"));
        String version = first(parent, "<artifactId>ivfsp-parent</artifactId>\\s*<version>([^<]+)</version>");

        assertThat(first(bom, "<ivfsp.version>([^<]+)</ivfsp.version>")).isEqualTo(version);
        assertThat(first(bom, "<artifactId>ivfsp-bom</artifactId>\\s*<version>([^<]+)</version>")).isEqualTo(version);
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        List<String> names = new ArrayList<>();
        while (modules.find()) {
            names.add(modules.group(1));
        }
        assertThat(names).contains("ivfsp-bom", "ivfsp-core", "ivfsp-native");
        for (String module : names) {
            if (!module.equals("ivfsp-bom")) {
                assertThat(bom).as("ivfsp-bom manages " + module).contains("<artifactId>" + module + "</artifactId>");
            }
        }
        for (String platform : AclLibrary.PLATFORMS) {
            assertThat(bom).contains("<classifier>" + platform + "</classifier>");
        }
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
