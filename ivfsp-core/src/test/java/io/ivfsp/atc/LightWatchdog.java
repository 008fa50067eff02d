package io.ivfsp.atc;

/**
 * ATC compilers for tests whose subject is not the watchdog: their ATC runs under the shell watchdog,
 * which costs about 2 ms of CPU a run where the Python watchdog's interpreter costs about 15 ms, and the
 * fake ATC about 1 ms. The suite starts ATC over a thousand times. The Python watchdog stays the
 * production default, and the tests of process lifetimes ({@code AtcProcessLifetimeTest},
 * {@code WatchdogTest}, the re-parented grandchildren of {@code ModelGeneratorAtcTest}) run under it.
 */
public final class LightWatchdog {

    private LightWatchdog() {
    }

    /**
     * An {@link AtcCompiler} builder whose ATC runs under the shell watchdog; the production default where
     * there is none ({@code setsid} or {@code sh} missing), rather than no watchdog, a path production never
     * takes where there is one.
     */
    public static AtcCompiler.Builder builder() {
        return Watchdog.env().flatMap(Watchdog::shell).isPresent() ? AtcCompiler.builder().withShellWatchdog()
                : AtcCompiler.builder();
    }
}
