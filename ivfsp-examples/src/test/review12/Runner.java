import io.ivfsp.cli.IvfspCli;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

public class Runner {
    public static void main(String[] a) throws Exception {
        Path base = Path.of(a[1]);
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] hex = line.isEmpty() ? new String[0] : line.split(" ", -1);
            String[] args = new String[hex.length];
            for (int j = 0; j < hex.length; j++) {
                hex[j] = hex[j].substring(1);
                byte[] b = new byte[hex[j].length() / 2];
                for (int k = 0; k < b.length; k++) b[k] = (byte) Integer.parseInt(hex[j].substring(2 * k, 2 * k + 2), 16);
                args[j] = new String(b, StandardCharsets.UTF_8);
            }
            Path dir = base.resolve(String.valueOf(i));
            Path wd = dir.resolve("wd");
            Files.createDirectories(wd);
            StringWriter out = new StringWriter(), err = new StringWriter();
            int rc;
            try {
                rc = new IvfspCli(Map.of(), wd, false).execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
            } catch (Throwable t) {
                StringWriter sw = new StringWriter(); t.printStackTrace(new PrintWriter(sw));
                err.write("UNCAUGHT " + sw);
                rc = 99;
            }
            Files.writeString(dir.resolve("out"), out.toString());
            Files.writeString(dir.resolve("err"), err.toString());
            Files.writeString(dir.resolve("rc"), String.valueOf(rc));
        }
    }
}
