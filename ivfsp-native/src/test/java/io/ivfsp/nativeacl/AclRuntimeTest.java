package io.ivfsp.nativeacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ACL runtime through JNI, against the mock CANN on LD_LIBRARY_PATH. */
class AclRuntimeTest {

    @Test
    void bindingLoadsWhereTheLibraryIsOnTheLibraryPath() {
        assertThat(NativeAcl.isAvailable()).as(NativeAcl.unavailabilityCause().map(Throwable::getMessage).orElse(""))
                .isTrue();
        assertThat(NativeAcl.unavailabilityCause()).isEmpty();
    }

    @Test
    void socNameAndDevicesComeFromAcl() {
        try (AclRuntime acl = AclRuntime.initialize()) {
            assertThat(acl.socName()).hasValue("Ascend310P3");
            assertThat(acl.deviceCount()).isEqualTo(1);
            try (AclRuntime.AclDevice device = acl.setDevice(0)) {
                assertThat(device.id()).isZero();
            }
        }
    }

    @Test
    void refusedDeviceCarriesTheAclErrorAndMessage() {
        try (AclRuntime acl = AclRuntime.initialize()) {
            assertThatThrownBy(() -> acl.setDevice(3)).isInstanceOfSatisfying(AclException.class, e -> {
                assertThat(e.code()).isEqualTo(100000);
                assertThat(e.function()).isEqualTo("aclrtSetDevice");
                assertThat(e.getMessage()).contains("invalid device id 3");
            });
        }
    }

    @Test
    void onlyOneRuntimeAtATime() {
        try (AclRuntime acl = AclRuntime.initialize()) {
            assertThatThrownBy(AclRuntime::initialize).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already initialized");
        }
        try (AclRuntime again = AclRuntime.initialize()) {
            assertThat(again.isClosed()).isFalse();
        }
    }

    @Test
    void closedRuntimeCannotBeUsed() {
        AclRuntime acl = AclRuntime.initialize();
        acl.close();
        acl.close();

        assertThatThrownBy(acl::socName).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
