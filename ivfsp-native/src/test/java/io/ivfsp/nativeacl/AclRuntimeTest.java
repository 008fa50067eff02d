package io.ivfsp.nativeacl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.ChildJvm;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ACL's life in a process shared with a host, through JNI against the mock CANN on LD_LIBRARY_PATH.
 * ACL is process-global and cannot come back once finalized, so each scenario runs in a fresh child JVM
 * ({@link AclChild}); {@code 0} is what an ACL call answers while ACL is initialized, {@code 100001}
 * after it was finalized.
 */
@ResourceLock("io.ivfsp.nativeacl.AclRuntime")  // the ACL runtime of this JVM is one per process
class AclRuntimeTest {

    private static ChildJvm.Result child(String scenario) throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of(), List.of(), AclChild.class, scenario);
        assertThat(r.exit()).as(r.out()).isZero();
        return r;
    }

    @Test
    void bindingLoadsWhereTheLibraryIsOnTheLibraryPath() {
        assertThat(NativeAcl.isAvailable()).as(NativeAcl.unavailabilityCause().map(Throwable::getMessage).orElse(""))
                .isTrue();
        assertThat(NativeAcl.unavailabilityCause()).isEmpty();
    }

    @Test
    void hostThatInitializedAclFirstLendsItAndKeepsIt() throws Exception {
        ChildJvm.Result r = child("host-first");

        assertThat(r.out()).contains("host aclInit 0").contains("borrowed true").contains("soc Ascend310P3")
                .contains("after close 0")            // closing a borrowed runtime leaves ACL to its owner
                .contains("host aclFinalize 0");      // ... who finalizes it, once
    }

    @ParameterizedTest
    @ValueSource(strings = {"two-users-first-closes-first", "two-users-second-closes-first"})
    void aclIsFinalizedOnceWhenTheLastOfTwoUsersCloses(String scenario) throws Exception {
        ChildJvm.Result r = child(scenario);

        assertThat(r.out()).contains("borrowed false false").contains("after one close 0")
                .contains("after both closed 100001").contains("aclFinalize again 100037");
    }

    @Test
    void closingOneRuntimeFromManyThreadsCountsOnce() throws Exception {
        ChildJvm.Result r = child("close-from-threads");

        assertThat(r.out()).contains("other open, after 8 closes of one 0").contains("after both closed 100001");
    }

    @Test
    void afterTheLibraryFinalizedAclItIsNotInitializedAgain() throws Exception {
        // The mock CANN refuses aclInit after aclFinalize, as ACL may: a runtime must not pretend otherwise.
        ChildJvm.Result r = child("finalized-for-good");

        assertThat(r.out()).contains("borrowed false").contains("after close 100001")
                .contains("closed use refused: this AclRuntime is closed")
                .contains("initialize refused: ACL was finalized in this process").doesNotContain("initialize succeeded again")
                .contains("aclInit after finalize 100037");
    }

    @Test
    void refusedDeviceCarriesTheAclErrorAndMessage() {
        // Borrowing keeps this JVM's ACL alive for the other tests: the test JVM plays the host.
        assertThat(io.ivfsp.nativeacl.bind.AclLibrary.aclInit(null)).isIn(0, AclException.REPEAT_INITIALIZE);
        try (AclRuntime acl = AclRuntime.initialize()) {
            assertThat(acl.isBorrowed()).isTrue();
            assertThat(acl.deviceCount()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> acl.setDevice(3))
                    .isInstanceOfSatisfying(AclException.class, e -> {
                        assertThat(e.code()).isEqualTo(AclException.INVALID_PARAM);
                        assertThat(e.function()).isEqualTo("aclrtSetDevice");
                        assertThat(e.getMessage()).contains("invalid device id 3");
                    });
        }
    }
}
