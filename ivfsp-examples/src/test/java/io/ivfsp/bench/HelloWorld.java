package io.ivfsp.bench;

/** A JVM that prints one line: the floor of any Java command line, which {@link StartupBenchmark} compares against. */
public final class HelloWorld {

    private HelloWorld() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
