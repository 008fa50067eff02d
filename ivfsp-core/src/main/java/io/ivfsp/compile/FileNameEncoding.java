package io.ivfsp.compile;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a path survives the trip to the operating system under this JVM's locale. Java turns file
 * names and command arguments into bytes with the locale's character set ({@code sun.jnu.encoding});
 * under the POSIX locale ({@code LC_ALL=C}) that is ASCII, and a directory named {@code 模型-ñ}
 * becomes {@code ??????-?}: another directory, which Java (and ATC, given the name as an argument)
 * would create and fill. Such a path is refused rather than written.
 */
public final class FileNameEncoding {

    private FileNameEncoding() {
    }

    /** The character set this JVM encodes file names with. */
    public static Charset fileNames() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * Why {@code path} (absolute) cannot be used as the same name by this JVM and the processes it
     * starts, or empty if it can.
     */
    public static Optional<String> problem(Path path) {
        String cwd = System.getProperty("user.dir", "");
        if (!representable(cwd) && path.startsWith(Path.of("").toAbsolutePath())) {
            // The JVM holds the working directory as a string decoded with the locale's character set:
            // a name that did not decode was turned into '?'s, and relative paths lead there.
            return Optional.of("it lies in the working directory " + cwd + ", whose name " + advice());
        }
        // A Path holds its name encoded with the file-name character set already (an unencodable name
        // cannot be made into one), and its text is decoded with it: the text is all there is to check.
        if (!representable(path.toString())) {
            return Optional.of("its name " + advice());
        }
        return Optional.empty();
    }

    private static boolean representable(String text) {
        // U+FFFD is what a name that did not decode became; it encodes in UTF-8, but as other bytes.
        return !text.contains("\uFFFD") && fileNames().newEncoder().canEncode(text)
                && Charset.defaultCharset().newEncoder().canEncode(text);
    }

    private static String advice() {
        return "cannot be represented in this JVM's file-name encoding " + fileNames().name()
                + " (sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding")
                + ", from the locale: LC_ALL, LC_CTYPE, LANG); run under a UTF-8 locale,"
                + " e.g. LC_ALL=C.UTF-8 (the ivfsp launcher chooses one itself)";
    }
}
