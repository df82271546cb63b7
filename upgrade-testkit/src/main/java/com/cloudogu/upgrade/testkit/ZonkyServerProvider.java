package com.cloudogu.upgrade.testkit;

import java.util.Locale;

/** Servers on zonky binaries from Maven Central, run locally by {@link PostgresServer}. */
public final class ZonkyServerProvider implements ServerProvider {

    /** This provider's name. */
    public static final String NAME = "zonky";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Availability.unavailable("the testkit uses the linux-amd64 zonky binaries; this is " + os + "/"
                    + arch);
        }
        return Availability.available("linux-amd64 binaries from " + PostgresBinaries.GROUP_ID + ":"
                + PostgresBinaries.ARTIFACT_ID);
    }

    @Override
    public RunningServer start(String version) {
        Availability availability = availability();
        if (!availability.available()) {
            throw new IllegalStateException("Server provider " + NAME + " is unavailable: " + availability.reason());
        }
        return PostgresServer.builder(version).start();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
