package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.json.JsonReader;
import io.ivfsp.testing.ForwardingRegistry;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease of a key as two nodes see it, on the {@code file://} registry: who holds it, until when, how an
 * expired or unreadable one is taken over, and what a node leaves behind when it lets go.
 */
class LeasesTest {

    private static final String KEY = "a".repeat(64);
    private static final Duration LEASE_TIME = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    private final java.util.List<Leases> opened = new java.util.ArrayList<>();

    @AfterEach
    void stopHeartbeats() {
        opened.forEach(Leases::close);
    }

    private RegistrySession session(Duration leaseTime) throws IOException {
        RemoteSettings settings = RemoteSettings.builder(Files.createDirectories(dir.resolve("registry")).toUri().toString())
                .leaseTime(leaseTime).build();
        RegistrySession s = new RegistrySession(settings, null, "mock", "id", "soc");
        assertThat(s.ensureOpen()).isTrue();
        return s;
    }

    /** A node: its own leases on the shared registry. */
    private Leases node() throws IOException {
        return node(session(LEASE_TIME));
    }

    private Leases node(RegistrySession session) {
        Leases l = new Leases(session);
        opened.add(l);
        return l;
    }

    private Map<?, ?> leaseJson(String name) throws IOException {
        byte[] b = registry().read(name, 4096).orElseThrow();
        return (Map<?, ?>) JsonReader.read(new String(b, StandardCharsets.UTF_8));
    }

    private ModelRegistry registry() throws IOException {
        return FileRegistry.open(Files.createDirectories(dir.resolve("registry")).toUri());
    }

    private void writeLease(String name, String json) throws IOException {
        registry().overwrite(name, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFreeKeyIsLeasedUntilTheLeaseTimeFromNow() throws Exception {
        long before = System.currentTimeMillis();

        Leases.State s = node().tryLease(KEY);

        assertThat(s.lease()).hasValueSatisfying(l -> assertThat(l.name()).isEqualTo("leases/" + KEY + ".0"));
        Map<?, ?> json = leaseJson("leases/" + KEY + ".0");
        assertThat(json.get("holder")).asString().matches("[A-Za-z0-9.\\-]{1,64}/[0-9]+/[0-9a-f]{8}");
        assertThat(json.get("token")).asString().hasSize(36);
        assertThat((Long) json.get("expires_ms")).isBetween(before + LEASE_TIME.toMillis(),
                System.currentTimeMillis() + LEASE_TIME.toMillis());
    }

    @Test
    void anotherNodeIsToldWhenTheHoldersLeaseExpires() throws Exception {
        node().tryLease(KEY).lease().orElseThrow();
        long expires = (Long) leaseJson("leases/" + KEY + ".0").get("expires_ms");

        Leases.State other = node().tryLease(KEY);

        assertThat(other.lease()).isEmpty();
        assertThat(other.expiresAtMillis()).isEqualTo(expires);
    }

    @Test
    void aClosedLeaseIsRemovedAndFreesTheKey() throws Exception {
        Lease lease = node().tryLease(KEY).lease().orElseThrow();

        lease.close();
        lease.close();

        assertThat(registry().exists(lease.name())).isFalse();
        assertThat(node().tryLease(KEY).lease()).hasValueSatisfying(l -> assertThat(l.name()).endsWith(".0"));
    }

    @Test
    void anExpiredLeaseIsTakenOverInTheNextGenerationAndBothAreRemovedOnClose() throws Exception {
        writeLease("leases/" + KEY + ".0", "{\"holder\":\"dead\",\"token\":\"t\",\"expires_ms\":"
                + (System.currentTimeMillis() - 1) + "}");

        Lease lease = node().tryLease(KEY).lease().orElseThrow();

        assertThat(lease.name()).isEqualTo("leases/" + KEY + ".1");
        lease.close();
        assertThat(registry().exists("leases/" + KEY + ".0")).isFalse();
        assertThat(registry().exists("leases/" + KEY + ".1")).isFalse();
    }

    @Test
    void aLeaseThatIsNotALeaseCountsAsExpired() throws Exception {
        for (String junk : new String[] {"not json", "[1]", "{\"expires_ms\":\"never\"}", "{\"a\":[[1]]}"}) {
            writeLease("leases/" + KEY + ".0", junk);

            Leases.State s = node().tryLease(KEY);

            assertThat(s.lease()).as(junk).hasValueSatisfying(l -> assertThat(l.name()).endsWith(".1"));
            s.lease().get().close();
        }
    }

    @Test
    void aLeaseExpiringLaterThanNowIsRespected() throws Exception {
        long expires = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        writeLease("leases/" + KEY + ".0", "{\"holder\":\"alive\",\"token\":\"t\",\"expires_ms\":" + expires + "}");

        Leases.State s = node().tryLease(KEY);

        assertThat(s.lease()).isEmpty();
        assertThat(s.expiresAtMillis()).isEqualTo(expires);
    }

    @Test
    void tooManyExpiredGenerationsAreAnError() throws Exception {
        for (int g = 0; g < 64; g++) {
            writeLease("leases/" + KEY + "." + g, "{\"expires_ms\":0}");
        }

        assertThatThrownBy(() -> node().tryLease(KEY)).isInstanceOf(IOException.class)
                .hasMessageContaining(KEY).hasMessageContaining("64 expired generations");
    }

    @Test
    void theLastGenerationBeforeTheLimitCanStillBeTaken() throws Exception {
        for (int g = 0; g < 63; g++) {
            writeLease("leases/" + KEY + "." + g, "{\"expires_ms\":0}");
        }

        assertThat(node().tryLease(KEY).lease()).hasValueSatisfying(l -> assertThat(l.name()).endsWith(".63"));
    }

    @Test
    void tokenAndExpiryOfWhatIsNotALease() {
        byte[] lease = "{\"token\":\"abc\",\"expires_ms\":42}".getBytes(StandardCharsets.UTF_8);
        assertThat(Leases.token(lease)).isEqualTo("abc");
        assertThat(Leases.expiry(lease)).isEqualTo(42);
        for (String junk : new String[] {"", "x", "[\"token\"]", "{\"token\":1,\"expires_ms\":1.5}", "{\"x\":{\"y\":1}}"}) {
            byte[] b = junk.getBytes(StandardCharsets.UTF_8);
            assertThat(Leases.token(b)).as(junk).isEmpty();
            assertThat(Leases.expiry(b)).as(junk).isZero();
        }
    }

    @Test
    void aHeldLeaseIsRenewedByItsHeartbeat() throws Exception {
        Lease lease = node(session(Duration.ofMillis(300))).tryLease(KEY).lease().orElseThrow();
        long first = (Long) leaseJson(lease.name()).get("expires_ms");
        Object holder = leaseJson(lease.name()).get("holder");

        // Synchronised on the object, not the clock: wait until the heartbeat has rewritten it.
        try {
            Waits.until("the heartbeat renewed the lease", () -> expires(lease) > first);
            assertThat(leaseJson(lease.name()).get("holder")).as("the same holder renews").isEqualTo(holder);
        } finally {
            lease.close();  // also when the wait is interrupted: its heartbeat stops
        }
    }

    private long expires(Lease lease) {
        try {
            return Optional.ofNullable(leaseJson(lease.name()).get("expires_ms")).map(Long.class::cast).orElse(0L);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aHolderRenewsEveryThirdOfTheLeaseTime() throws IOException {
        assertThat(node(session(Duration.ofSeconds(3))).heartbeatMillis()).isEqualTo(1000);
        assertThat(node(session(Duration.ofMillis(100))).heartbeatMillis()).isEqualTo(33);
    }

    @Test
    void aLeaseThatIsNotFlatJsonIsNotALeaseWhateverItSays() throws Exception {
        long future = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        writeLease("leases/" + KEY + ".0", "{\"token\":\"t\",\"expires_ms\":" + future + ",\"x\":[[1]]}");

        assertThat(Leases.token(registry().read("leases/" + KEY + ".0", 4096).orElseThrow())).isEmpty();
        assertThat(node().tryLease(KEY).lease()).as("taken over").hasValueSatisfying(l -> assertThat(l.name()).endsWith(".1"));
    }

    /**
     * A server whose conditional create is not atomic (checked, then written): after a create that seemed to
     * succeed, the lease is only kept if it still holds this node's token once the writes in flight landed.
     */
    @Test
    void onANonAtomicServerALeaseOverwrittenByARacingNodeIsNotKept() throws Exception {
        RegistrySession session = session(LEASE_TIME);
        long theirs = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        ModelRegistry racing = new NonAtomic(registry(), name -> registry().overwrite(name,
                ("{\"holder\":\"racer\",\"token\":\"theirs\",\"expires_ms\":" + theirs + "}").getBytes(StandardCharsets.UTF_8)));
        RegistrySession raced = new RegistrySession(session.settings, racing, "mock", "id", "soc");
        raced.ensureOpen();

        Leases.State s = node(raced).tryLease(KEY);

        assertThat(s.lease()).isEmpty();
        assertThat(s.expiresAtMillis()).isEqualTo(theirs);
    }

    @Test
    void onANonAtomicServerALeaseStillOursAfterTheWritesLandedIsKept() throws Exception {
        RegistrySession session = session(LEASE_TIME);
        RegistrySession plain = new RegistrySession(session.settings, new NonAtomic(registry(), name -> { }), "mock", "id", "soc");
        plain.ensureOpen();

        Leases.State s = node(plain).tryLease(KEY);

        assertThat(s.lease()).hasValueSatisfying(l -> assertThat(l.name()).endsWith(".0"));
    }

    @Test
    void onANonAtomicServerALeaseRemovedMeanwhileIsTriedAgain() throws Exception {
        RegistrySession session = session(LEASE_TIME);
        boolean[] once = {true};
        ModelRegistry removing = new NonAtomic(registry(), name -> {
            if (once[0]) {
                once[0] = false;
                registry().delete(name);
            }
        });
        RegistrySession raced = new RegistrySession(session.settings, removing, "mock", "id", "soc");
        raced.ensureOpen();

        Leases.State s = node(raced).tryLease(KEY);

        assertThat(s.lease()).hasValueSatisfying(l -> assertThat(l.name()).endsWith(".0"));
        assertThat(registry().exists("leases/" + KEY + ".0")).isTrue();
    }

    private interface AfterCreate {
        void run(String name) throws IOException;
    }

    /** The file registry as a server that does not promise atomic creates; {@code afterCreate} plays a racer. */
    private static final class NonAtomic extends ForwardingRegistry {
        private final AfterCreate afterCreate;

        NonAtomic(ModelRegistry files, AfterCreate afterCreate) {
            super(files);
            this.afterCreate = afterCreate;
        }

        @Override
        public boolean createIfAbsent(String name, byte[] content) throws IOException {
            boolean created = delegate.createIfAbsent(name, content);
            afterCreate.run(name);
            return created;
        }
    }
}
