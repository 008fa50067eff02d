package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * Each field of the cache key is prefixed with its length as four big-endian bytes: a field longer than
 * 64 KiB or 16 MiB (a backend identity is free text) keeps every byte of its length.
 */
class CacheKeyLengthTest {

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files(ModelSet.SERVICE).get(0);

    private String expected(String identity) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String field : new String[] {"ivfsp-cache-key-1", null, "--soc_version=Ascend310P3",
                file.set().atcLogLevel().map(l -> "--log=" + l).orElse("(no --log)"), "atc", identity}) {
            if (field == null) {
                md.update(file.jsonBytes());
                continue;
            }
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            md.update(ByteBuffer.allocate(4).putInt(b.length).array());
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void anIdentityLongerThan64KiBKeepsTheThirdByteOfItsLength() throws Exception {
        String identity = "v".repeat((1 << 16) + 1);

        assertThat(CacheKey.of(file, "Ascend310P3", "atc", identity)).isEqualTo(expected(identity));
    }

    @Test
    void anIdentityLongerThan16MiBKeepsTheFourthByteOfItsLength() throws Exception {
        String identity = "v".repeat((1 << 24) + 1);

        assertThat(CacheKey.of(file, "Ascend310P3", "atc", identity)).isEqualTo(expected(identity));
    }
}
