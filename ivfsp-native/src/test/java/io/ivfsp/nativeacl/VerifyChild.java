package io.ivfsp.nativeacl;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Run in a child JVM by the tests (ACL's state is process-global):
 * {@code VerifyChild <dir> [<dir2>]} verifies the default deployment's three sets and prints
 * {@code soc <name>}, {@code present <n>}, one {@code missing <om> <error>} and {@code skipped <file>: <why>}
 * line each, and for a second directory {@code second present <n> loaded before <n>}, and exits 0
 * when complete, 1 when not; with {@code unavailable} it prints whether the binding loads.
 */
public final class VerifyChild {

    private VerifyChild() {
    }

    public static void main(String[] args) {
        if (args[0].equals("unavailable")) {
            System.out.println("available " + NativeAcl.isAvailable());
            NativeAcl.unavailabilityCause().ifPresent(e -> System.out.println("cause " + e.getMessage()));
            try {
                AclRuntime.initialize();
            } catch (NativeUnavailableException e) {
                System.out.println("initialize refused, " + e.getSuppressed().length + " suppressed");
            }
            System.out.println("core plans " + OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class)).modelCount());
            return;
        }
        Set<ModelSet> sets = EnumSet.allOf(ModelSet.class);
        try (AclRuntime acl = AclRuntime.initialize()) {
            VerificationReport r = ModelVerifier.verify(acl, Path.of(args[0]), OpCatalog.plan(IvfspConfig.defaults(), sets));
            System.out.println("soc " + r.socName());
            System.out.println("present " + (r.checks().size() - r.missing().size()));
            r.missing().forEach(c -> System.out.println("missing " + c.omFile() + " " + c.aclError()));
            r.skipped().forEach(s -> System.out.println("skipped " + s.file() + ": " + s.reason()));
            if (args.length > 1) {
                VerificationReport second = ModelVerifier.verify(acl, Path.of(args[1]), OpCatalog.plan(IvfspConfig.defaults(), sets));
                System.out.println("second present " + (second.checks().size() - second.missing().size())
                        + " loaded before " + second.loadedBefore().size());
            }
            System.exit(r.isComplete() ? 0 : 1);
        }
    }
}
