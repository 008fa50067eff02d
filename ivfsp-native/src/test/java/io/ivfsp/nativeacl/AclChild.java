package io.ivfsp.nativeacl;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.nativeacl.bind.AclLibrary;
import io.ivfsp.ops.OpCatalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Scenarios of ACL's process-global life, each run in a fresh child JVM by the tests (ACL cannot be
 * initialized again once finalized). Prints one {@code key value} line per observation.
 * {@code AclChild <scenario> [<model dir>]}.
 */
public final class AclChild {

    private AclChild() {
    }

    /** What ACL answers right now to a call that needs it initialized: 0, or 100001 once finalized. */
    static int aclState() {
        try (IntPointer count = new IntPointer(1)) {
            return AclLibrary.aclrtGetDeviceCount(count);
        }
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "host-first" -> {
                // The host calls ACL through the binding before anything else of ivfsp-native ran.
                System.out.println("host aclInit " + AclLibrary.aclInit(null));
                try (AclRuntime acl = AclRuntime.initialize()) {
                    System.out.println("borrowed " + acl.isBorrowed());
                    System.out.println("soc " + acl.socName().orElse("none"));
                }
                System.out.println("after close " + aclState());
                System.out.println("host aclFinalize " + AclLibrary.aclFinalize());
            }
            case "two-users-first-closes-first", "two-users-second-closes-first" -> {
                AclRuntime first = AclRuntime.initialize();
                AclRuntime second = AclRuntime.initialize();
                System.out.println("borrowed " + first.isBorrowed() + " " + second.isBorrowed());
                (args[0].equals("two-users-first-closes-first") ? first : second).close();
                System.out.println("after one close " + aclState());
                (args[0].equals("two-users-first-closes-first") ? second : first).close();
                System.out.println("after both closed " + aclState());
                System.out.println("aclFinalize again " + AclLibrary.aclFinalize());
            }
            case "close-from-threads" -> {
                AclRuntime shared = AclRuntime.initialize();
                AclRuntime other = AclRuntime.initialize();
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            start.await();
                            shared.close();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                start.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                System.out.println("other open, after 8 closes of one " + aclState());
                other.close();
                System.out.println("after both closed " + aclState());
            }
            case "finalized-for-good" -> {
                AclRuntime acl = AclRuntime.initialize();
                System.out.println("borrowed " + acl.isBorrowed());
                acl.close();
                acl.close();
                System.out.println("after close " + aclState());
                try {
                    acl.socName();
                } catch (IllegalStateException e) {
                    System.out.println("closed use refused: " + e.getMessage());
                }
                try {
                    AclRuntime.initialize();
                    System.out.println("initialize succeeded again");
                } catch (IllegalStateException e) {
                    System.out.println("initialize refused: " + e.getMessage());
                }
                System.out.println("aclInit after finalize " + AclLibrary.aclInit(null));
            }
            case "verify-then-host-model-dir" -> {
                Path dir = Path.of(args[1]);
                System.out.println("host aclInit " + AclLibrary.aclInit(null));
                try (AclRuntime acl = AclRuntime.initialize()) {
                    VerificationReport r = ModelVerifier.verify(acl, dir,
                            OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class)));
                    System.out.println("verify complete " + r.isComplete() + " loaded before " + r.loadedBefore().size());
                }
                try (BytePointer p = new BytePointer(dir.toString())) {
                    System.out.println("host aclopSetModelDir " + AclLibrary.aclopSetModelDir(p));
                    System.out.println("host second aclopSetModelDir " + AclLibrary.aclopSetModelDir(p));
                }
                System.out.println("host aclFinalize " + AclLibrary.aclFinalize());
            }
            case "shape-range-fails" -> {
                // Run with IVFSP_MOCK_FAIL_SHAPE_RANGE=1: every op with a dynamic shape fails to describe.
                try (AclRuntime acl = AclRuntime.initialize()) {
                    ModelVerifier.verify(acl, Path.of(args[1]), OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class)));
                    System.out.println("verify succeeded");
                } catch (AclException e) {
                    System.out.println("refused by " + e.function() + " " + e.code());
                }
                System.out.println("mock " + NativeAcl.symbol(NativeAcl.ACL_LIBRARY, "ivfsp_mock_stats")
                        .map(AclLibrary::ivfsp_call_string).flatMap(NativeAcl::string).orElse("(no stats)"));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
